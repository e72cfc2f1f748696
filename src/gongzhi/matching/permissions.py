"""The matching app's capabilities, registered with the one policy (gongzhi.core.policy).

Resources are published by a body (a stationed unit's liaison, a social organization's staff, a party
organization's secretary) or by area staff on the body's behalf; needs by committees and residents;
pairs are accepted into projects by community and committee workers of the need's area.
"""

from gongzhi.accounts.roles import Role
from gongzhi.core import policy

R = Role
ADMINS = [R.CITY_ADMIN, R.DISTRICT_ADMIN, R.STREET_ADMIN]
WORKERS = [*ADMINS, R.COMMUNITY_WORKER, R.COMMITTEE_WORKER]

# Reading the resource, need and project lists and the figures of an area.
VIEW = policy.register(
    "matching.view", [*WORKERS, R.GRID_WORKER, R.PARTY_SECRETARY, R.UNIT_LIAISON, R.ORG_STAFF]
)
# Publishing and withdrawing a body's resources (checked against the publishing body).
PUBLISH_RESOURCE = policy.register(
    "matching.publish_resource", [*WORKERS, R.UNIT_LIAISON, R.ORG_STAFF, R.PARTY_SECRETARY]
)
# Publishing and closing needs of an area (residents publish their own).
PUBLISH_NEED = policy.register("matching.publish_need", [*WORKERS, R.GRID_WORKER, R.RESIDENT])
# Accepting a proposed pair (it becomes a project) and running the project.
MATCH = policy.register("matching.match", WORKERS)
