"""The orgs app's capabilities, registered with the one policy (gongzhi.core.policy)."""

from gongzhi.accounts.roles import Role
from gongzhi.core import policy

R = Role
STAFF = [
    R.CITY_ADMIN,
    R.DISTRICT_ADMIN,
    R.STREET_ADMIN,
    R.COMMUNITY_WORKER,
    R.COMMITTEE_WORKER,
    R.GRID_WORKER,
]

VIEW_REGISTRY = policy.register(
    "orgs.view", [*STAFF, R.REGISTRY_OFFICER, R.PARTY_SECRETARY, R.ORG_STAFF, R.UNIT_LIAISON]
)
REGISTER = policy.register("orgs.register", [R.CITY_ADMIN, R.REGISTRY_OFFICER])
EDIT_CONTACT = policy.register("orgs.edit_contact", [R.CITY_ADMIN, R.REGISTRY_OFFICER, R.ORG_STAFF])
SEE_LEGAL_REP = policy.register("orgs.see_legal_rep", [R.CITY_ADMIN, R.DISTRICT_ADMIN, R.REGISTRY_OFFICER])
FILE_TEAMS = policy.register(
    "orgs.file_teams",
    [R.CITY_ADMIN, R.DISTRICT_ADMIN, R.STREET_ADMIN, R.COMMUNITY_WORKER, R.REGISTRY_OFFICER],
)
MANAGE_UNITS = policy.register(
    "orgs.manage_units", [R.CITY_ADMIN, R.DISTRICT_ADMIN, R.STREET_ADMIN, R.COMMUNITY_WORKER, R.UNIT_LIAISON]
)
SUBMIT_INSPECTION = policy.register("orgs.submit_inspection", [R.ORG_STAFF, R.REGISTRY_OFFICER])
REVIEW_INSPECTION = policy.register("orgs.review_inspection", [R.CITY_ADMIN, R.REGISTRY_OFFICER])
MANAGE_PROGRAMS = policy.register(
    "orgs.manage_programs", [R.CITY_ADMIN, R.DISTRICT_ADMIN, R.STREET_ADMIN, R.REGISTRY_OFFICER]
)
APPLY_VENTURE = policy.register("orgs.apply_venture", [R.ORG_STAFF])
VIEW_REPORT = policy.register(
    "orgs.view_report",
    [R.CITY_ADMIN, R.DISTRICT_ADMIN, R.STREET_ADMIN, R.COMMUNITY_WORKER, R.REGISTRY_OFFICER],
)
IMPORT = policy.register("orgs.import", [R.CITY_ADMIN, R.REGISTRY_OFFICER])
# Reading the street's lighter records: filed teams (staff, registry, party secretaries) and units
# (the same, plus each unit's own liaison for their unit).
VIEW_TEAMS = policy.register("orgs.view_teams", [*STAFF, R.REGISTRY_OFFICER, R.PARTY_SECRETARY])
VIEW_UNITS = policy.register(
    "orgs.view_units", [*STAFF, R.REGISTRY_OFFICER, R.PARTY_SECRETARY, R.UNIT_LIAISON]
)
# Reading annual reports: reviewers, staff in scope, and each organization's own staff.
VIEW_INSPECTIONS = policy.register(
    "orgs.view_inspections", [R.CITY_ADMIN, R.DISTRICT_ADMIN, R.STREET_ADMIN, R.REGISTRY_OFFICER, R.ORG_STAFF]
)
UNMASK_LEGAL_REP = policy.register(
    "orgs.unmask_legal_rep", [R.CITY_ADMIN, R.DISTRICT_ADMIN, R.REGISTRY_OFFICER]
)
