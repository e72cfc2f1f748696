"""The volunteers app's capabilities, registered with the one policy (gongzhi.core.policy).

Volunteers and residents act for themselves through their linked Person (a registered volunteer
signs up and checks in; a resident books a skill service); staff of an area act for anyone in it.
"""

from gongzhi.accounts.roles import Role
from gongzhi.core import policy

R = Role
ADMINS = [R.CITY_ADMIN, R.DISTRICT_ADMIN, R.STREET_ADMIN]
MANAGERS = [*ADMINS, R.COMMUNITY_WORKER, R.COMMITTEE_WORKER]

# Reading teams, volunteers, activities, records and figures of an area.
VIEW = policy.register("volunteers.view", [*MANAGERS, R.GRID_WORKER, R.PARTY_SECRETARY])
# Teams, volunteer registration, activities, sign-up handling, check-in, neighbourhood points,
# the volunteer base's services and brand projects of an area.
MANAGE = policy.register("volunteers.manage", MANAGERS)
# Service hours are recorded (and corrected, audited) by the organizing body's staff.
RECORD_HOURS = policy.register("volunteers.record_hours", MANAGERS)
# Certificates carry the street's (or committee's) name as issuer.
ISSUE_CERTIFICATE = policy.register("volunteers.issue_certificate", MANAGERS)
# Star thresholds are one city-wide rule.
CONFIGURE_STARS = policy.register("volunteers.configure_stars", [R.CITY_ADMIN])
# Self-service entry points (the menu): a registered volunteer / a resident with a linked person.
SELF_SERVICE = policy.register("volunteers.self_service", [R.VOLUNTEER, R.RESIDENT, R.PARTY_MEMBER])
