"""Shared pieces of the case actions: the timeline, transition checks, locking, events, recipients.

Every transition writes exactly one CaseEvent whose `action` is the machine's transition name, so
the timeline replays (machine.replay) to the stored state; notes and task-level steps use other
action names that the replay ignores.
"""

import contextlib
import contextvars

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongzhi.accounts.models import RoleAssignment
from gongzhi.accounts.roles import Role, ScopeKind
from gongzhi.core import audit, events, rollups
from gongzhi.notices.actions import notify, register_kind

from .. import machine
from ..models import Case, CaseEvent
from ..models.cases import State

VERBS = {
    "received": gettext_lazy("case received"),
    "dispatch": gettext_lazy("case dispatched"),
    "redispatch": gettext_lazy("case dispatched again"),
    "reassign": gettext_lazy("case reassigned"),
    "accept": gettext_lazy("case accepted"),
    "start": gettext_lazy("case handling started"),
    "park": gettext_lazy("case parked"),
    "unpark": gettext_lazy("case resumed"),
    "resolve": gettext_lazy("case resolved"),
    "follow_up": gettext_lazy("case feedback recorded"),
    "close": gettext_lazy("case closed"),
    "return": gettext_lazy("case returned"),
    "reopen": gettext_lazy("case reopened"),
    "extend": gettext_lazy("case deadline extended"),
    "extension_requested": gettext_lazy("case extension requested"),
    "extension_rejected": gettext_lazy("case extension rejected"),
    "merge": gettext_lazy("case merged into another"),
    "supervise": gettext_lazy("case put under supervision"),
    "task_accepted": gettext_lazy("supporting task accepted"),
    "task_done": gettext_lazy("supporting task done"),
    "task_returned": gettext_lazy("supporting task returned"),
    "category_changed": gettext_lazy("case category changed"),
    "follow_up_call": gettext_lazy("follow-up call logged"),
    "files_added": gettext_lazy("evidence added to a case"),
    "overdue": gettext_lazy("case marked overdue"),
    "note": gettext_lazy("note added to a case"),
}
for _verb, _label in VERBS.items():
    audit.register_verb(f"case.{_verb}", _label)

KIND_ASSIGNED = register_kind("cases.assigned", gettext_lazy("a case was assigned to you"))
KIND_RETURNED = register_kind("cases.returned", gettext_lazy("a case was returned"))
KIND_PROGRESS = register_kind("cases.progress", gettext_lazy("progress on a case you reported"))
KIND_SUPERVISION = register_kind("cases.supervision", gettext_lazy("supervision notice (督办)"))
KIND_EXTENSION = register_kind("cases.extension", gettext_lazy("extension request"))

AREA_HANDLER_ROLES = [Role.COMMUNITY_WORKER, Role.COMMITTEE_WORKER, Role.STREET_ADMIN]


_clock: contextvars.ContextVar = contextvars.ContextVar("cases_clock", default=None)


def now():
    """The current time, or the simulated one inside `clock()` (demo data and the city generator)."""
    return _clock.get() or timezone.now()


@contextlib.contextmanager
def clock(moment):
    """Run actions as if at `moment` (an aware datetime): timelines and deadlines follow it."""
    token = _clock.set(moment)
    try:
        yield
    finally:
        _clock.reset(token)


def lock(case: Case) -> Case:
    """Re-read the case under a row lock (inside the action's transaction)."""
    return Case.objects.select_for_update().select_related("category", "area").get(pk=case.pk)


def check(case: Case, name: str) -> str:
    """The next state, or a ValidationError that names the current state."""
    try:
        return machine.apply(case.state, name)
    except machine.IllegalTransition:
        raise ValidationError(
            {
                "state": _("This cannot be done now: the case is %(state)s.")
                % {"state": State(case.state).label}
            }
        ) from None


def need_text(value, field: str, message) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: message})
    return value


def timeline(case, actor, action, *, from_state="", to_state="", note="", data=None, public=True, at=None):
    return CaseEvent.objects.create(
        case=case,
        at=at or now(),
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        from_state=from_state,
        to_state=to_state,
        note=note,
        data=data or {},
        public=public,
    )


def record(actor, verb: str, case: Case, details=None, *, on_behalf_of=None):
    """The one audit event of an action (through record_on_behalf for an offline department)."""
    if on_behalf_of is not None:
        from gongzhi.areas.department_actions import record_on_behalf

        return record_on_behalf(actor, on_behalf_of, f"case.{verb}", case, details or {}, area=case.area)
    return audit.record(actor, f"case.{verb}", case, details=details or {})


def publish(name: str, case: Case, **extra):
    """Domain event `case.<name>` for rollups and other apps (delivered after commit)."""
    moment = extra.pop("at", None) or now()
    events.publish(
        f"case.{name}",
        case_id=case.pk,
        number=case.number,
        area_id=case.area_id,
        street_id=case.street_id,
        category_id=case.category_id,
        channel=case.channel,
        state=case.state,
        urgent=case.urgent,
        dwelling_id=case.dwelling_id,
        source_type=case.source_type,
        at=moment.isoformat(),
        period=rollups.period_of(moment),
        **extra,
    )


def handler_users(assignment) -> list[int]:
    """User ids who work for the assignment's handler (for notices)."""
    if assignment.handler_kind == "area":
        qs = RoleAssignment.objects.active().filter(
            scope_kind=ScopeKind.AREA, area_id=assignment.handler_area_id, role__in=AREA_HANDLER_ROLES
        )
    else:
        dept = assignment.handler_department
        if dept is not None and not dept.uses_platform:
            # Staff of the case's own office record for an offline department.
            case = assignment.case
            office = case.committee_id or case.community_id or case.street_id
            qs = RoleAssignment.objects.active().filter(
                scope_kind=ScopeKind.AREA, area_id=office, role__in=AREA_HANDLER_ROLES
            )
        else:
            qs = RoleAssignment.objects.active().filter(
                scope_kind=ScopeKind.DEPARTMENT,
                scope_id=assignment.handler_department_id,
                role=Role.DEPARTMENT_HANDLER,
            )
    return sorted(set(qs.values_list("user_id", flat=True)))


def superior_users(case: Case) -> list[int]:
    """The street/town administrators above the case (督办 goes to them as well)."""
    ids = [i for i in (case.street_id, case.district_id) if i]
    return sorted(
        set(
            RoleAssignment.objects.active()
            .filter(
                Q(
                    scope_kind=ScopeKind.AREA,
                    area_id__in=ids,
                    role__in=[Role.STREET_ADMIN, Role.DISTRICT_ADMIN],
                )
            )
            .values_list("user_id", flat=True)
        )
    )


def dispatcher_users(case: Case) -> list[int]:
    office = case.committee_id or case.community_id or case.street_id
    return sorted(
        set(
            RoleAssignment.objects.active()
            .filter(scope_kind=ScopeKind.AREA, area_id=office, role__in=AREA_HANDLER_ROLES)
            .values_list("user_id", flat=True)
        )
    )


def case_url(case: Case) -> str:
    return f"/cases/{case.pk}/"


def tell(actor, user_ids, kind: str, title: str, body: str = "", case: Case | None = None):
    ids = [u for u in user_ids if u and u != getattr(actor, "pk", None)]
    if ids:
        notify(
            actor=actor,
            recipients=ids,
            kind=kind,
            title=title[:200],
            body=body,
            url=case_url(case) if case else "",
        )


def tell_reporter(actor, case: Case, title: str, body: str = ""):
    if case.reporter_user_id:
        tell(actor, [case.reporter_user_id], KIND_PROGRESS, title, body, case)


def working_days(start, end) -> int:
    from gongzhi.core import calendar

    return calendar.working_days_between(start, end)
