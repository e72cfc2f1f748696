"""Taking part in a meeting: invitations, registration with capacity, check-in, minutes, calendar feeds."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.accounts.models import User
from gongzhi.core import audit
from gongzhi.notices.actions import notify

from .. import visibility
from ..models import Attendance, FeedToken, Invitation, Meeting, MinutesSection, Registration, Seat
from ..models.feeds import new_feed_key
from . import require_manage
from .meetings import MEETING_NOTICE, _locked


# --- invitations and registration ------------------------------------------------------------------
@transaction.atomic
def invite(
    *, actor, meeting: Meeting, user=None, name: str = "", party_label: str = "", person=None
) -> Invitation:
    """Invite one party beyond the seats: a resident concerned, a unit, a department (with or without an account)."""
    meeting = _locked(meeting)
    require_manage(actor, meeting.council)
    if meeting.state in (Meeting.State.HELD, Meeting.State.CANCELLED):
        raise ValidationError({"state": _("This meeting was already held or cancelled.")})
    if user is not None and not isinstance(user, User):
        try:
            user = User.objects.get(pk=int(user), is_active=True)
        except (User.DoesNotExist, ValueError, TypeError):
            raise ValidationError({"user": _("No active user has this id.")}) from None
    name = (name or "").strip() or (user.display_name or user.username if user else "")
    if not name:
        raise ValidationError({"name": _("Name the person or party invited.")})
    seat = visibility.seat_on(user, meeting.council_id, visibility.meeting_day(meeting)) if user else None
    try:
        with transaction.atomic():
            invitation = Invitation.objects.create(
                meeting=meeting,
                user=user,
                person=person,
                seat=seat,
                name=name[:60],
                party_label=(party_label or "")[:60],
            )
    except IntegrityError:
        raise ValidationError({"user": _("This person is already invited.")}) from None
    audit.record(
        actor, "meeting.invited", meeting, details={"invitation": invitation.pk, "name": invitation.name}
    )
    if user is not None and meeting.state == Meeting.State.SCHEDULED:
        mid, uid = meeting.pk, user.pk
        title = _("Invitation: %(title)s") % {"title": meeting.title}

        def send():
            notify(
                actor=actor,
                recipients=[uid],
                kind=MEETING_NOTICE,
                title=title[:200],
                url=reverse("councils:meeting", args=[mid]),
            )

        transaction.on_commit(send)
    return invitation


@transaction.atomic
def answer_invitation(*, actor, invitation: Invitation, response: str) -> Invitation:
    invitation = Invitation.objects.select_for_update().select_related("meeting").get(pk=invitation.pk)
    if actor is None or invitation.user_id != actor.pk:
        raise PermissionDenied("councils.invitation")
    if response not in (Invitation.Response.ACCEPTED, Invitation.Response.DECLINED):
        raise ValidationError({"response": _("Answer accepted or declined.")})
    if invitation.meeting.state != Meeting.State.SCHEDULED:
        raise ValidationError({"response": _("This meeting is not scheduled.")})
    invitation.response = response
    invitation.save(update_fields=["response"])
    audit.record(actor, "invitation.answered", invitation.meeting, details={"response": response})
    return invitation


@transaction.atomic
def register_for_meeting(*, actor, meeting: Meeting) -> Registration:
    """Take one place. The place count is a conditional UPDATE, so capacity holds under concurrency."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        raise PermissionDenied("councils.register")
    meeting = Meeting.objects.select_related("council").get(pk=meeting.pk)
    if not visibility.can_see_meeting(actor, meeting):
        raise PermissionDenied("councils.register")
    if meeting.state != Meeting.State.SCHEDULED or not meeting.registration_open:
        raise ValidationError({"meeting": _("Registration for this meeting is not open.")})
    try:
        with transaction.atomic():
            registration = Registration.objects.create(meeting=meeting, user=actor)
    except IntegrityError:
        raise ValidationError({"meeting": _("You are already registered for this meeting.")}) from None
    taken = Meeting.objects.filter(pk=meeting.pk)
    if meeting.capacity is not None:
        taken = taken.filter(registered_count__lt=F("capacity"))
    if taken.update(registered_count=F("registered_count") + 1) != 1:
        raise ValidationError({"meeting": _("The meeting is full.")})
    audit.record(actor, "meeting.registered", meeting)
    return registration


@transaction.atomic
def cancel_registration(*, actor, meeting: Meeting) -> None:
    if actor is None or not getattr(actor, "is_authenticated", False):
        raise PermissionDenied("councils.register")
    updated = Registration.objects.filter(meeting=meeting, user=actor, cancelled_at__isnull=True).update(
        cancelled_at=timezone.now()
    )
    if not updated:
        raise ValidationError({"meeting": _("You are not registered for this meeting.")})
    Meeting.objects.filter(pk=meeting.pk, registered_count__gt=0).update(
        registered_count=F("registered_count") - 1
    )
    audit.record(actor, "meeting.registration_cancelled", meeting)


# --- attendance ----------------------------------------------------------------------------------------
def _on_the_day(meeting: Meeting, now) -> bool:
    """Self check-in opens two hours before the start and closes at the end of the meeting's day."""
    local_end = dt.datetime.combine(
        visibility.meeting_day(meeting) + dt.timedelta(days=1),
        dt.time.min,
        tzinfo=timezone.get_current_timezone(),
    )
    return meeting.starts_at - dt.timedelta(hours=2) <= now < max(local_end, meeting.ends_at)


@transaction.atomic
def check_in(*, actor, meeting: Meeting, user=None, seat=None, name: str = "", proxy_for=None) -> Attendance:
    """Record presence. A participant checks themself in on the day; the clerk (or another manager) checks
    in anyone, including people without an account (by seat or by name) and proxies where allowed."""
    meeting = Meeting.objects.select_related("council").get(pk=meeting.pk)
    if meeting.state not in (Meeting.State.SCHEDULED, Meeting.State.HELD):
        raise ValidationError({"meeting": _("Check-in is only possible for a scheduled or held meeting.")})
    day = visibility.meeting_day(meeting)
    manager = actor is None or visibility.can_manage(actor, meeting.council)
    if isinstance(seat, int | str):
        seat = Seat.objects.filter(pk=seat, council=meeting.council).first() or _no_seat()
    if isinstance(proxy_for, int | str):
        proxy_for = Seat.objects.filter(pk=proxy_for, council=meeting.council).first() or _no_seat(
            "proxy_for"
        )
    if isinstance(user, int | str):
        user = User.objects.filter(pk=user, is_active=True).first() or _no_user()
    if manager and user is None and seat is None and proxy_for is None and not (name or "").strip():
        user = actor  # a clerk or chair checking themself in
    if not manager:
        # Self check-in: only oneself, only on the day, only when seated, invited or registered.
        if actor is None or not getattr(actor, "is_authenticated", False):
            raise PermissionDenied("councils.check_in")
        if (user is not None and user.pk != actor.pk) or seat is not None or proxy_for is not None or name:
            raise PermissionDenied("councils.check_in")
        user = actor
        if not _on_the_day(meeting, timezone.now()):
            raise ValidationError({"meeting": _("Check-in opens two hours before the meeting, on its day.")})
        seat = visibility.seat_on(actor, meeting.council_id, day)
        expected = (
            seat is not None
            or Invitation.objects.filter(meeting=meeting, user=actor).exists()
            or Registration.objects.filter(meeting=meeting, user=actor, cancelled_at__isnull=True).exists()
        )
        if not expected:
            raise PermissionDenied("councils.check_in")
    else:
        if seat is None and user is not None:
            seat = visibility.seat_on(user, meeting.council_id, day)
        if seat is not None and seat.council_id != meeting.council_id:
            _no_seat()
        if seat is not None and not seat.is_current(day):
            raise ValidationError({"seat": _("This seat's term does not cover the meeting day.")})
        if proxy_for is not None:
            if not meeting.council.proxies_allowed:
                raise ValidationError({"proxy_for": _("This council's rules do not allow proxies.")})
            if not proxy_for.is_current(day) or proxy_for.pk == getattr(seat, "pk", None):
                raise ValidationError({"proxy_for": _("Choose another seat current on the meeting day.")})
        if user is None and seat is None and not (name or "").strip():
            raise ValidationError(
                {"name": _("Choose a seat or a person, or type the name of who is present.")}
            )
    if seat is not None and user is None and seat.holder_user_id:
        user = seat.holder_user
    display = (
        (name or "").strip()
        or (seat.holder_name if seat else "")
        or (user.display_name or user.username if user else "")
    )
    try:
        with transaction.atomic():
            attendance = Attendance.objects.create(
                meeting=meeting,
                user=user,
                seat=seat,
                proxy_for=proxy_for,
                name=display[:60],
                checked_in_by=actor if getattr(actor, "pk", None) else None,
            )
    except IntegrityError:
        raise ValidationError({"meeting": _("%(name)s is already checked in.") % {"name": display}}) from None
    audit.record(
        actor,
        "meeting.checked_in",
        meeting,
        details={"attendance": attendance.pk, "seat": getattr(seat, "pk", None), "self": not manager},
    )
    return attendance


def _no_seat(field="seat"):
    raise ValidationError({field: _("This seat does not belong to the meeting's council.")})


def _no_user():
    raise ValidationError({"user": _("No active user has this id.")})


# --- minutes -------------------------------------------------------------------------------------------
@transaction.atomic
def draft_minutes(
    *, actor, meeting: Meeting, text: str | None = None, sections: dict | None = None
) -> Meeting:
    """Write the general part and items' parts. Each item's part inherits the item's audience: an actor
    may write only the parts of items they can see."""
    meeting = _locked(meeting)
    require_manage(actor, meeting.council)
    if meeting.state not in (Meeting.State.SCHEDULED, Meeting.State.HELD):
        raise ValidationError({"minutes": _("Minutes are written for a scheduled or held meeting.")})
    if meeting.minutes_state not in (Meeting.MinutesState.NONE, Meeting.MinutesState.DRAFTED):
        raise ValidationError({"minutes": _("Approved minutes cannot be changed.")})
    if text is not None:
        meeting.minutes_text = text
    items = {i.pk: i for i in meeting.items.all()}
    written = []
    for raw_id, section_text in (sections or {}).items():
        try:
            item = items[int(raw_id)]
        except (KeyError, ValueError, TypeError):
            raise ValidationError(
                {"sections": _("An item of the minutes is not on this meeting's agenda.")}
            ) from None
        if not visibility.can_see_item(actor, item):
            raise PermissionDenied("councils.item")
        if (section_text or "").strip():
            MinutesSection.objects.update_or_create(item=item, defaults={"text": section_text})
        else:
            MinutesSection.objects.filter(item=item).delete()
        written.append(item.pk)
    meeting.minutes_state = Meeting.MinutesState.DRAFTED
    meeting.save(update_fields=["minutes_text", "minutes_state"])
    audit.record(actor, "minutes.drafted", meeting, details={"sections": written})
    return meeting


@transaction.atomic
def approve_minutes(*, actor, meeting: Meeting) -> Meeting:
    meeting = _locked(meeting)
    require_manage(actor, meeting.council)
    if meeting.minutes_state != Meeting.MinutesState.DRAFTED:
        raise ValidationError({"minutes": _("Only drafted minutes can be approved.")})
    if meeting.state != Meeting.State.HELD:
        raise ValidationError({"minutes": _("Minutes are approved after the meeting is held.")})
    meeting.minutes_state = Meeting.MinutesState.APPROVED
    meeting.minutes_approved_at = timezone.now()
    meeting.save(update_fields=["minutes_state", "minutes_approved_at"])
    audit.record(actor, "minutes.approved", meeting)
    return meeting


@transaction.atomic
def publish_minutes(*, actor, meeting: Meeting) -> Meeting:
    meeting = _locked(meeting)
    require_manage(actor, meeting.council)
    if meeting.minutes_state != Meeting.MinutesState.APPROVED:
        raise ValidationError({"minutes": _("Only approved minutes can be published.")})
    meeting.minutes_state = Meeting.MinutesState.PUBLISHED
    meeting.minutes_published_at = timezone.now()
    meeting.save(update_fields=["minutes_state", "minutes_published_at"])
    audit.record(actor, "minutes.published", meeting)
    return meeting


# --- calendar feed ----------------------------------------------------------------------------------
@transaction.atomic
def reset_feed_token(*, actor) -> FeedToken:
    """Give the user a new secret feed address (the old one stops working at once)."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        raise PermissionDenied("councils.feed")
    token, created = FeedToken.objects.get_or_create(user=actor)
    if not created:
        token.key = new_feed_key()
        token.save(update_fields=["key", "created_at"])
    audit.record(actor, "calendar_feed.reset", None, details={"user": actor.pk})
    return token
