"""The roles of the platform, the scope kinds a role may be given for, and who may grant what."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    CITY_ADMIN = "city_admin", _("city administrator")
    DISTRICT_ADMIN = "district_admin", _("district administrator")
    STREET_ADMIN = "street_admin", _("street/town administrator")
    COMMUNITY_WORKER = "community_worker", _("community worker")
    COMMITTEE_WORKER = "committee_worker", _("residents' committee worker")
    GRID_WORKER = "grid_worker", _("grid worker")
    REGISTRY_OFFICER = "registry_officer", _("social-organization registry officer")
    PARTY_SECRETARY = "party_secretary", _("party secretary")
    PARTY_MEMBER = "party_member", _("party member")
    UNIT_LIAISON = "unit_liaison", _("stationed-unit liaison")
    ORG_STAFF = "org_staff", _("social-organization staff")
    DEPARTMENT_HANDLER = "department_handler", _("department handler")
    VOLUNTEER = "volunteer", _("volunteer")
    RESIDENT = "resident", _("resident")


class ScopeKind(models.TextChoices):
    AREA = "area", _("area")
    SOCIAL_ORGANIZATION = "social_organization", _("social organization")
    STATIONED_UNIT = "stationed_unit", _("stationed unit")
    PARTY_ORGANIZATION = "party_organization", _("party organization")
    DEPARTMENT = "department", _("department")
    COUNCIL = "council", _("council")


# Which scope kinds each role may be given for.
ROLE_SCOPES: dict[str, set[str]] = {
    Role.CITY_ADMIN: {ScopeKind.AREA},
    Role.DISTRICT_ADMIN: {ScopeKind.AREA},
    Role.STREET_ADMIN: {ScopeKind.AREA},
    Role.COMMUNITY_WORKER: {ScopeKind.AREA},
    Role.COMMITTEE_WORKER: {ScopeKind.AREA},
    Role.GRID_WORKER: {ScopeKind.AREA},
    Role.REGISTRY_OFFICER: {ScopeKind.AREA},
    Role.PARTY_SECRETARY: {ScopeKind.PARTY_ORGANIZATION, ScopeKind.AREA},
    Role.PARTY_MEMBER: {ScopeKind.PARTY_ORGANIZATION, ScopeKind.AREA},
    Role.UNIT_LIAISON: {ScopeKind.STATIONED_UNIT},
    Role.ORG_STAFF: {ScopeKind.SOCIAL_ORGANIZATION},
    Role.DEPARTMENT_HANDLER: {ScopeKind.DEPARTMENT},
    Role.VOLUNTEER: {ScopeKind.AREA},
    Role.RESIDENT: {ScopeKind.AREA},
}

# Which roles a holder of a role may grant, always inside the holder's own scope.
_STAFF_GRANTABLE = {
    Role.COMMUNITY_WORKER,
    Role.COMMITTEE_WORKER,
    Role.GRID_WORKER,
    Role.REGISTRY_OFFICER,
    Role.PARTY_SECRETARY,
    Role.PARTY_MEMBER,
    Role.UNIT_LIAISON,
    Role.ORG_STAFF,
    Role.DEPARTMENT_HANDLER,
    Role.VOLUNTEER,
    Role.RESIDENT,
}
GRANTABLE: dict[str, set[str]] = {
    Role.CITY_ADMIN: set(Role.values),
    Role.DISTRICT_ADMIN: {Role.DISTRICT_ADMIN, Role.STREET_ADMIN, *_STAFF_GRANTABLE},
    Role.STREET_ADMIN: {Role.STREET_ADMIN, *_STAFF_GRANTABLE},
    Role.COMMUNITY_WORKER: {Role.COMMITTEE_WORKER, Role.GRID_WORKER, Role.VOLUNTEER, Role.RESIDENT},
    Role.COMMITTEE_WORKER: {Role.GRID_WORKER, Role.VOLUNTEER, Role.RESIDENT},
    Role.REGISTRY_OFFICER: {Role.ORG_STAFF},
    Role.PARTY_SECRETARY: {Role.PARTY_MEMBER},
}

ADMIN_ROLES = {Role.CITY_ADMIN, Role.DISTRICT_ADMIN, Role.STREET_ADMIN}
AREA_STAFF_ROLES = ADMIN_ROLES | {Role.COMMUNITY_WORKER, Role.COMMITTEE_WORKER, Role.GRID_WORKER}
