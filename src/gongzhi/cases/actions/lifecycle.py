"""The handler's transitions: accept (签收), start, park/unpark (挂账), resolve (办结), return (退单),
and the supporting handlers' own tasks (协办: accept, done).

Acceptance is a conditional update (`UPDATE … WHERE state = 'dispatched'`): when two handlers accept
at once, one wins and the other gets a clear message, on SQLite and PostgreSQL alike.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .. import files as evidence
from .. import machine, permissions
from ..models import Case, CaseAssignment
from . import common
from .dispatching import LIVE, _copy


def _lead(case: Case) -> CaseAssignment:
    lead = (
        case.assignments.filter(role=CaseAssignment.Role.LEAD, state__in=LIVE)
        .select_related("handler_area", "handler_department")
        .first()
    )
    if lead is None:
        raise ValidationError({"state": _("The case has no handler at the moment.")})
    return lead


def _behalf(actor, assignment):
    return assignment.handler_department if permissions.acts_on_behalf(actor, assignment) else None


def _step(actor, case: Case, name: str, *, note="", data=None, fields=(), mutate=None, public=True):
    """The common shape: lock, check the machine, check the lead handler, change, timeline, audit."""
    with transaction.atomic():
        locked = common.lock(case)
        target = common.check(locked, name)
        lead = _lead(locked)
        permissions.require_handle(actor, lead)
        before = locked.state
        at = common.now()
        locked.state = target
        extra = mutate(locked, lead, at) if mutate else {}
        locked.save(update_fields=["state", *fields])
        details = (data or {}) | (extra or {})
        common.timeline(
            locked,
            actor,
            name,
            from_state=before,
            to_state=target,
            note=note,
            data=details,
            public=public,
            at=at,
        )
        common.record(actor, name, locked, details, on_behalf_of=_behalf(actor, lead))
    _copy(locked, case)
    return case, lead, at


def accept_case(*, actor, case: Case) -> Case:
    """The lead handler signs for the case (dispatched → accepted); one winner under concurrency."""
    with transaction.atomic():
        locked = common.lock(case)
        common.check(locked, "accept")
        lead = _lead(locked)
        permissions.require_handle(actor, lead)
        at = common.now()
        won = Case.objects.filter(pk=locked.pk, state=machine.DISPATCHED).update(
            state=machine.ACCEPTED, accepted_at=at
        )
        took = CaseAssignment.objects.filter(pk=lead.pk, state=CaseAssignment.State.PENDING).update(
            state=CaseAssignment.State.ACCEPTED,
            accepted_at=at,
            accepted_by=actor if getattr(actor, "pk", None) else None,
            on_behalf=_behalf(actor, lead) is not None,
        )
        if not (won and took):
            raise ValidationError({"state": _("This case has already been accepted.")})
        locked.state, locked.accepted_at = machine.ACCEPTED, at
        in_time = bool(lead.accept_due_at and at <= lead.accept_due_at)
        data = {"handler": str(lead.handler_area or lead.handler_department), "in_time": in_time}
        common.timeline(
            locked,
            actor,
            "accept",
            from_state=machine.DISPATCHED,
            to_state=machine.ACCEPTED,
            data=data,
            at=at,
        )
        common.record(actor, "accept", locked, data, on_behalf_of=_behalf(actor, lead))
        common.publish("accepted", locked, at=at, in_time=in_time, lead_kind=lead.handler_kind)
        common.tell_reporter(
            actor, locked, _("Your case %(number)s has been accepted.") % {"number": locked.number}
        )
    _copy(locked, case)
    return case


def start_case(*, actor, case: Case) -> Case:
    case, _lead_row, _at = _step(actor, case, "start")
    return case


def park_case(*, actor, case: Case, reason: str) -> Case:
    """Suspend handling (挂账) with a reason, e.g. waiting for a court ruling or the owner's return."""
    reason = common.need_text(reason, "reason", _("Give the reason for parking the case."))

    def mutate(locked, lead, at):
        locked.park_reason = reason
        return {}

    case, _l, _a = _step(actor, case, "park", note=reason, fields=("park_reason",), mutate=mutate)
    return case


def unpark_case(*, actor, case: Case, note: str = "") -> Case:
    case, _l, _a = _step(actor, case, "unpark", note=(note or "").strip())
    return case


def resolve_case(*, actor, case: Case, answer: str, solved: bool, files=()) -> Case:
    """办结: the answer to the reporter, whether the problem is solved (not merely answered), evidence."""
    answer = common.need_text(answer, "answer", _("Write the answer for the reporter."))
    if solved not in (True, False):
        raise ValidationError({"solved": _("Say whether the problem was solved or only answered.")})
    checked = evidence.check_all(files)
    open_supports = list(
        case.assignments.filter(role=CaseAssignment.Role.SUPPORT, state__in=LIVE).select_related(
            "handler_department"
        )
    )
    if open_supports:
        names = "、".join(str(a.handler_department) for a in open_supports)
        raise ValidationError({"state": _("Supporting tasks are still open: %(names)s.") % {"names": names}})

    def mutate(locked, lead, at):
        locked.answer, locked.solved, locked.resolved_at = answer, bool(solved), at
        CaseAssignment.objects.filter(pk=lead.pk).update(
            state=CaseAssignment.State.DONE, done_at=at, answer=answer
        )
        return {"solved": bool(solved), "on_time": bool(locked.due_at and at <= locked.due_at)}

    with transaction.atomic():
        case, lead, at = _step(
            actor, case, "resolve", note=answer, fields=("answer", "solved", "resolved_at"), mutate=mutate
        )
        if checked:
            event = case.events.filter(action="resolve").order_by("-at", "-id").first()
            evidence.store(case, checked, actor=actor, event=event)
        on_time = bool(case.due_at and at <= case.due_at)
        days = common.working_days(case.dispatched_at or case.received_at, at)
        common.publish("resolved", case, at=at, on_time=on_time, solved=bool(solved), working_days=days)
        common.tell_reporter(
            actor, case, _("Your case %(number)s has been resolved.") % {"number": case.number}, answer
        )
    return case


def return_case(*, actor, case: Case, reason: str, legal_basis: str, escalate: bool = False) -> Case:
    """退单: the lead handler sends the case back (dispatched/accepted → received) with a reason and the
    legal basis; `escalate` sends it up to the street/town instead of the dispatcher."""
    errors = {}
    if not (reason or "").strip():
        errors["reason"] = [_("Give the reason for returning the case.")]
    if not (legal_basis or "").strip():
        errors["legal_basis"] = [_("Give the legal basis (the rule that puts this case outside your remit).")]
    if errors:
        raise ValidationError(errors)

    def mutate(locked, lead, at):
        CaseAssignment.objects.filter(pk=lead.pk).update(state=CaseAssignment.State.RETURNED, done_at=at)
        locked.assignments.filter(role=CaseAssignment.Role.SUPPORT, state__in=LIVE).update(
            state=CaseAssignment.State.WITHDRAWN
        )
        locked.return_count += 1
        locked.accepted_at = None
        return {"handler": str(lead.handler_area or lead.handler_department)}

    data = {"legal_basis": legal_basis.strip(), "escalated": bool(escalate)}
    with transaction.atomic():
        case, lead, at = _step(
            actor,
            case,
            "return",
            note=reason.strip(),
            data=data,
            fields=("return_count", "accepted_at"),
            mutate=mutate,
        )
        common.publish("returned", case, at=at, escalated=bool(escalate))
        to = (
            common.superior_users(case)
            if escalate
            else common.dispatcher_users(case) or common.superior_users(case)
        )
        common.tell(
            actor,
            to,
            common.KIND_RETURNED,
            _("Case %(number)s was returned: %(reason)s") % {"number": case.number, "reason": reason.strip()},
            _("Legal basis: %(basis)s") % {"basis": legal_basis.strip()},
            case,
        )
    return case


# --- supporting tasks (协办) ------------------------------------------------------------------------
def _task(actor, assignment: CaseAssignment) -> CaseAssignment:
    locked = (
        CaseAssignment.objects.select_for_update(of=("self",))
        .select_related("case", "handler_area", "handler_department")
        .get(pk=assignment.pk)
    )
    if locked.role != CaseAssignment.Role.SUPPORT:
        raise ValidationError(
            {"assignment": _("The lead task follows the case: accept or resolve the case itself.")}
        )
    permissions.require_handle(actor, locked)
    if not machine.is_open(locked.case.state):
        raise ValidationError({"state": _("The case is no longer open.")})
    return locked


def accept_task(*, actor, assignment: CaseAssignment) -> CaseAssignment:
    with transaction.atomic():
        task = _task(actor, assignment)
        at = common.now()
        took = CaseAssignment.objects.filter(pk=task.pk, state=CaseAssignment.State.PENDING).update(
            state=CaseAssignment.State.ACCEPTED,
            accepted_at=at,
            accepted_by=actor if getattr(actor, "pk", None) else None,
            on_behalf=_behalf(actor, task) is not None,
        )
        if not took:
            raise ValidationError({"state": _("This task has already been accepted.")})
        data = {"department": str(task.handler_department), "task": task.task}
        common.timeline(task.case, actor, "task_accepted", data=data, at=at)
        common.record(actor, "task_accepted", task.case, data, on_behalf_of=_behalf(actor, task))
    task.refresh_from_db()
    return task


def complete_task(*, actor, assignment: CaseAssignment, answer: str, files=()) -> CaseAssignment:
    """The supporting department reports its part done (accepting it first if it had not)."""
    answer = common.need_text(answer, "answer", _("Say what was done."))
    checked = evidence.check_all(files)
    with transaction.atomic():
        task = _task(actor, assignment)
        if task.state not in LIVE:
            raise ValidationError({"state": _("This task is already closed.")})
        at = common.now()
        CaseAssignment.objects.filter(pk=task.pk).update(
            state=CaseAssignment.State.DONE,
            done_at=at,
            answer=answer,
            accepted_at=task.accepted_at or at,
            accepted_by=task.accepted_by or (actor if getattr(actor, "pk", None) else None),
            on_behalf=_behalf(actor, task) is not None,
        )
        data = {"department": str(task.handler_department), "task": task.task}
        event = common.timeline(task.case, actor, "task_done", note=answer, data=data, at=at)
        if checked:
            evidence.store(task.case, checked, actor=actor, event=event)
        common.record(actor, "task_done", task.case, data, on_behalf_of=_behalf(actor, task))
        common.tell(
            actor,
            [
                u
                for a in task.case.assignments.filter(role="lead", state__in=LIVE)
                for u in common.handler_users(a)
            ],
            common.KIND_PROGRESS,
            _("%(dept)s finished its task on case %(number)s")
            % {"dept": task.handler_department, "number": task.case.number},
            answer,
            task.case,
        )
    task.refresh_from_db()
    return task
