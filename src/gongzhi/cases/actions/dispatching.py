"""Dispatch (派单), redispatch after a return, reassignment, and re-routing when the category changes.

A dispatch creates the lead task (主办) and the supporting tasks (协办) of the rule — or those the
dispatcher chose — and fixes the deadlines once: accept within the category's working hours,
resolve within its working days (urgent: the shorter limit), each support within its own days.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from gongzhi.accounts.models import Department
from gongzhi.areas.models import Area
from gongzhi.core import policy

from .. import deadlines, machine, permissions, routing
from ..models import Case, CaseAssignment
from ..models.routing import HandlerKind
from ..routing import Handler, Route
from . import common

LIVE = [CaseAssignment.State.PENDING, CaseAssignment.State.ACCEPTED]


def handler(kind: str, ref, *, task: str = "", days: int | None = None) -> Handler:
    """A Handler from a kind and an Area/Department (or its id); ValidationError when unknown."""
    if kind == HandlerKind.AREA:
        area = ref if isinstance(ref, Area) else Area.objects.filter(pk=_int(ref)).first()
        if area is None or area.abolished_on:
            raise ValidationError({"lead": _("Unknown handling office.")})
        return Handler(HandlerKind.AREA, area=area, task=task)
    if kind == HandlerKind.DEPARTMENT:
        dept = ref if isinstance(ref, Department) else Department.objects.filter(pk=_int(ref)).first()
        if dept is None or not dept.is_active:
            raise ValidationError({"lead": _("Unknown or inactive department.")})
        return Handler(HandlerKind.DEPARTMENT, department=dept, task=task, resolve_within_days=days)
    raise ValidationError({"lead": _("Choose an office or a department.")})


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError, OverflowError):
        return None


def _validate_route(case: Case, route: Route) -> None:
    street_path = case.area_path
    if case.street_id:
        street = routing.street_of(case.area)
        if street is None or street.pk != case.street_id:
            street = Area.objects.filter(pk=case.street_id).first()
        street_path = street.path if street else case.area_path
    lead = route.lead
    if lead.kind == HandlerKind.AREA and not (
        lead.area.path.startswith(street_path) or street_path.startswith(lead.area.path)
    ):
        raise ValidationError({"lead": _("The lead office must be in the case's street/town.")})
    seen = set()
    for s in route.supports:
        if s.kind != HandlerKind.DEPARTMENT:
            raise ValidationError({"supports": _("Supporting handlers are departments.")})
        if s.same_as(lead) or s.department.pk in seen:
            raise ValidationError({"supports": _("A handler appears twice.")})
        if s.resolve_within_days is not None and not 1 <= int(s.resolve_within_days) <= 365:
            raise ValidationError({"supports": _("A supporting task needs 1 to 365 working days.")})
        seen.add(s.department.pk)


def _make_assignments(case: Case, route: Route, at, *, leads_only=False) -> list[CaseAssignment]:
    accept_due = deadlines.accept_due(at, case.category)
    rows = [
        CaseAssignment(
            case=case,
            role=CaseAssignment.Role.LEAD,
            handler_kind=route.lead.kind,
            handler_area=route.lead.area,
            handler_department=route.lead.department,
            task=route.lead.task or "",
            accept_due_at=accept_due,
            due_at=case.due_at,
        )
    ]
    if not leads_only:
        for s in route.supports:
            rows.append(
                CaseAssignment(
                    case=case,
                    role=CaseAssignment.Role.SUPPORT,
                    handler_kind=HandlerKind.DEPARTMENT,
                    handler_department=s.department,
                    task=(s.task or "")[:200],
                    accept_due_at=accept_due,
                    due_at=deadlines.support_due(at, int(s.resolve_within_days or 10)),
                )
            )
    CaseAssignment.objects.bulk_create(rows)
    case.accept_due_at = accept_due
    return rows


def _describe(route: Route) -> dict:
    return {
        "lead": route.lead.label,
        "lead_kind": route.lead.kind,
        "supports": [{"department": s.label, "task": s.task} for s in route.supports],
        "rule": route.rule.pk if route.rule else None,
        "default_handler": route.is_default,
    }


def _notify_new(actor, case: Case, rows):
    for row in rows:
        common.tell(
            actor,
            common.handler_users(row),
            common.KIND_ASSIGNED,
            _("Case %(number)s to accept: %(title)s") % {"number": case.number, "title": case.title},
            row.task,
            case,
        )


def _do_dispatch(case: Case, actor, route: Route, *, note: str = "") -> Case:
    """Inside a transaction, with the case locked: received → dispatched."""
    name = "redispatch" if case.return_count else "dispatch"
    target = common.check(case, name)
    _validate_route(case, route)
    at = common.now()
    if case.due_at is None:  # computed once, at the first dispatch
        case.due_at = deadlines.resolve_due(at, case.category, case.urgent)
    # Supports still open from before a return are withdrawn; the new route brings its own.
    case.assignments.filter(state__in=LIVE).update(state=CaseAssignment.State.WITHDRAWN)
    rows = _make_assignments(case, route, at)
    before = case.state
    case.state, case.dispatched_at = target, at
    case.save(update_fields=["state", "dispatched_at", "due_at", "accept_due_at"])
    _dispatched(case, actor, route, rows, name=name, before=before, at=at, note=note)
    return case


def _dispatched(case: Case, actor, route: Route, rows, *, name, before, at, note="") -> None:
    """What every dispatch writes after the case row: timeline, audit, event, notices."""
    data = _describe(route) | {
        "due_at": case.due_at.isoformat(),
        "accept_due_at": case.accept_due_at.isoformat(),
    }
    common.timeline(case, actor, name, from_state=before, to_state=case.state, note=note, data=data, at=at)
    common.record(actor, name, case, data)
    common.publish("dispatched", case, at=at, lead_kind=route.lead.kind, by_rule=not route.is_default)
    _notify_new(actor, case, rows)


def plan_new(case: Case, route: Route, at) -> None:
    """Route a case not yet saved: its dispatched state and deadlines, in memory (then `dispatch_new`)."""
    case.state = common.check(case, "dispatch")
    _validate_route(case, route)
    case.dispatched_at = at
    case.due_at = deadlines.resolve_due(at, case.category, case.urgent)
    case.accept_due_at = deadlines.accept_due(at, case.category)


def dispatch_new(case: Case, route: Route) -> None:
    """Right after the INSERT of a case `plan_new` routed: its tasks, timeline, audit, event, notices
    (a new case has no task to withdraw and its row already holds the routed state)."""
    rows = _make_assignments(case, route, case.dispatched_at)
    _dispatched(case, None, route, rows, name="dispatch", before=machine.RECEIVED, at=case.dispatched_at)


def dispatch_by_rules(case: Case, *, actor) -> Case:
    """Route a received case by the rules (used by intake's auto-dispatch and by the dispatcher)."""
    with transaction.atomic():
        locked = common.lock(case)
        route = routing.route(locked.category, locked.area)
        _do_dispatch(locked, actor, route)
    _copy(locked, case)
    return case


def dispatch_case(*, actor, case: Case, lead: Handler | None = None, supports=None, note: str = "") -> Case:
    """The dispatcher sends a received case: by the rules (lead None) or to the handlers chosen."""
    policy.require(actor, permissions.DISPATCH, area=case.area)
    with transaction.atomic():
        locked = common.lock(case)
        if lead is None:
            route = routing.route(locked.category, locked.area)
            if supports is not None:
                route.supports = list(supports)
        else:
            route = Route(lead, list(supports or []))
        _do_dispatch(locked, actor, route, note=(note or "").strip())
    _copy(locked, case)
    return case


def reassign_case(*, actor, case: Case, lead: Handler, reason: str) -> Case:
    """Give the lead task to another handler (dispatched, accepted or in progress → dispatched)."""
    policy.require(actor, permissions.DISPATCH, area=case.area)
    reason = common.need_text(reason, "reason", _("Give the reason for the reassignment."))
    with transaction.atomic():
        locked = common.lock(case)
        target = common.check(locked, "reassign")
        route = Route(lead, [])
        _validate_route(locked, route)
        current = locked.assignments.filter(role="lead", state__in=LIVE).first()
        if current is not None and lead.same_as(_as_handler(current)):
            raise ValidationError({"lead": _("The case is already with this handler.")})
        locked.assignments.filter(role="lead", state__in=LIVE).update(state=CaseAssignment.State.WITHDRAWN)
        at = common.now()
        rows = _make_assignments(locked, route, at, leads_only=True)
        before = locked.state
        locked.state, locked.dispatched_at, locked.accepted_at = target, at, None
        locked.save(update_fields=["state", "dispatched_at", "accepted_at", "accept_due_at"])
        data = {"lead": lead.label, "lead_kind": lead.kind}
        common.timeline(
            locked, actor, "reassign", from_state=before, to_state=target, note=reason, data=data, at=at
        )
        common.record(actor, "reassign", locked, data | {"reason": reason})
        common.publish("dispatched", locked, at=at, lead_kind=lead.kind, by_rule=False)
        _notify_new(actor, locked, rows)
    _copy(locked, case)
    return case


def change_category(*, actor, case: Case, category, note: str = "") -> Case:
    """Correct the category before the case is accepted; a dispatched case is routed again."""
    from .intake import resolve_category

    policy.require(actor, permissions.DISPATCH, area=case.area)
    new = resolve_category(category)
    with transaction.atomic():
        locked = common.lock(case)
        if locked.state not in (machine.RECEIVED, machine.DISPATCHED):
            raise ValidationError(
                {"category": _("The category can be changed only before the case is accepted.")}
            )
        if new.pk == locked.category_id:
            raise ValidationError({"category": _("The case already has this category.")})
        old = locked.category
        locked.category = new
        locked.save(update_fields=["category"])
        common.timeline(
            locked,
            actor,
            "category_changed",
            note=note,
            data={"from": old.code, "to": new.code},
            public=False,
        )
        common.record(actor, "category_changed", locked, {"from": old.code, "to": new.code})
        if locked.state == machine.DISPATCHED:
            # Re-route: the new category's rule decides who handles, and its limits the deadline.
            at = common.now()
            locked.due_at = deadlines.resolve_due(locked.dispatched_at or at, new, locked.urgent)
            locked.assignments.filter(state__in=LIVE).update(state=CaseAssignment.State.WITHDRAWN)
            route = routing.route(new, locked.area)
            rows = _make_assignments(locked, route, at)
            locked.save(update_fields=["due_at", "accept_due_at"])
            data = _describe(route)
            common.timeline(
                locked,
                actor,
                "reassign",
                from_state=machine.DISPATCHED,
                to_state=machine.DISPATCHED,
                note=_("Category changed: routed again."),
                data=data,
                at=at,
            )
            _notify_new(actor, locked, rows)
    _copy(locked, case)
    return case


def _as_handler(a: CaseAssignment) -> Handler:
    return Handler(a.handler_kind, area=a.handler_area, department=a.handler_department)


def _copy(src: Case, dst: Case) -> None:
    """Refresh the caller's instance with what the action wrote."""
    if src is not dst:
        dst.__dict__.update({k: v for k, v in src.__dict__.items() if not k.startswith("_state")})
