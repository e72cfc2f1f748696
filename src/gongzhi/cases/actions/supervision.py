"""Supervision (督办), extensions (延期) and the overdue sweep.

`gongzhi sweep` marks cases past their stored deadline as overdue and issues an automatic
supervision notice to the handler and to the street/town administrators above them.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from gongzhi.core import policy, sweeps

from .. import deadlines, machine, permissions
from ..models import Case, CaseAssignment, ExtensionRequest
from . import common
from .dispatching import LIVE, _copy
from .lifecycle import _lead

SWEEP_BATCH = 500


def _supervise(locked: Case, actor, note: str, at, *, automatic=False):
    before = locked.state
    locked.is_supervised = True
    locked.save(update_fields=["is_supervised", "is_overdue"])
    data = {"automatic": automatic, "overdue": locked.is_overdue}
    common.timeline(
        locked,
        actor,
        "supervise",
        from_state=before,
        to_state=before,
        note=note,
        data=data,
        public=False,
        at=at,
    )
    common.record(actor, "supervise", locked, data)
    common.publish("supervised", locked, at=at, automatic=automatic)
    handlers = [u for a in locked.assignments.filter(state__in=LIVE) for u in common.handler_users(a)]
    title = _("Supervision notice (督办): case %(number)s %(title)s") % {
        "number": locked.number,
        "title": locked.title,
    }
    common.tell(
        actor,
        sorted(set(handlers + common.superior_users(locked))),
        common.KIND_SUPERVISION,
        title,
        note,
        locked,
    )


def supervise_case(*, actor, case: Case, note: str) -> Case:
    policy.require(actor, permissions.SUPERVISE, area=case.area)
    note = common.need_text(note, "note", _("Say what is expected and by when."))
    with transaction.atomic():
        locked = common.lock(case)
        common.check(locked, "supervise")
        _supervise(locked, actor, note, common.now())
    _copy(locked, case)
    return case


def request_extension(*, actor, case: Case, extra_days: int, reason: str) -> ExtensionRequest:
    """The lead handler asks for more working days, before the deadline has passed."""
    reason = common.need_text(reason, "reason", _("Give the reason for the extension."))
    try:
        extra_days = int(extra_days)
    except (TypeError, ValueError):
        extra_days = 0
    if not 1 <= extra_days <= 60:
        raise ValidationError({"extra_days": _("Ask for 1 to 60 working days.")})
    with transaction.atomic():
        locked = common.lock(case)
        common.check(locked, "extend")
        lead = _lead(locked)
        permissions.require_handle(actor, lead)
        at = common.now()
        if locked.due_at is None or at > locked.due_at:
            raise ValidationError(
                {"extra_days": _("The deadline has passed: an extension must be asked for before it.")}
            )
        if locked.extensions.filter(state=ExtensionRequest.State.PENDING).exists():
            raise ValidationError(
                {"extra_days": _("An extension request is already waiting for a decision.")}
            )
        req = ExtensionRequest.objects.create(
            case=locked,
            assignment=lead,
            requested_by=actor if getattr(actor, "pk", None) else None,
            extra_days=extra_days,
            reason=reason,
        )
        data = {"extra_days": extra_days, "request": req.pk}
        common.timeline(locked, actor, "extension_requested", note=reason, data=data, public=False, at=at)
        common.record(actor, "extension_requested", locked, data)
        common.tell(
            actor,
            common.superior_users(locked),
            common.KIND_EXTENSION,
            _("Extension requested for case %(number)s: %(days)d working days")
            % {"number": locked.number, "days": extra_days},
            reason,
            locked,
        )
    return req


def decide_extension(*, actor, request: ExtensionRequest, approve: bool, note: str = "") -> ExtensionRequest:
    policy.require(actor, permissions.DECIDE_EXTENSION, area=request.case.area)
    with transaction.atomic():
        req = ExtensionRequest.objects.select_for_update().get(pk=request.pk)
        if req.state != ExtensionRequest.State.PENDING:
            raise ValidationError({"state": _("This request has already been decided.")})
        locked = common.lock(req.case)
        at = common.now()
        req.decided_by, req.decided_at = (actor if getattr(actor, "pk", None) else None), at
        if approve:
            common.check(locked, "extend")
            new_due = deadlines.extended(locked.due_at, req.extra_days)
            req.state, req.new_due_at = ExtensionRequest.State.APPROVED, new_due
            locked.due_at = new_due
            locked.is_overdue = new_due < at
            locked.save(update_fields=["due_at", "is_overdue"])
            locked.assignments.filter(role="lead", state__in=LIVE).update(due_at=new_due, is_overdue=False)
            data = {"extra_days": req.extra_days, "due_at": new_due.isoformat()}
            common.timeline(
                locked,
                actor,
                "extend",
                from_state=locked.state,
                to_state=locked.state,
                note=note or req.reason,
                data=data,
                at=at,
            )
            common.record(actor, "extend", locked, data)
        else:
            req.state = ExtensionRequest.State.REJECTED
            common.timeline(
                locked, actor, "extension_rejected", note=note, data={"request": req.pk}, public=False, at=at
            )
            common.record(actor, "extension_rejected", locked, {"request": req.pk})
        req.save()
        if req.requested_by_id:
            verdict = _("approved") if approve else _("rejected")
            common.tell(
                actor,
                [req.requested_by_id],
                common.KIND_EXTENSION,
                _("Extension for case %(number)s %(verdict)s")
                % {"number": locked.number, "verdict": verdict},
                note,
                locked,
            )
    return req


@sweeps.register("cases.overdue")
def sweep_overdue(now=None) -> int:
    """Mark open cases past due as overdue and issue supervision notices; late tasks are flagged too."""
    at = now or common.now()
    CaseAssignment.objects.filter(state__in=LIVE, is_overdue=False, due_at__lt=at).update(is_overdue=True)
    CaseAssignment.objects.filter(
        state=CaseAssignment.State.PENDING, is_overdue=False, accept_due_at__lt=at
    ).update(is_overdue=True)
    ids = list(
        Case.objects.filter(
            state__in=[s for s in machine.OPEN_STATES if s != machine.RECEIVED],
            is_overdue=False,
            due_at__lt=at,
        ).values_list("pk", flat=True)[:SWEEP_BATCH]
    )
    marked = 0
    for pk in ids:
        with transaction.atomic():
            locked = Case.objects.select_for_update().get(pk=pk)
            if (
                locked.is_overdue
                or not machine.is_open(locked.state)
                or not locked.due_at
                or locked.due_at >= at
            ):
                continue
            locked.is_overdue = True
            locked.save(update_fields=["is_overdue"])
            common.timeline(
                locked, None, "overdue", data={"due_at": locked.due_at.isoformat()}, public=False, at=at
            )
            common.record(None, "overdue", locked, {"due_at": locked.due_at.isoformat()})
            common.publish("overdue", locked, at=at)
            _supervise(locked, None, _("Automatic supervision: the deadline has passed."), at, automatic=True)
            marked += 1
    return marked
