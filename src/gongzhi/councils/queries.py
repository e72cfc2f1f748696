"""Read side of councils: lists of councils and meetings a user may see, rosters, quorum, agendas."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from gongzhi.areas.models import subtree_q

from . import counting, visibility
from .models import Attendance, Council, Invitation, Meeting, MinutesSection, Registration, Seat

MEETING_ORDERING = ("-starts_at",)
UPCOMING_ORDERING = ("starts_at",)
COUNCIL_ORDERING = ("name",)


def councils_for(user, *, area=None, kind: str | None = None):
    qs = visibility.council_queryset_for(user, Council.objects.select_related("area"))
    if area is not None:
        qs = qs.filter(subtree_q("area_path", area.path))
    if kind:
        qs = qs.filter(kind=kind)
    return qs


def meetings_for(user, *, council=None, area=None, kind=None, upcoming: bool | None = None, now=None):
    qs = visibility.meeting_queryset_for(user, Meeting.objects.select_related("council", "area"))
    if council is not None:
        qs = qs.filter(council=council)
    if area is not None:
        qs = qs.filter(subtree_q("area_path", area.path))
    if kind:
        qs = qs.filter(kind=kind)
    now = now or timezone.now()
    if upcoming is True:
        qs = qs.filter(ends_at__gte=now)
    elif upcoming is False:
        qs = qs.filter(ends_at__lt=now)
    return qs


def public_meetings(*, council=None):
    qs = Meeting.objects.filter(is_public=True, council__is_public=True).exclude(state=Meeting.State.DRAFT)
    return qs.filter(council=council) if council is not None else qs.select_related("council")


def current_seats(council: Council, on: dt.date | None = None) -> list[Seat]:
    on = on or timezone.localdate()
    return [s for s in council.seats.select_related("holder_user") if s.is_current(on)]


def seats_by_term(council: Council):
    today = timezone.localdate()
    seats = list(council.seats.select_related("holder_user").order_by("term_end", "position", "id"))
    current = [s for s in seats if s.is_current(today)]
    future = [s for s in seats if s.term_start > today]
    past = [s for s in seats if s.term_end is not None and s.term_end < today]
    return current, future, past


@dataclass
class Quorum:
    members: int
    present: int
    met: bool
    numerator: int
    denominator: int
    inclusive: bool


def quorum_status(meeting: Meeting) -> Quorum:
    """Voting seats current on the meeting day, and how many of them are present (in person or by proxy)."""
    council = meeting.council
    day = visibility.meeting_day(meeting)
    voting = {s.pk for s in council.seats.filter(may_vote=True) if s.is_current(day)}
    present = set()
    for seat_id, proxy_id in Attendance.objects.filter(meeting=meeting).values_list(
        "seat_id", "proxy_for_id"
    ):
        for sid in (seat_id, proxy_id):
            if sid in voting:
                present.add(sid)
    met = counting.quorum_met(
        len(present),
        len(voting),
        council.quorum_numerator,
        council.quorum_denominator,
        council.quorum_inclusive,
    )
    return Quorum(
        len(voting),
        len(present),
        met,
        council.quorum_numerator,
        council.quorum_denominator,
        council.quorum_inclusive,
    )


def attendance_of(meeting: Meeting):
    return (
        Attendance.objects.filter(meeting=meeting)
        .select_related("seat", "proxy_for")
        .order_by("checked_in_at", "id")
    )


def invitations_of(meeting: Meeting):
    return Invitation.objects.filter(meeting=meeting).select_related("seat").order_by("id")


def registration_of(user, meeting: Meeting):
    if not getattr(user, "is_authenticated", False):
        return None
    return Registration.objects.filter(meeting=meeting, user=user, cancelled_at__isnull=True).first()


def invitation_of(user, meeting: Meeting):
    if not getattr(user, "is_authenticated", False):
        return None
    return Invitation.objects.filter(meeting=meeting, user=user).first()


def attendance_by(user, meeting: Meeting):
    if not getattr(user, "is_authenticated", False):
        return None
    return Attendance.objects.filter(meeting=meeting, user=user).first()


def minutes_for(user, meeting: Meeting, *, public: bool = False) -> list[dict]:
    """Minutes sections in agenda order; only those of items inside the user's audience.

    `public` (the public page): published minutes only, items for everyone only.
    """
    if public and meeting.minutes_state != Meeting.MinutesState.PUBLISHED:
        return []
    qs = MinutesSection.objects.filter(item__meeting=meeting).select_related("item")
    viewer = _Anonymous() if public else user
    qs = qs.filter(visibility.item_q(viewer, "item__"))
    return [{"item": s.item, "text": s.text} for s in qs.order_by("item__order", "item__id")]


class _Anonymous:
    is_authenticated = False
    is_active = False
    pk = None


def my_meetings(user, *, upcoming=True, now=None):
    """Meetings where the user sits, is invited or registered (the personal calendar)."""
    now = now or timezone.now()
    q = Q(pk__in=Invitation.objects.filter(user=user).values("meeting_id"))
    q |= Q(pk__in=Registration.objects.filter(user=user, cancelled_at__isnull=True).values("meeting_id"))
    q |= Q(council_id__in={s.council_id for s in visibility.seats_of(user)})
    qs = visibility.meeting_queryset_for(user, Meeting.objects.select_related("council")).filter(q)
    if upcoming:
        qs = qs.filter(ends_at__gte=now - dt.timedelta(days=1))
    return qs.exclude(state=Meeting.State.DRAFT)
