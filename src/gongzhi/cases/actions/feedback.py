"""After resolution: the reporter's satisfaction (回访/评价), follow-up calls, reopening (重办),
closing (归档), and merging duplicates.

The reporter rates their own case; the committee may rate on their behalf after a follow-up call.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from gongzhi.core import policy

from .. import machine, permissions
from ..models import Case, CaseAssignment, FollowUpCall
from ..models.cases import Satisfaction
from . import common
from .dispatching import LIVE, _copy


def _require_feedback(actor, case: Case) -> None:
    if permissions.is_reporter(actor, case) or policy.can(actor, permissions.FOLLOW_UP, area=case.area):
        return
    raise PermissionDenied(permissions.FOLLOW_UP)


def _satisfaction(value) -> str:
    if value not in Satisfaction.values:
        raise ValidationError({"satisfaction": _("Choose satisfied, basically satisfied or dissatisfied.")})
    return value


def _follow_up(locked: Case, actor, satisfaction: str, comment: str, *, via_call=False):
    target = common.check(locked, "follow_up")
    at = common.now()
    before = locked.state
    locked.state, locked.satisfaction, locked.followed_up_at = target, satisfaction, at
    locked.save(update_fields=["state", "satisfaction", "followed_up_at"])
    data = {
        "satisfaction": satisfaction,
        "by_reporter": permissions.is_reporter(actor, locked),
        "via_call": via_call,
    }
    common.timeline(
        locked, actor, "follow_up", from_state=before, to_state=target, note=comment, data=data, at=at
    )
    common.record(actor, "follow_up", locked, data)
    common.publish("followed_up", locked, at=at, satisfaction=satisfaction)


def rate_case(*, actor, case: Case, satisfaction: str, comment: str = "") -> Case:
    """The reporter (or the committee for them) gives satisfaction: resolved → followed up."""
    _require_feedback(actor, case)
    satisfaction = _satisfaction(satisfaction)
    with transaction.atomic():
        locked = common.lock(case)
        _follow_up(locked, actor, satisfaction, (comment or "").strip())
    _copy(locked, case)
    return case


def log_follow_up_call(
    *, actor, case: Case, reached: bool, satisfaction: str = "", note: str = ""
) -> FollowUpCall:
    """A follow-up call is logged; when the reporter was reached and rated a resolved case, the
    rating is recorded as the case's feedback in the same step."""
    policy.require(actor, permissions.FOLLOW_UP, area=case.area)
    if satisfaction:
        _satisfaction(satisfaction)
    if satisfaction and not reached:
        raise ValidationError({"satisfaction": _("A rating needs the reporter to have been reached.")})
    if case.state not in (machine.RESOLVED, machine.FOLLOWED_UP, machine.CLOSED):
        raise ValidationError({"state": _("Follow-up calls are made after the case is resolved.")})
    with transaction.atomic():
        locked = common.lock(case)
        at = common.now()
        call = FollowUpCall.objects.create(
            case=locked,
            called_at=at,
            called_by=actor if getattr(actor, "pk", None) else None,
            reached=bool(reached),
            satisfaction=satisfaction or "",
            note=(note or "").strip(),
        )
        data = {"reached": bool(reached), "satisfaction": satisfaction or ""}
        common.timeline(locked, actor, "follow_up_call", note=call.note, data=data, public=False, at=at)
        common.record(actor, "follow_up_call", locked, data)
        if satisfaction and locked.state == machine.RESOLVED:
            _follow_up(locked, actor, satisfaction, call.note, via_call=True)
    _copy(locked, case)
    return call


def reopen_case(*, actor, case: Case, reason: str) -> Case:
    """重办: a dissatisfied reporter (or the committee for them) reopens the case; the lead handles again."""
    _require_feedback(actor, case)
    reason = common.need_text(reason, "reason", _("Say why the case should be handled again."))
    with transaction.atomic():
        locked = common.lock(case)
        target = common.check(locked, "reopen")
        if locked.satisfaction != Satisfaction.DISSATISFIED:
            raise ValidationError({"state": _("Only a case rated dissatisfied can be reopened.")})
        lead = locked.assignments.filter(role="lead", state=CaseAssignment.State.DONE).order_by("-id").first()
        at = common.now()
        before = locked.state
        if lead is not None:
            CaseAssignment.objects.filter(pk=lead.pk).update(
                state=CaseAssignment.State.ACCEPTED, done_at=None
            )
        # A reopened case gets a fresh limit, never an earlier one than it had.
        from .. import deadlines

        fresh = deadlines.resolve_due(at, locked.category, locked.urgent)
        locked.due_at = max(locked.due_at or fresh, fresh)
        locked.state, locked.reopen_count, locked.resolved_at = target, locked.reopen_count + 1, None
        locked.is_overdue = False
        locked.save(update_fields=["state", "reopen_count", "resolved_at", "due_at", "is_overdue"])
        data = {"due_at": locked.due_at.isoformat()}
        common.timeline(
            locked, actor, "reopen", from_state=before, to_state=target, note=reason, data=data, at=at
        )
        common.record(actor, "reopen", locked, data | {"reason": reason})
        common.publish("reopened", locked, at=at)
        if lead is not None:
            common.tell(
                actor,
                common.handler_users(lead),
                common.KIND_RETURNED,
                _("Case %(number)s was reopened: %(reason)s") % {"number": locked.number, "reason": reason},
                "",
                locked,
            )
    _copy(locked, case)
    return case


def close_case(*, actor, case: Case, note: str = "") -> Case:
    """归档: the office files the followed-up case."""
    policy.require(actor, permissions.FOLLOW_UP, area=case.area)
    with transaction.atomic():
        locked = common.lock(case)
        target = common.check(locked, "close")
        at = common.now()
        before = locked.state
        locked.state, locked.closed_at = target, at
        locked.save(update_fields=["state", "closed_at"])
        common.timeline(
            locked, actor, "close", from_state=before, to_state=target, note=(note or "").strip(), at=at
        )
        common.record(actor, "close", locked, {})
        common.publish("closed", locked, at=at)
    _copy(locked, case)
    return case


def merge_case(*, actor, case: Case, into: Case, note: str = "") -> Case:
    """A duplicate is closed with a link to the case it duplicates (which must still be open)."""
    policy.require(actor, permissions.DISPATCH, area=case.area)
    if into is None or into.pk == case.pk:
        raise ValidationError({"into": _("Choose another case to merge into.")})
    if into.street_id != case.street_id:
        raise ValidationError({"into": _("Only cases of the same street/town can be merged.")})
    if into.category_id != case.category_id:
        raise ValidationError({"into": _("Only cases of the same category can be merged.")})
    with transaction.atomic():
        locked = common.lock(case)
        target = common.check(locked, "merge")
        main = Case.objects.select_for_update().get(pk=into.pk)
        if not machine.is_open(main.state):
            raise ValidationError({"into": _("The case to merge into is no longer open.")})
        at = common.now()
        before = locked.state
        locked.assignments.filter(state__in=LIVE).update(state=CaseAssignment.State.WITHDRAWN)
        locked.state, locked.closed_at, locked.merged_into = target, at, main
        locked.save(update_fields=["state", "closed_at", "merged_into"])
        data = {"into": main.number}
        common.timeline(
            locked,
            actor,
            "merge",
            from_state=before,
            to_state=target,
            note=(note or "").strip(),
            data=data,
            at=at,
        )
        common.timeline(
            main,
            actor,
            "note",
            note=_("Case %(number)s was merged into this one.") % {"number": locked.number},
            public=False,
            at=at,
        )
        common.record(actor, "merge", locked, data)
        common.publish("merged", locked, at=at, into=main.pk)
        common.tell_reporter(
            actor,
            locked,
            _("Your case %(number)s is handled together with %(into)s.")
            % {"number": locked.number, "into": main.number},
        )
    _copy(locked, case)
    return case
