"""Read side of cases: scoped lists, the handler's inbox, the timeline a viewer may see, counts for to-dos."""

import datetime as dt

from django.db.models import Exists, OuterRef, Prefetch, Q
from django.http import Http404
from django.utils import timezone

from gongzhi.accounts.roles import ScopeKind
from gongzhi.areas.models import LEVEL_FIELD, Area, subtree_q
from gongzhi.core import policy

from . import machine, permissions
from .models import Case, CaseAssignment, CaseFile, ExtensionRequest, FollowUpCall, IntakeTicket

LIVE = ["pending", "accepted"]


def _paths_q(prefix: str, paths) -> Q:
    q = Q(pk__in=[])
    for p in paths:
        q |= subtree_q(prefix, p)
    return q


def scope_q(paths) -> Q:
    """Cases inside any of the subtrees at `paths`, through the ancestor-id column of each area's level
    (``street_id = 7`` is one range of the (street_id, received_at, id) index, in the list's order);
    areas without such a column (the city, compounds, grids) by the area_path range."""
    if not paths:
        return Q(pk__in=[])
    level = {
        path: (kind, pk)
        for path, kind, pk in Area.objects.filter(path__in=paths).values_list("path", "kind", "id")
    }
    q = Q(pk__in=[])
    for p in paths:
        kind, pk = level.get(p, (None, None))
        field = LEVEL_FIELD.get(kind)
        q |= Q(**{field: pk}) if field else subtree_q("area_path", p)
    return q


def visible_cases(user):
    """Cases the user may see: staff over the place, the handling departments, the reporter.

    The reporter's own cases are added (an OR across columns, which no index serves in the list's
    order) only when the user reported cases outside their area scope — one look-up on the reporter
    index; for staff with a scope the list stays one ordered index range."""
    qs = Case.objects.select_related("category", "area")
    if user is None or getattr(user, "is_superuser", False):
        return qs
    paths = policy.area_paths(user, permissions.VIEW) or []
    depts = policy.body_ids(user, permissions.HANDLE_DEPARTMENT, ScopeKind.DEPARTMENT)
    if not paths and not depts:
        return qs.filter(reporter_user_id=user.pk)
    q = scope_q(paths)
    if depts:
        q |= Q(pk__in=CaseAssignment.objects.filter(handler_department_id__in=depts).values("case_id"))
    if not paths or Case.objects.filter(reporter_user_id=user.pk).exclude(q).exists():
        q |= Q(reporter_user_id=user.pk)
    return qs.filter(q)


def my_tasks(user, states=("pending",)):
    """Handling tasks waiting for the user's offices and departments."""
    qs = CaseAssignment.objects.filter(state__in=states).select_related(
        "case", "case__category", "handler_area", "handler_department"
    )
    if user is None or getattr(user, "is_superuser", False):
        return qs
    q = Q(pk__in=[])
    paths = policy.area_paths(user, permissions.HANDLE_AREA) or []
    if paths:
        q |= Q(handler_kind="area") & _paths_q("handler_area__path", paths)
    depts = policy.body_ids(user, permissions.HANDLE_DEPARTMENT, ScopeKind.DEPARTMENT)
    if depts:
        q |= Q(handler_department_id__in=depts)
    return qs.filter(q)


def filtered(
    qs, *, state="", view="", user=None, category=None, area=None, received=None, category_code="", channel=""
):
    """Narrow a (scoped) case list: state, view, category, the subtree of `area`, the months
    `received` = (first "YYYY-MM", last "YYYY-MM") of receipt, a category code and a channel — the
    filters the area dashboard's numbers link to (one index range on area_path and received_at)."""
    if state in machine.STATES:
        qs = qs.filter(state=state)
    if category:
        qs = qs.filter(category_id=category)
    if area is not None:
        qs = qs.filter(subtree_q("area_path", area.path))
    if received:
        qs = qs.filter(received_at__gte=_month_start(received[0]), received_at__lt=_month_after(received[1]))
    if category_code:
        qs = qs.filter(category__code=category_code)
    if channel:
        qs = qs.filter(channel=channel)
    if view == "open":
        qs = qs.filter(state__in=machine.OPEN_STATES)
    elif view == "overdue":
        qs = qs.filter(is_overdue=True, state__in=machine.OPEN_STATES)
    elif view == "to_dispatch":
        qs = qs.filter(state=machine.RECEIVED)
    elif view == "reported" and user is not None:
        qs = qs.filter(reporter_user_id=user.pk)
    elif view == "to_accept" and user is not None:
        qs = qs.filter(pk__in=my_tasks(user).values("case_id"))
    return qs


def _month_start(period: str) -> dt.datetime:
    return dt.datetime(int(period[:4]), int(period[5:7]), 1, tzinfo=timezone.get_current_timezone())


def _month_after(period: str) -> dt.datetime:
    y, m = int(period[:4]), int(period[5:7])
    return dt.datetime(y + m // 12, m % 12 + 1, 1, tzinfo=timezone.get_current_timezone())


def cases_for_page():
    """Cases as the read-only case views read them: the handling tasks once, with their handlers, for
    the permission checks, the action list and the task list (an action's view reads them fresh,
    after it locks); and whether the case has files, follow-up calls or an open extension request (one
    EXISTS each: most have none, and each list was a query of its own)."""
    return (
        Case.objects.select_related("category", "area")
        .annotate(
            has_files=Exists(CaseFile.objects.filter(case=OuterRef("pk"))),
            has_follow_ups=Exists(FollowUpCall.objects.filter(case=OuterRef("pk"))),
            has_pending_extension=Exists(
                ExtensionRequest.objects.filter(case=OuterRef("pk"), state=ExtensionRequest.State.PENDING)
            ),
        )
        .prefetch_related(
            Prefetch(
                "assignments",
                queryset=CaseAssignment.objects.select_related("handler_area", "handler_department").order_by(
                    "id"
                ),
            )
        )
    )


def timeline_for(user, case):
    """The whole timeline for staff and handlers; the public steps for the reporter."""
    events = case.events.select_related("actor").order_by("at", "id")
    staff = policy.can(user, permissions.VIEW, area=case.area) or permissions.handles_any(user, case)
    return events if staff else events.filter(public=True)


# The home page's counts stop here: a city administrator's inbox would otherwise count every task
# and overdue case in the city on each view; "more than 1,000" says all there is to act on.
COUNT_CAP = 1000


def _capped(qs) -> int:
    """The number of rows, counted up to COUNT_CAP + 1 (one LIMIT subquery)."""
    return qs[: COUNT_CAP + 1].count()


def count_to_accept(user) -> int:
    return _capped(my_tasks(user).select_related(None)) if user is not None else 0


def count_overdue(user) -> int:
    paths = policy.area_paths(user, permissions.VIEW)
    if paths == []:
        return 0
    qs = Case.objects.filter(is_overdue=True, state__in=machine.OPEN_STATES)
    if paths is not None:
        qs = qs.filter(_paths_q("area_path", paths))
    return _capped(qs)


def count_to_dispatch(user) -> int:
    paths = policy.area_paths(user, permissions.DISPATCH)
    if paths == []:
        return 0
    qs = Case.objects.filter(state=machine.RECEIVED)
    if paths is not None:
        qs = qs.filter(_paths_q("area_path", paths))
    return _capped(qs)


def ticket_by_token(token: str) -> IntakeTicket | None:
    """The queued report with this token (tokens are at most 40 characters), with its case."""
    if not token:
        return None
    return IntakeTicket.objects.select_related("case").filter(token=token[:40]).first()


def get_ticket_for_user(user, token: str) -> IntakeTicket:
    """The ticket if `user` may follow it; Http404 otherwise (as if there were none)."""
    ticket = ticket_by_token(token)
    if ticket is None or not permissions.can_follow_ticket(user, ticket):
        raise Http404
    return ticket
