"""The evaluation app's capabilities, registered with the one policy (gongzhi.core.policy).

Schemes and rounds are run by the city, district and street staff of the owner area; reviewers
(staff of the area and the registry officer for organizations) enter scores for reviewed indicators;
the registry officer records grade suggestions for social organizations. Nominating party
organizations for honours is decided by the party app (`party.manage` over the awarding organization).
"""

from gongzhi.accounts.roles import Role
from gongzhi.core import policy

R = Role
ADMINS = [R.CITY_ADMIN, R.DISTRICT_ADMIN, R.STREET_ADMIN]

# Read schemes, rounds, scores and results of an area's subtree.
VIEW = policy.register(
    "evaluation.view",
    [*ADMINS, R.COMMUNITY_WORKER, R.COMMITTEE_WORKER, R.REGISTRY_OFFICER, R.PARTY_SECRETARY],
)
# Create and edit schemes (indicators, weights, stage goals), activate them, open and close rounds.
MANAGE = policy.register("evaluation.manage", ADMINS)
# Enter scores for reviewed indicators in an open round.
REVIEW = policy.register("evaluation.review", [*ADMINS, R.COMMUNITY_WORKER, R.REGISTRY_OFFICER])
# Record the grade suggested for a social organization from a closed round (checked on the organization).
SUGGEST_GRADE = policy.register("evaluation.suggest_grade", [R.CITY_ADMIN, R.REGISTRY_OFFICER])
