"""Votes (票决): motions on agenda items, opening with a quorum check, ballots, closing with the tally.

Who votes: for the ordinary thresholds, the voting seats present when voting opened (checked in
themselves, or represented by a proxy where the body allows proxies) — the present count is the
snapshot the majority is measured against, so a late arrival does not vote on a motion already open.
For the owners' double majority, every current owner seat may vote (written or online ballots over
a period); participation is then part of the rule and is checked when the motion closes.

Concurrency: every ballot first moves the motion's counters with a conditional UPDATE (… WHERE
state = 'open'), which also locks the motion row until the ballot commits; closing is the same kind
of UPDATE, so a ballot either lands before the close or is refused — never lost, never counted twice.
One ballot per seat is a unique constraint. A secret ballot writes Ballot (who, no choice) and
SecretChoice (what, no who) together and cannot be changed; an open ballot may be changed until close.
"""

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongzhi.core import audit, events

from .. import counting, visibility
from ..models import AgendaItem, Attendance, Ballot, Meeting, Motion, Resolution, Seat, SecretChoice
from ..models.bodies import Threshold
from ..models.votes import Choice
from . import MANAGE

OWNERS_THRESHOLDS = {Threshold.OWNERS_ORDINARY, Threshold.OWNERS_MAJOR}
COUNTER = {Choice.YES: "yes_count", Choice.NO: "no_count", Choice.ABSTAIN: "abstain_count"}

for _verb, _label in [
    ("motion.created", gettext_lazy("motion tabled")),
    ("motion.updated", gettext_lazy("motion changed")),
    ("motion.opened", gettext_lazy("voting opened")),
    ("motion.closed", gettext_lazy("voting closed and counted")),
    ("ballot.cast", gettext_lazy("ballot cast")),
    ("ballot.changed", gettext_lazy("open ballot changed")),
]:
    audit.register_verb(_verb, _label)


# --- helpers -------------------------------------------------------------------------------------------
def _item(item) -> AgendaItem:
    return AgendaItem.objects.select_related("meeting", "meeting__council", "meeting__council__area").get(
        pk=item.pk if isinstance(item, AgendaItem) else int(item)
    )


def _require_manage_item(actor, item: AgendaItem) -> None:
    """Managers of the council who are also inside the item's audience (nobody writes what they cannot read)."""
    if not visibility.can_manage(actor, item.meeting.council) or not visibility.can_see_item(actor, item):
        raise PermissionDenied(MANAGE)


def _motion_locked(motion) -> Motion:
    pk = motion.pk if isinstance(motion, Motion) else int(motion)
    return (
        Motion.objects.select_for_update()
        .select_related("item", "item__meeting", "item__meeting__council", "item__meeting__council__area")
        .get(pk=pk)
    )


def _check_motion_fields(text, threshold) -> None:
    if not (text or "").strip():
        raise ValidationError({"text": _("Write the motion to be voted on.")})
    if threshold not in Threshold.values:
        raise ValidationError({"threshold": _("Choose the majority the motion needs.")})


def voting_seats(meeting: Meeting) -> list[Seat]:
    """Seats with a vote whose term covers the meeting day."""
    day = visibility.meeting_day(meeting)
    seats = meeting.council.seats.filter(may_vote=True).select_related("dwelling")
    return [s for s in seats if s.is_current(day)]


def present_seats(meeting: Meeting, voting: list[Seat], *, before=None) -> dict[int, int | None]:
    """seat id → the account that may cast its ballot (the holder present, or the proxy present)."""
    ids = {s.pk for s in voting}
    rows = Attendance.objects.filter(meeting=meeting)
    if before is not None:
        rows = rows.filter(checked_in_at__lte=before)
    proxies = meeting.council.proxies_allowed
    present: dict[int, int | None] = {}
    holders = {s.pk: s.holder_user_id for s in voting}
    for seat_id, proxy_id, user_id in rows.values_list("seat_id", "proxy_for_id", "user_id"):
        if seat_id in ids:
            present[seat_id] = holders[seat_id] or user_id
        if proxy_id in ids and proxies and proxy_id not in present:
            present[proxy_id] = user_id
    return present


def _area_of(seat: Seat) -> Decimal:
    return (seat.dwelling.floor_area_m2 or Decimal(0)) if seat.dwelling_id else Decimal(0)


# --- motions -------------------------------------------------------------------------------------------
@transaction.atomic
def create_motion(*, actor, item, text, threshold=None, is_major=False, secret=False) -> Motion:
    item = _item(item)
    _require_manage_item(actor, item)
    meeting = item.meeting
    if meeting.state == Meeting.State.CANCELLED:
        raise ValidationError({"item": _("The meeting was cancelled; no motion can be tabled.")})
    threshold = threshold or meeting.council.default_threshold
    _check_motion_fields(text, threshold)
    if is_major and threshold == Threshold.OWNERS_ORDINARY:
        threshold = Threshold.OWNERS_MAJOR  # a major matter of owners always needs the major rule
    motion = Motion.objects.create(
        item=item, text=text.strip(), threshold=threshold, is_major=bool(is_major), secret=bool(secret)
    )
    audit.record(
        actor,
        "motion.created",
        motion,
        area=meeting.area,
        details={"item": item.pk, "threshold": threshold, "secret": motion.secret},
    )
    return motion


@transaction.atomic
def update_motion(*, actor, motion, **changes) -> Motion:
    motion = _motion_locked(motion)
    _require_manage_item(actor, motion.item)
    if motion.state != Motion.State.DRAFT:
        raise ValidationError({"motion": _("Voting has opened; the motion can no longer be changed.")})
    for key in ("text", "threshold", "is_major", "secret"):
        if key in changes and changes[key] is not None:
            setattr(motion, key, changes[key])
    _check_motion_fields(motion.text, motion.threshold)
    if motion.is_major and motion.threshold == Threshold.OWNERS_ORDINARY:
        motion.threshold = Threshold.OWNERS_MAJOR
    motion.save()
    audit.record(
        actor, "motion.updated", motion, area=motion.item.meeting.area, details={"changed": sorted(changes)}
    )
    return motion


@transaction.atomic
def open_voting(*, actor, motion) -> Motion:
    """Check the quorum and snapshot members and present; refuse (writing nothing) without quorum."""
    motion = _motion_locked(motion)
    item, meeting = motion.item, motion.item.meeting
    _require_manage_item(actor, item)
    council = meeting.council
    if motion.state != Motion.State.DRAFT:
        raise ValidationError({"motion": _("Voting on this motion has already been opened.")})
    if meeting.state not in (Meeting.State.SCHEDULED, Meeting.State.HELD):
        raise ValidationError({"motion": _("Voting opens only at a scheduled or held meeting.")})
    voting = voting_seats(meeting)
    if not voting:
        raise ValidationError({"motion": _("The council has no voting seats on the meeting day.")})
    total_area = sum((_area_of(s) for s in voting), Decimal(0))
    if motion.threshold in OWNERS_THRESHOLDS:
        if total_area <= 0:
            raise ValidationError(
                {"threshold": _("The owners' double majority needs the floor area of the owners' dwellings.")}
            )
        present = len(voting)  # every owner may vote; participation is judged at close
    else:
        present = len(present_seats(meeting, voting))
        if not counting.quorum_met(
            present,
            len(voting),
            council.quorum_numerator,
            council.quorum_denominator,
            council.quorum_inclusive,
        ):
            raise ValidationError(
                {
                    "motion": _(
                        "No quorum: %(present)d of %(members)d voting members are present; "
                        "the rule needs %(rule)s."
                    )
                    % {"present": present, "members": len(voting), "rule": quorum_text(council)}
                }
            )
    now = timezone.now()
    motion.state = Motion.State.OPEN
    motion.opened_at = now
    motion.opened_by = actor if getattr(actor, "pk", None) else None
    motion.members_count = len(voting)
    motion.present_count = present
    motion.tally = {"total_area": str(total_area)}
    motion.save()
    audit.record(
        actor,
        "motion.opened",
        motion,
        area=meeting.area,
        details={"members": len(voting), "present": present},
    )
    return motion


def quorum_text(council) -> str:
    n, d = council.quorum_numerator, council.quorum_denominator
    if council.quorum_inclusive:
        return _("%(n)d/%(d)d or more of the members present") % {"n": n, "d": d}
    return _("more than %(n)d/%(d)d of the members present") % {"n": n, "d": d}


def _eligible_seat(actor, motion: Motion, seat) -> tuple[Seat, bool, bool]:
    """(seat, by proxy, recorded by a manager) for this ballot; PermissionDenied or a message otherwise.

    The voter casts their own ballot, or a proxy's where the body allows proxies; a manager may record
    an open ballot for a seat that may vote (a show of hands, or a written owners' ballot)."""
    meeting = motion.item.meeting
    council = meeting.council
    voting = {s.pk: s for s in voting_seats(meeting)}
    if motion.threshold in OWNERS_THRESHOLDS:
        allowed = {sid: s.holder_user_id for sid, s in voting.items()}
    else:
        allowed = present_seats(meeting, list(voting.values()), before=motion.opened_at)
    if seat is None:
        own = [sid for sid, s in voting.items() if s.holder_user_id == actor.pk]
        if not own:
            raise PermissionDenied("councils.vote")
        seat = voting[own[0]]
    else:
        seat_id = seat.pk if isinstance(seat, Seat) else int(seat)
        seat = voting.get(seat_id)
        if seat is None:
            raise ValidationError({"seat": _("This seat has no vote in this motion.")})
    if seat.holder_user_id == actor.pk:
        if seat.pk not in allowed:
            raise ValidationError(
                {"seat": _("You were not checked in when voting opened, so you cannot vote on this motion.")}
            )
        return seat, False, False
    if seat.pk in allowed and allowed[seat.pk] == actor.pk:
        if not council.proxies_allowed:
            raise ValidationError({"seat": _("This council's rules do not allow proxies.")})
        return seat, True, False
    if visibility.can_manage(actor, council):
        if motion.secret:
            raise ValidationError({"seat": _("A secret ballot is cast by the voter alone.")})
        if seat.pk not in allowed:
            raise ValidationError({"seat": _("This seat was not present when voting opened.")})
        return seat, False, True
    raise PermissionDenied("councils.vote")


def _closed_error() -> ValidationError:
    return ValidationError({"motion": _("Voting on this motion is closed.")})


@transaction.atomic
def cast_ballot(*, actor, motion, choice, seat=None) -> Ballot:
    """Cast one ballot. The voter casts their own (or their proxy's); a manager may record an open
    ballot for a present seat (a show of hands). Voting twice is refused: change an open ballot instead."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        raise PermissionDenied("councils.vote")
    pk = motion.pk if isinstance(motion, Motion) else int(motion)
    motion = Motion.objects.select_related("item", "item__meeting", "item__meeting__council").get(pk=pk)
    if choice not in Choice.values:
        raise ValidationError({"choice": _("Vote yes, no or abstain.")})
    if not visibility.can_see_item(actor, motion.item):
        raise PermissionDenied("councils.vote")
    if motion.state == Motion.State.DRAFT:
        raise ValidationError({"motion": _("Voting on this motion has not opened yet.")})
    if motion.state == Motion.State.CLOSED:
        raise _closed_error()
    seat, by_proxy, recording = _eligible_seat(actor, motion, seat)
    if Ballot.objects.filter(motion=motion, seat=seat).exists():
        raise _twice_error(motion)
    area = _area_of(seat) if seat.dwelling_id else Decimal(0)
    # The conditional UPDATE: counts move only while voting is open, and it locks the motion row.
    if not Motion.objects.filter(pk=motion.pk, state=Motion.State.OPEN).update(
        **{COUNTER[choice]: F(COUNTER[choice]) + 1}
    ):
        raise _closed_error()
    try:
        with transaction.atomic():
            ballot = Ballot.objects.create(
                motion=motion,
                seat=seat,
                cast_by=actor,
                by_proxy=by_proxy,
                choice="" if motion.secret else choice,
            )
    except IntegrityError:  # a concurrent ballot for the same seat won; ours (and its count) roll back
        raise _twice_error(motion) from None
    if motion.secret:
        SecretChoice.objects.create(motion=motion, choice=choice, floor_area_m2=area)
    details = {"seat": seat.pk, "by_proxy": by_proxy, "recorded": recording}
    if not motion.secret:
        details["choice"] = choice
    audit.record(actor, "ballot.cast", motion, area=motion.item.meeting.area, details=details)
    return ballot


def _twice_error(motion: Motion) -> ValidationError:
    if motion.secret:
        return ValidationError(
            {"choice": _("This seat has already voted; a secret ballot cannot be changed.")}
        )
    return ValidationError(
        {"choice": _("This seat has already voted; change the ballot instead of voting again.")}
    )


@transaction.atomic
def change_ballot(*, actor, motion, choice, seat=None) -> Ballot:
    """Change an open ballot until voting closes (counts move atomically from the old choice to the new)."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        raise PermissionDenied("councils.vote")
    pk = motion.pk if isinstance(motion, Motion) else int(motion)
    motion = Motion.objects.select_related("item", "item__meeting", "item__meeting__council").get(pk=pk)
    if choice not in Choice.values:
        raise ValidationError({"choice": _("Vote yes, no or abstain.")})
    if motion.secret:
        raise ValidationError({"choice": _("A secret ballot cannot be changed once cast.")})
    if motion.state != Motion.State.OPEN:
        raise _closed_error()
    council = motion.item.meeting.council
    if seat is None:
        ballot = Ballot.objects.select_for_update().filter(motion=motion, seat__holder_user=actor).first()
        if ballot is None:
            ballot = (
                Ballot.objects.select_for_update().filter(motion=motion, cast_by=actor, by_proxy=True).first()
            )
    else:
        seat_id = seat.pk if isinstance(seat, Seat) else int(seat)
        ballot = Ballot.objects.select_for_update().filter(motion=motion, seat_id=seat_id).first()
    if ballot is None:
        raise ValidationError({"choice": _("There is no ballot to change: vote first.")})
    is_own = ballot.seat.holder_user_id == actor.pk or (ballot.by_proxy and ballot.cast_by_id == actor.pk)
    if not is_own and not (
        visibility.can_manage(actor, council) and visibility.can_see_item(actor, motion.item)
    ):
        raise PermissionDenied("councils.vote")
    old = ballot.choice
    if old == choice:
        return ballot
    moved = Motion.objects.filter(pk=motion.pk, state=Motion.State.OPEN).update(
        **{COUNTER[old]: F(COUNTER[old]) - 1, COUNTER[choice]: F(COUNTER[choice]) + 1}
    )
    if not moved:
        raise _closed_error()
    ballot.choice = choice
    ballot.save(update_fields=["choice", "changed_at"])
    audit.record(
        actor,
        "ballot.changed",
        motion,
        area=motion.item.meeting.area,
        details={"seat": ballot.seat_id, "from": old, "to": choice},
    )
    return ballot


def count(motion: Motion) -> counting.Tally:
    """The tally from the ballot rows themselves (the counters are a live view of the same)."""
    tally = counting.Tally()
    if motion.secret:
        rows = (
            SecretChoice.objects.filter(motion=motion)
            .values("choice")
            .annotate(n=Count("id"), area=Sum("floor_area_m2"))
        )
        for r in rows:
            setattr(tally, r["choice"], r["n"])
            setattr(tally, f"{r['choice']}_area", r["area"] or Decimal(0))
        return tally
    rows = (
        Ballot.objects.filter(motion=motion)
        .values("choice")
        .annotate(
            n=Count("id"), area=Sum("seat__dwelling__floor_area_m2", filter=Q(seat__dwelling__isnull=False))
        )
    )
    for r in rows:
        if r["choice"] in COUNTER:
            setattr(tally, r["choice"], r["n"])
            setattr(tally, f"{r['choice']}_area", r["area"] or Decimal(0))
    return tally


@transaction.atomic
def close_voting(*, actor, motion) -> Motion:
    """Close, count from the ballots, decide by the threshold, record the tally; a passed motion
    becomes a resolution of the council."""
    pk = motion.pk if isinstance(motion, Motion) else int(motion)
    motion = Motion.objects.select_related("item", "item__meeting", "item__meeting__council").get(pk=pk)
    _require_manage_item(actor, motion.item)
    now = timezone.now()
    # The same conditional UPDATE ballots use: any ballot in flight either committed before or is refused.
    if not Motion.objects.filter(pk=pk, state=Motion.State.OPEN).update(
        state=Motion.State.CLOSED, closed_at=now
    ):
        if Motion.objects.filter(pk=pk, state=Motion.State.DRAFT).exists():
            raise ValidationError({"motion": _("Voting on this motion has not opened yet.")})
        raise _closed_error()
    motion = _motion_locked(motion)
    meeting, council = motion.item.meeting, motion.item.meeting.council
    tally = count(motion)
    total_area = Decimal((motion.tally or {}).get("total_area") or 0)
    outcome = counting.decide(
        motion.threshold,
        tally,
        present=motion.present_count,
        members=motion.members_count,
        total_area=total_area,
        owners_rules=council.owners_rules or None,
    )
    motion.yes_count, motion.no_count, motion.abstain_count = tally.yes, tally.no, tally.abstain
    motion.result = Motion.Result.PASSED if outcome.passed else Motion.Result.FAILED
    motion.tally = {
        "threshold": motion.threshold,
        "yes": tally.yes,
        "no": tally.no,
        "abstain": tally.abstain,
        "cast": tally.cast,
        "present": motion.present_count,
        "members": motion.members_count,
        "total_area": str(total_area),
        "yes_area": str(tally.yes_area),
        "no_area": str(tally.no_area),
        "abstain_area": str(tally.abstain_area),
        "reasons": outcome.reasons,
        "passed": outcome.passed,
    }
    motion.save()
    resolution = None
    if outcome.passed:
        item = motion.item
        resolution = Resolution(
            council=council,
            meeting=meeting,
            motion=motion,
            title=item.title[:200],
            text=motion.text,
            decided_on=timezone.localdate(now),
            is_public=council.is_public and meeting.is_public and not item.is_confidential,
            is_demo=council.is_demo,
        )
        resolution.set_area(meeting.area)
        resolution.save()
    audit.record(
        actor,
        "motion.closed",
        motion,
        area=meeting.area,
        details={**motion.tally, "resolution": resolution.pk if resolution else None},
    )
    events.publish(
        "councils.motion_closed",
        motion_id=motion.pk,
        item_id=motion.item_id,
        passed=outcome.passed,
        resolution_id=resolution.pk if resolution else None,
    )
    return motion


def my_ballot(user, motion: Motion) -> Ballot | None:
    """The user's own ballot on a motion (by their seat or as a proxy), for pages and the API."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return (
        Ballot.objects.filter(motion=motion)
        .filter(Q(seat__holder_user=user) | Q(by_proxy=True, cast_by=user))
        .select_related("seat")
        .first()
    )


def ballot_options(user, motion: Motion) -> list[Seat]:
    """Seats the user may still cast a ballot for on this open motion (their own, or as a proxy)."""
    if motion.state != Motion.State.OPEN or user is None or not getattr(user, "is_authenticated", False):
        return []
    meeting = motion.item.meeting
    voting = voting_seats(meeting)
    if motion.threshold in OWNERS_THRESHOLDS:
        allowed = {s.pk: s.holder_user_id for s in voting}
    else:
        allowed = present_seats(meeting, voting, before=motion.opened_at)
    voted = set(Ballot.objects.filter(motion=motion).values_list("seat_id", flat=True))
    return [s for s in voting if s.pk in allowed and allowed[s.pk] == user.pk and s.pk not in voted]


def closing_day(motion: Motion) -> dt.date | None:
    return timezone.localdate(motion.closed_at) if motion.closed_at else None
