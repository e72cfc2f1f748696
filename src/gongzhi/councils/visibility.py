"""The one confidentiality rule of councils: who sees a council, a meeting, and each agenda item.

Every channel (pages, API, iCalendar, notifications, the votes and minutes of an item, and the party
app later) asks this module; nothing else decides it.

Agenda items (AgendaItem.audience):
- everyone: whoever may see the meeting;
- members: holders (by account) of a seat of the meeting's council whose term covers the meeting day;
- full_time_members: the same, full-time seats only;
- named: the named people only.

Decision (documented in the report and in docs): confidentiality is about the audience, not about
office. Area administrators, the clerk and the chair do NOT see a confidential item by virtue of
their role — a personnel matter of the party working committee is for full-time members, and the
clerk who prepares it is normally one of them (or is named). An action that creates or changes a
confidential item therefore requires the actor to be inside the audience, so that nobody writes an
item they could not read back. Only the system itself (user None: sweeps, demo loader) sees all.
Outside the audience an item appears only as "a confidential item" — no title, papers, votes, minutes.

Meetings: drafts are seen by the council's managers only; a public meeting of a public council is
seen by everyone (signed in or not); other meetings by staff holding councils.view over the council,
its seat holders, and the people invited or registered.
"""

import datetime as dt

from django.db.models import Q
from django.utils import timezone

from gongzhi.areas.models import subtree_q
from gongzhi.core import policy

from .models import AgendaItem, Council, Invitation, Meeting, Registration, Seat

MANAGE = "councils.manage"
VIEW = "councils.view"


def _authenticated(user) -> bool:
    return user is not None and getattr(user, "is_authenticated", False) and getattr(user, "is_active", True)


def meeting_day(meeting) -> dt.date:
    return timezone.localdate(meeting.starts_at)


# --- seats --------------------------------------------------------------------------------------------
def seats_of(user, *, council_id=None) -> list[Seat]:
    """The user's seats (all terms), cached on the user object for the request."""
    if not _authenticated(user):
        return []
    cache = getattr(user, "_councils_seats", None)
    if cache is None:
        cache = list(
            Seat.objects.filter(holder_user=user).only(
                "id", "council_id", "tenure", "term_start", "term_end", "position"
            )
        )
        user._councils_seats = cache
    return [s for s in cache if council_id is None or s.council_id == council_id]


def forget(user) -> None:
    if user is not None and hasattr(user, "_councils_seats"):
        del user._councils_seats


def seat_on(user, council_id, day: dt.date, *, full_time=False) -> Seat | None:
    for seat in seats_of(user, council_id=council_id):
        if seat.is_current(day) and (not full_time or seat.tenure == Seat.Tenure.FULL_TIME):
            return seat
    return None


def is_member(user, council, day: dt.date | None = None) -> bool:
    return seat_on(user, council.pk, day or timezone.localdate()) is not None


# --- managing -------------------------------------------------------------------------------------------
def can_manage(user, council: Council) -> bool:
    """Area staff with councils.manage over the council, its clerk, and its chair (current seat)."""
    if user is None:
        return True
    if not _authenticated(user):
        return False
    if policy.can(user, MANAGE, body=council):
        return True
    if council.clerk_id and council.clerk_id == user.pk:
        return True
    today = timezone.localdate()
    return any(
        s.position == Seat.Position.CHAIR and s.is_current(today)
        for s in seats_of(user, council_id=council.pk)
    )


def can_manage_roster(user, council: Council) -> bool:
    """Seats and composition are an official act of the area's staff, not of the clerk or chair."""
    return policy.can(user, MANAGE, body=council)


# --- councils ------------------------------------------------------------------------------------------
def can_see_council(user, council: Council) -> bool:
    if council.is_public or user is None:
        return True
    if not _authenticated(user):
        return False
    return (
        policy.can(user, VIEW, body=council)
        or can_manage(user, council)
        or bool(seats_of(user, council_id=council.pk))
    )


def council_queryset_for(user, qs=None):
    qs = Council.objects.all() if qs is None else qs
    if user is None or policy._is_superuser(user):
        return qs
    if not _authenticated(user):
        return qs.filter(is_public=True)
    q = Q(is_public=True) | Q(clerk=user) | Q(pk__in={s.council_id for s in seats_of(user)})
    for path in policy.area_paths(user, VIEW) or []:
        q |= subtree_q("area_path", path)
    return qs.filter(q)


# --- meetings -------------------------------------------------------------------------------------------
def is_public_meeting(meeting: Meeting) -> bool:
    return (
        meeting.is_public
        and meeting.council.is_public
        and meeting.state in (Meeting.State.SCHEDULED, Meeting.State.HELD, Meeting.State.CANCELLED)
    )


def can_see_meeting(user, meeting: Meeting) -> bool:
    if user is None:
        return True
    council = meeting.council
    if _authenticated(user) and can_manage(user, council):
        return True
    if meeting.state == Meeting.State.DRAFT:
        return False
    if is_public_meeting(meeting):
        return True
    if not _authenticated(user):
        return False
    if policy.can(user, VIEW, body=council):
        return True
    if seat_on(user, council.pk, meeting_day(meeting)) or is_member(user, council):
        return True
    return (
        Invitation.objects.filter(meeting=meeting, user=user).exists()
        or Registration.objects.filter(meeting=meeting, user=user, cancelled_at__isnull=True).exists()
    )


def _managed_q(user) -> Q:
    q = Q(council__clerk=user)
    for path in policy.area_paths(user, MANAGE) or []:
        q |= subtree_q("area_path", path)
    today = timezone.localdate()
    chairs = {
        s.council_id for s in seats_of(user) if s.position == Seat.Position.CHAIR and s.is_current(today)
    }
    if chairs:
        q |= Q(council_id__in=chairs)
    return q


def meeting_queryset_for(user, qs=None):
    """Meetings the user may see (the same rule as can_see_meeting, as one WHERE clause)."""
    qs = Meeting.objects.all() if qs is None else qs
    if user is None or policy._is_superuser(user):
        return qs
    public = Q(is_public=True, council__is_public=True) & ~Q(state=Meeting.State.DRAFT)
    if not _authenticated(user):
        return qs.filter(public)
    shared = Q(council_id__in={s.council_id for s in seats_of(user)})
    for path in policy.area_paths(user, VIEW) or []:
        shared |= subtree_q("area_path", path)
    shared |= Q(pk__in=Invitation.objects.filter(user=user).values("meeting_id"))
    shared |= Q(pk__in=Registration.objects.filter(user=user, cancelled_at__isnull=True).values("meeting_id"))
    return qs.filter(public | _managed_q(user) | (shared & ~Q(state=Meeting.State.DRAFT)))


# --- agenda items ---------------------------------------------------------------------------------------
def can_see_item(user, item: AgendaItem) -> bool:
    """Whether `user` is inside the item's audience (the meeting itself must be visible too)."""
    if user is None:
        return True
    audience = item.audience
    if audience == AgendaItem.Audience.EVERYONE:
        return True
    if not _authenticated(user):
        return False
    meeting = item.meeting
    day = meeting_day(meeting)
    if audience == AgendaItem.Audience.MEMBERS:
        return seat_on(user, meeting.council_id, day) is not None
    if audience == AgendaItem.Audience.FULL_TIME_MEMBERS:
        return seat_on(user, meeting.council_id, day, full_time=True) is not None
    if audience == AgendaItem.Audience.NAMED:
        return item.named_users.filter(pk=user.pk).exists()
    return False  # an unknown audience is never visible


def _day_range(seat: Seat) -> Q:
    """Meetings whose local day falls within the seat's term (as a range on starts_at)."""
    tz = timezone.get_current_timezone()
    q = Q(meeting__council_id=seat.council_id)
    q &= Q(meeting__starts_at__gte=dt.datetime.combine(seat.term_start, dt.time.min, tzinfo=tz))
    if seat.term_end is not None:
        end = dt.datetime.combine(seat.term_end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
        q &= Q(meeting__starts_at__lt=end)
    return q


def item_q(user, prefix: str = "") -> Q:
    """A Q on AgendaItem (or on a model reaching it through `prefix`, e.g. "item__") for the audience."""
    if user is None:
        return Q()
    everyone = Q(audience=AgendaItem.Audience.EVERYONE)
    q = everyone
    if _authenticated(user):
        seats = seats_of(user)
        members = [_day_range(s) for s in seats]
        full_time = [_day_range(s) for s in seats if s.tenure == Seat.Tenure.FULL_TIME]
        if members:
            any_member = Q(pk__in=[])
            for m in members:
                any_member |= m
            q |= Q(audience=AgendaItem.Audience.MEMBERS) & any_member
        if full_time:
            any_full = Q(pk__in=[])
            for m in full_time:
                any_full |= m
            q |= Q(audience=AgendaItem.Audience.FULL_TIME_MEMBERS) & any_full
        named = AgendaItem.named_users.through.objects.filter(user_id=user.pk).values("agendaitem_id")
        q |= Q(audience=AgendaItem.Audience.NAMED, pk__in=named)
    if not prefix:
        return q
    return _prefixed(q, prefix)


def _prefixed(q: Q, prefix: str) -> Q:
    """The same Q with every lookup moved under `prefix` (for motions, minutes, papers …)."""
    children = []
    for child in q.children:
        if isinstance(child, Q):
            children.append(_prefixed(child, prefix))
        else:
            key, value = child
            children.append((prefix + key, value))
    out = Q()
    out.children = children
    out.connector = q.connector
    out.negated = q.negated
    return out


def item_queryset_for(user, qs=None):
    """Agenda items inside the user's audience (the meeting's visibility is checked separately)."""
    qs = AgendaItem.objects.all() if qs is None else qs
    return qs.filter(item_q(user))


def visible_items(user, meeting: Meeting) -> list[AgendaItem]:
    return list(item_queryset_for(user, meeting.items.all()).order_by("order", "id"))


def agenda_for(user, meeting: Meeting) -> list[dict]:
    """The whole agenda in order; items outside the audience show only that a confidential item exists."""
    visible = {i.pk for i in item_queryset_for(user, meeting.items.all())}
    rows = []
    for item in meeting.items.all().order_by("order", "id"):
        rows.append(
            {
                "item": item if item.pk in visible else None,
                "order": item.order,
                "pk": item.pk,
                "hidden": item.pk not in visible,
            }
        )
    return rows
