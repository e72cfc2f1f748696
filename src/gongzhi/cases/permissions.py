"""Capabilities of the cases app and the handler checks that go beyond one capability.

Who handles an assignment: for an area office, users holding community_worker / committee_worker /
street_admin over that area (or above); for a department, its department_handler users; for a
department that does not use the platform, area staff over the case's place act on its behalf.
"""

from django.core.exceptions import PermissionDenied

from gongzhi.accounts.roles import Role, ScopeKind
from gongzhi.core import policy

ADMINS = [Role.CITY_ADMIN, Role.DISTRICT_ADMIN, Role.STREET_ADMIN]
OFFICE = [*ADMINS, Role.COMMUNITY_WORKER, Role.COMMITTEE_WORKER]

# Staff report cases in the areas they cover (patrols, visits, hotline transfers …).
REPORT = policy.register("cases.report", [*OFFICE, Role.GRID_WORKER])
# Residents and other members of the public report through the resident channels, anywhere.
REPORT_AS_RESIDENT = policy.register(
    "cases.report_as_resident",
    [Role.RESIDENT, Role.VOLUNTEER, Role.PARTY_MEMBER, Role.UNIT_LIAISON, Role.ORG_STAFF],
)
VIEW = policy.register("cases.view", [*OFFICE, Role.GRID_WORKER])
DISPATCH = policy.register("cases.dispatch", OFFICE)
HANDLE_AREA = policy.register("cases.handle_area", OFFICE)
HANDLE_DEPARTMENT = policy.register("cases.handle_department", [Role.DEPARTMENT_HANDLER])
FOLLOW_UP = policy.register("cases.follow_up", OFFICE)
SUPERVISE = policy.register("cases.supervise", ADMINS)
DECIDE_EXTENSION = policy.register("cases.decide_extension", ADMINS)
MANAGE_ROUTING = policy.register("cases.manage_routing", ADMINS)
MANAGE_CATEGORIES = policy.register("cases.manage_categories", [Role.CITY_ADMIN, Role.DISTRICT_ADMIN])
SEE_REPORTER = policy.register("cases.see_reporter", OFFICE)

RESIDENT_CHANNELS = {"resident_web", "resident_mobile"}


def can_handle(user, assignment) -> bool:
    """The user may act for this assignment's handler (themselves or on behalf of an offline department)."""
    if user is None:
        return True
    if assignment.handler_kind == "area":
        return policy.can(user, HANDLE_AREA, area=assignment.handler_area)
    dept = assignment.handler_department
    if policy.can(user, HANDLE_DEPARTMENT, body=dept, body_kind=ScopeKind.DEPARTMENT):
        return True
    return acts_on_behalf(user, assignment)


def acts_on_behalf(user, assignment) -> bool:
    """Staff recording for a department that does not use the platform."""
    from gongzhi.areas.department_actions import ACT_FOR_DEPARTMENT

    dept = assignment.handler_department
    if user is None or dept is None or dept.uses_platform:
        return False
    if policy.can(user, HANDLE_DEPARTMENT, body=dept, body_kind=ScopeKind.DEPARTMENT):
        return False
    return policy.can(user, ACT_FOR_DEPARTMENT, area=assignment.case.area)


def require_handle(user, assignment) -> None:
    if not can_handle(user, assignment):
        raise PermissionDenied(HANDLE_AREA)


def is_reporter(user, case) -> bool:
    return bool(user is not None and getattr(user, "pk", None) and case.reporter_user_id == user.pk)


def handles_any(user, case) -> bool:
    return any(
        can_handle(user, a) for a in case.assignments.all() if a.state in ("pending", "accepted", "done")
    )


def can_view(user, case) -> bool:
    """Staff over the place, any handler of the case, and the reporter."""
    if user is None:
        return True
    if policy.can(user, VIEW, area=case.area):
        return True
    if is_reporter(user, case):
        return True
    return any(
        policy.can(user, HANDLE_DEPARTMENT, body=a.handler_department, body_kind=ScopeKind.DEPARTMENT)
        for a in case.assignments.all()
        if a.handler_kind == "department"
    )


def require_view(user, case) -> None:
    if not can_view(user, case):
        raise PermissionDenied(VIEW)


def can_follow_ticket(user, ticket) -> bool:
    """A queued report's ticket is followed by the account that sent it, and by nobody else."""
    return user is not None and ticket.actor_id is not None and ticket.actor_id == user.pk


def require_report(user, area, channel: str) -> None:
    if user is None or policy.can(user, REPORT, area=area):
        return
    if channel in RESIDENT_CHANNELS and policy.can(user, REPORT_AS_RESIDENT):
        return
    raise PermissionDenied(REPORT)
