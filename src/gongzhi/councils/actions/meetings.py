"""Meetings: scheduling, one-matter subjects, agenda with confidentiality, invitations, registration,
check-in and minutes. Every function is one atomic, checked, audited change."""

import datetime as dt
from collections import defaultdict

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongzhi.accounts.models import User
from gongzhi.core import audit, events, rollups
from gongzhi.notices.actions import notify, register_kind

from .. import visibility
from ..models import (
    AgendaItem,
    AgendaPaper,
    Council,
    Invitation,
    Meeting,
    Registration,
)
from . import require_manage

MEETING_NOTICE = register_kind("councils.meeting", gettext_lazy("council meetings"))

MEETING_FIELDS = (
    "kind",
    "title",
    "subject_type",
    "subject_id",
    "subject_label",
    "starts_at",
    "ends_at",
    "place",
    "online_link",
    "capacity",
    "registration_open",
    "is_public",
)
ITEM_FIELDS = ("order", "title", "description", "duration_minutes", "audience", "category")
MAX_PAPER_BYTES = 20 * 1024 * 1024


# --- one matter, one deliberation: subject types ------------------------------------------------------
SUBJECT_TYPES: dict[str, tuple] = {}


def register_subject_type(name: str, label, resolve=None) -> str:
    """Apps declare what a one-matter meeting may be about. `resolve(id)` returns the subject's label
    or raises ObjectDoesNotExist; without a resolver the subject is described by its label alone."""
    SUBJECT_TYPES[name] = (label, resolve)
    return name


def _proposal_label(pk):
    from ..models import Proposal

    return Proposal.objects.get(pk=pk).title


register_subject_type("councils.proposal", gettext_lazy("resident proposal"), _proposal_label)
register_subject_type("other", gettext_lazy("other matter (described in words)"))


def _check_subject(meeting: Meeting) -> None:
    st = (meeting.subject_type or "").strip()
    if not st:
        if meeting.kind in Meeting.ONE_MATTER_KINDS:
            raise ValidationError(
                {
                    "subject_type": _(
                        "A hearing, coordination or evaluation meeting is about one matter: choose it."
                    )
                }
            )
        meeting.subject_id, meeting.subject_label = None, ""
        return
    if st not in SUBJECT_TYPES:
        raise ValidationError({"subject_type": _("This kind of subject is not known.")})
    _label, resolve = SUBJECT_TYPES[st]
    if resolve is None:
        meeting.subject_id = None
        if not meeting.subject_label.strip():
            raise ValidationError({"subject_label": _("Describe the matter the meeting is about.")})
        return
    try:
        meeting.subject_label = str(resolve(int(meeting.subject_id)))[:200]
    except Exception:  # noqa: BLE001 - any resolver failure (missing id, bad value) is the same user error
        raise ValidationError({"subject_id": _("The matter was not found.")}) from None


def _check_meeting(meeting: Meeting) -> None:
    if meeting.kind not in Meeting.Kind.values:
        raise ValidationError({"kind": _("Choose a kind of meeting.")})
    if not (meeting.title or "").strip():
        raise ValidationError({"title": _("Give the meeting a title.")})
    for field in ("starts_at", "ends_at"):
        value = getattr(meeting, field)
        if not isinstance(value, dt.datetime) or timezone.is_naive(value):
            raise ValidationError({field: _("Give a date and time.")})
    if meeting.ends_at <= meeting.starts_at:
        raise ValidationError({"ends_at": _("The meeting must end after it starts.")})
    if meeting.capacity is not None and meeting.capacity < meeting.registered_count:
        raise ValidationError(
            {
                "capacity": _("%(n)d people have registered already; the capacity cannot be lower.")
                % {"n": meeting.registered_count}
            }
        )
    _check_subject(meeting)


def _bump(meeting: Meeting) -> None:
    # iCalendar SEQUENCE: calendars replace the older version. The row is locked (_locked), so += is safe.
    meeting.sequence += 1


def _locked(meeting: Meeting) -> Meeting:
    return (
        Meeting.objects.select_for_update()
        .select_related("council", "council__area", "area")
        .get(pk=meeting.pk)
    )


# --- meetings -------------------------------------------------------------------------------------------
@transaction.atomic
def create_meeting(*, actor, council: Council, kind, title, starts_at, ends_at, **fields) -> Meeting:
    require_manage(actor, council)
    fields = {k: v for k, v in fields.items() if k in MEETING_FIELDS}
    for key in ("subject_type", "subject_label", "place", "online_link"):
        fields[key] = (fields.get(key) or "").strip()
    meeting = Meeting(
        council=council,
        kind=kind,
        title=(title or "").strip(),
        starts_at=starts_at,
        ends_at=ends_at,
        created_by=actor if getattr(actor, "pk", None) else None,
        **fields,
    )
    meeting.set_area(council.area)
    _check_meeting(meeting)
    meeting.save()
    audit.record(actor, "meeting.created", meeting, details={"kind": kind, "council": council.pk})
    return meeting


@transaction.atomic
def update_meeting(*, actor, meeting: Meeting, **changes) -> Meeting:
    meeting = _locked(meeting)
    require_manage(actor, meeting.council)
    if meeting.state in (Meeting.State.HELD, Meeting.State.CANCELLED):
        raise ValidationError({"state": _("A meeting that was held or cancelled cannot be changed.")})
    changed = []
    for key, value in changes.items():
        if key not in MEETING_FIELDS:
            continue
        if isinstance(value, str):
            value = value.strip()
        if getattr(meeting, key) != value:
            changed.append(key)
            setattr(meeting, key, value)
    _check_meeting(meeting)
    _bump(meeting)
    meeting.save()
    audit.record(actor, "meeting.updated", meeting, details={"changed": sorted(changed)})
    if meeting.state == Meeting.State.SCHEDULED and {"starts_at", "ends_at", "place", "online_link"} & set(
        changed
    ):
        _notify_invitees(actor, meeting, _("Meeting changed: %(title)s"))
    return meeting


def _seat_invitations(meeting: Meeting) -> int:
    """Invite every holder of a seat current on the meeting day (once each)."""
    day = visibility.meeting_day(meeting)
    have_users = set(
        Invitation.objects.filter(meeting=meeting, user__isnull=False).values_list("user_id", flat=True)
    )
    have_seats = set(
        Invitation.objects.filter(meeting=meeting, seat__isnull=False).values_list("seat_id", flat=True)
    )
    new = []
    for seat in meeting.council.seats.select_related("holder_user"):
        if not seat.is_current(day) or seat.pk in have_seats:
            continue
        if seat.holder_user_id and seat.holder_user_id in have_users:
            continue
        have_users.add(seat.holder_user_id)
        new.append(
            Invitation(
                meeting=meeting,
                user=seat.holder_user,
                person=seat.holder_person,
                seat=seat,
                name=seat.holder_name,
                party_label=seat.get_position_display(),
            )
        )
    Invitation.objects.bulk_create(new)
    return len(new)


def _notify_invitees(actor, meeting: Meeting, title_template, extra_users=()) -> None:
    """Tell invitees (and registrants) after commit; each sees in the message only the items of their audience."""
    user_ids = set(
        Invitation.objects.filter(meeting=meeting, user__isnull=False).values_list("user_id", flat=True)
    )
    user_ids |= set(
        Registration.objects.filter(meeting=meeting, cancelled_at__isnull=True).values_list(
            "user_id", flat=True
        )
    )
    user_ids |= {u.pk for u in extra_users}
    if not user_ids:
        return
    meeting_id = meeting.pk
    title = str(title_template) % {"title": meeting.title}

    def send():
        m = Meeting.objects.select_related("council").get(pk=meeting_id)
        groups = defaultdict(list)
        for user in User.objects.filter(pk__in=user_ids, is_active=True):
            items = visibility.visible_items(user, m)
            groups[tuple(i.pk for i in items)].append(user)
        total = m.items.count()
        when = timezone.localtime(m.starts_at).strftime("%Y-%m-%d %H:%M")
        for _ids, users in groups.items():
            items = visibility.visible_items(users[0], m)
            lines = [_("%(when)s, %(place)s") % {"when": when, "place": m.place or m.online_link or "—"}]
            lines += [f"{i.order}. {i.title}" for i in items]
            hidden = total - len(items)
            if hidden:
                lines.append(_("and %(n)d confidential item(s)") % {"n": hidden})
            notify(
                actor=actor,
                recipients=users,
                kind=MEETING_NOTICE,
                title=title[:200],
                body="\n".join(lines),
                url=reverse("councils:meeting", args=[m.pk]),
            )

    transaction.on_commit(send)


@transaction.atomic
def schedule_meeting(*, actor, meeting: Meeting, invite_seats: bool = True) -> Meeting:
    """Draft → scheduled: the meeting becomes visible, seat holders are invited and told."""
    meeting = _locked(meeting)
    require_manage(actor, meeting.council)
    if meeting.state != Meeting.State.DRAFT:
        raise ValidationError({"state": _("Only a draft meeting can be scheduled.")})
    _check_meeting(meeting)
    meeting.state = Meeting.State.SCHEDULED
    _bump(meeting)
    meeting.save()
    invited = _seat_invitations(meeting) if invite_seats else 0
    audit.record(actor, "meeting.scheduled", meeting, details={"invited": invited})
    _notify_invitees(actor, meeting, _("Invitation: %(title)s"))
    return meeting


@transaction.atomic
def cancel_meeting(*, actor, meeting: Meeting, reason: str = "") -> Meeting:
    meeting = _locked(meeting)
    require_manage(actor, meeting.council)
    if meeting.state in (Meeting.State.HELD, Meeting.State.CANCELLED):
        raise ValidationError({"state": _("This meeting was already held or cancelled.")})
    was_scheduled = meeting.state == Meeting.State.SCHEDULED
    meeting.state = Meeting.State.CANCELLED
    meeting.registration_open = False
    _bump(meeting)
    meeting.save()
    audit.record(actor, "meeting.cancelled", meeting, details={"reason": (reason or "")[:500]})
    if was_scheduled:
        _notify_invitees(actor, meeting, _("Meeting cancelled: %(title)s"))
    return meeting


@transaction.atomic
def mark_held(*, actor, meeting: Meeting) -> Meeting:
    meeting = _locked(meeting)
    require_manage(actor, meeting.council)
    if meeting.state != Meeting.State.SCHEDULED:
        raise ValidationError({"state": _("Only a scheduled meeting can be marked as held.")})
    if meeting.starts_at > timezone.now():
        raise ValidationError({"state": _("The meeting has not started yet.")})
    meeting.state = Meeting.State.HELD
    meeting.registration_open = False
    meeting.save(update_fields=["state", "registration_open"])
    audit.record(actor, "meeting.held", meeting)
    events.publish(
        "meeting.held",
        meeting_id=meeting.pk,
        area_id=meeting.area_id,
        period=rollups.period_of(meeting.starts_at),
    )
    return meeting


# --- agenda -----------------------------------------------------------------------------------------------
def _named(values, field="named_users") -> list[User]:
    ids = set()
    for v in values or []:
        try:
            ids.add(v.pk if isinstance(v, User) else int(v))
        except (TypeError, ValueError):
            raise ValidationError({field: _("Name people by their user ids.")}) from None
    users = list(User.objects.filter(pk__in=ids, is_active=True))
    if len(users) != len(ids):
        raise ValidationError({field: _("Some of the named people are not active users.")})
    return users


def _check_item(actor, item: AgendaItem, named: list[User] | None) -> None:
    if item.audience not in AgendaItem.Audience.values:
        raise ValidationError(
            {
                "audience": _(
                    "Unknown audience “%(value)s”: choose everyone, members, full-time members or named people."
                )
                % {"value": item.audience}
            }
        )
    if item.category not in AgendaItem.Category.values:
        raise ValidationError({"category": _("Choose a category.")})
    if not (item.title or "").strip():
        raise ValidationError({"title": _("Give the item a title.")})
    try:
        if int(item.duration_minutes) < 1:
            raise ValueError
    except (TypeError, ValueError):
        raise ValidationError(
            {"duration_minutes": _("The duration is a whole number of minutes, at least 1.")}
        ) from None
    if item.audience == AgendaItem.Audience.NAMED and not named:
        raise ValidationError({"named_users": _("Name at least one person for a named audience.")})
    if actor is None or item.audience == AgendaItem.Audience.EVERYONE:
        return
    # Nobody writes an item they could not read back (see visibility.py).
    day = visibility.meeting_day(item.meeting)
    inside = {
        AgendaItem.Audience.MEMBERS: lambda: (
            visibility.seat_on(actor, item.meeting.council_id, day) is not None
        ),
        AgendaItem.Audience.FULL_TIME_MEMBERS: lambda: (
            visibility.seat_on(actor, item.meeting.council_id, day, full_time=True) is not None
        ),
        AgendaItem.Audience.NAMED: lambda: any(u.pk == actor.pk for u in named or []),
    }[item.audience]()
    if not inside:
        raise ValidationError(
            {
                "audience": _(
                    "You would not be in this item's audience yourself; choose an audience that includes you or name yourself."
                )
            }
        )


def _check_open_agenda(meeting: Meeting) -> None:
    if meeting.state in (Meeting.State.HELD, Meeting.State.CANCELLED):
        raise ValidationError(
            {"state": _("The agenda of a meeting that was held or cancelled cannot change.")}
        )


@transaction.atomic
def add_agenda_item(
    *, actor, meeting: Meeting, title, audience=AgendaItem.Audience.EVERYONE, named_users=(), **fields
) -> AgendaItem:
    meeting = _locked(meeting)
    require_manage(actor, meeting.council)
    _check_open_agenda(meeting)
    fields = {
        k: v for k, v in fields.items() if k in (*ITEM_FIELDS, "source_type", "source_id") and v is not None
    }
    if "order" not in fields:
        last = meeting.items.order_by("-order").values_list("order", flat=True).first()
        fields["order"] = (last or 0) + 1
    item = AgendaItem(meeting=meeting, title=(title or "").strip(), audience=audience, **fields)
    named = _named(named_users) if audience == AgendaItem.Audience.NAMED else []
    _check_item(actor, item, named)
    item.save()
    if named:
        item.named_users.set(named)
    _bump(meeting)
    meeting.save(update_fields=["sequence"])
    # The audit record of a confidential item names no title: the log is read by staff outside the audience.
    audit.record(
        actor,
        "agenda_item.added",
        item if not item.is_confidential else None,
        area=meeting.area,
        details={"meeting": meeting.pk, "item": item.pk, "audience": item.audience},
    )
    return item


@transaction.atomic
def update_agenda_item(*, actor, item: AgendaItem, named_users=None, **changes) -> AgendaItem:
    meeting = _locked(item.meeting)
    require_manage(actor, meeting.council)
    _check_open_agenda(meeting)
    item = AgendaItem.objects.select_related("meeting").get(pk=item.pk)
    if not visibility.can_see_item(actor, item):
        raise PermissionDenied("councils.item")
    for key, value in changes.items():
        if key in ITEM_FIELDS and value is not None:
            setattr(item, key, value.strip() if isinstance(value, str) else value)
    if item.audience == AgendaItem.Audience.NAMED:
        named = _named(named_users) if named_users is not None else list(item.named_users.all())
    else:
        named = []
    _check_item(actor, item, named)
    item.save()
    item.named_users.set(named)
    _bump(meeting)
    meeting.save(update_fields=["sequence"])
    audit.record(
        actor,
        "agenda_item.updated",
        item if not item.is_confidential else None,
        area=meeting.area,
        details={"meeting": meeting.pk, "item": item.pk, "audience": item.audience},
    )
    return item


@transaction.atomic
def remove_agenda_item(*, actor, item: AgendaItem) -> None:
    meeting = _locked(item.meeting)
    require_manage(actor, meeting.council)
    _check_open_agenda(meeting)
    item = AgendaItem.objects.select_related("meeting").get(pk=item.pk)
    if not visibility.can_see_item(actor, item):
        raise PermissionDenied("councils.item")
    if item.motions.exists():
        raise ValidationError({"item": _("This item has motions; it cannot be removed.")})
    audit.record(
        actor,
        "agenda_item.removed",
        None,
        area=meeting.area,
        details={"meeting": meeting.pk, "item": item.pk},
    )
    item.delete()
    _bump(meeting)
    meeting.save(update_fields=["sequence"])


@transaction.atomic
def add_paper(*, actor, item: AgendaItem, title, file) -> AgendaPaper:
    meeting = _locked(item.meeting)
    require_manage(actor, meeting.council)
    item = AgendaItem.objects.select_related("meeting").get(pk=item.pk)
    if not visibility.can_see_item(actor, item):
        raise PermissionDenied("councils.item")
    if file is None:
        raise ValidationError({"file": _("Choose a file.")})
    if getattr(file, "size", 0) > MAX_PAPER_BYTES:
        raise ValidationError({"file": _("A paper may be at most 20 MB.")})
    title = (title or "").strip() or getattr(file, "name", "")[:200]
    paper = AgendaPaper(
        item=item, title=title[:200], uploaded_by=actor if getattr(actor, "pk", None) else None
    )
    paper.file.save(getattr(file, "name", "paper"), file, save=False)
    paper.save()
    audit.record(
        actor,
        "agenda_paper.added",
        None,
        area=meeting.area,
        details={"meeting": meeting.pk, "item": item.pk, "paper": paper.pk},
    )
    return paper
