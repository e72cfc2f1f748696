"""Shared helpers of the volunteer actions: input checks, own records, star levels, figure deltas.

The volunteer figures in rollups (`core.rollups`), per area and month, each with a recompute
function registered for `rollups.rebuild()` that counts the same thing from the source rows:

- ``volunteers.hours``        service hours of valid records, in the volunteer's area and the month served.
- ``volunteers.active``       volunteers with a valid record in the month: +1 in each month served, so it
                              is right for ONE month (the overview's "active this month"); summed over
                              months, someone who served in two months counts twice.
- ``volunteers.active_year``  distinct active volunteers **per calendar year**: +1 in the month of the
                              volunteer's FIRST valid record of that year (in the volunteer's area). The
                              months of one year therefore sum to the distinct volunteers with at least
                              one service that year; a range inside one year that starts in January is a
                              distinct count up to its last month ("year to date"). A range starting
                              later counts those whose first service of the year fell inside it, and a
                              range over several years counts a volunteer once per year. A back-dated,
                              corrected or voided record moves the +1 to the new first month (or drops it).
- ``volunteers.registered``   stock: +1 in the month a volunteer was registered.
- ``volunteers.teams``        stock of active teams: +1 in the team's area and the month it was founded
                              (teams without a founding date count from the beginning, period
                              ``0001-01``). Deactivating a team takes the +1 back from that same month,
                              reactivating adds it again: the dissolution date is not recorded, so the
                              level follows each team's current status.
"""

import datetime as dt
from decimal import ROUND_FLOOR, Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Min, Sum
from django.db.models.functions import ExtractYear, TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.areas.models import Area
from gongzhi.core import events, policy, rollups
from gongzhi.core.strings import has_control_chars

from ..models import ServiceRecord, StarLevel, Volunteer, VolunteerTeam

HOURS = rollups.register_figure("volunteers.hours")
ACTIVE = rollups.register_figure("volunteers.active")
ACTIVE_YEAR = rollups.register_figure("volunteers.active_year")
REGISTERED = rollups.register_figure("volunteers.registered")
TEAMS = rollups.register_figure("volunteers.teams")
FIGURES = (HOURS, ACTIVE, ACTIVE_YEAR, REGISTERED, TEAMS)
BEGINNING = "0001-01"  # the period of a team without a founding date (a stock counts it from the start)
DEFAULT_STARS = {1: 100, 2: 300, 3: 600, 4: 1000, 5: 1500}
QUARTER = Decimal("0.25")
MAX_HOURS = Decimal(24)


# --- input --------------------------------------------------------------------------------------------
def clean_text(value, field: str, *, required=False, max_length=None) -> str:
    value = (value or "").strip() if isinstance(value, str) or value is None else str(value).strip()
    if required and not value:
        raise ValidationError({field: _("This field is required.")})
    if has_control_chars(value):
        raise ValidationError({field: _("Text must not contain NUL or other control characters.")})
    if max_length and len(value) > max_length:
        raise ValidationError({field: _("At most %(n)d characters.") % {"n": max_length}})
    return value


def clean_list(values, field: str, *, max_items=20, max_length=30) -> list[str]:
    """A list of short labels (skills, service fields): trimmed, de-duplicated, order kept."""
    if values is None:
        return []
    if isinstance(values, str):
        values = [v for part in values.split(",") for v in part.split("，")]
    out: list[str] = []
    for v in values:
        v = clean_text(v, field, max_length=max_length)
        if v and v not in out:
            out.append(v)
    if len(out) > max_items:
        raise ValidationError({field: _("At most %(n)d entries.") % {"n": max_items}})
    return out


def resolve_area(area, field="area") -> Area:
    if area is None or area == "":
        raise ValidationError({field: _("Choose an area.")})
    if not isinstance(area, Area):
        try:
            area = Area.objects.get(pk=int(area))
        except (Area.DoesNotExist, ValueError, TypeError):
            raise ValidationError({field: _("No such area.")}) from None
    if area.abolished_on is not None:
        raise ValidationError({field: _("This area has been abolished.")})
    return area


def clean_hours(value, field="hours") -> Decimal:
    """Service hours: a number of at least a quarter hour and at most 24, two decimals."""
    try:
        hours = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        raise ValidationError({field: _("Give the hours as a number.")}) from None
    if not hours.is_finite():
        raise ValidationError({field: _("Give the hours as a number.")})
    if hours < 0:
        raise ValidationError({field: _("Hours cannot be negative.")})
    if hours < QUARTER:
        raise ValidationError({field: _("Record at least a quarter of an hour.")})
    if hours > MAX_HOURS:
        raise ValidationError({field: _("At most 24 hours can be recorded for one day.")})
    return hours.quantize(Decimal("0.01"))


def floor_quarter(seconds: float) -> Decimal:
    """Actual time in hours, rounded down to the quarter hour (the recording rules count actual time)."""
    hours = Decimal(max(int(seconds), 0)) / Decimal(3600)
    return ((hours / QUARTER).to_integral_value(rounding=ROUND_FLOOR) * QUARTER).quantize(Decimal("0.01"))


def aware(value, field: str) -> dt.datetime:
    if not isinstance(value, dt.datetime):
        raise ValidationError({field: _("Give a date and time.")})
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return value


# --- who is acting --------------------------------------------------------------------------------------
def own_person(actor):
    from gongzhi.people.models import Person

    if actor is None or not getattr(actor, "is_authenticated", False):
        return None
    return Person.objects.select_related("area").filter(user=actor).first()


def own_volunteer(actor) -> Volunteer | None:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return None
    return (
        Volunteer.objects.select_related("person", "area").filter(person__user=actor, is_active=True).first()
    )


def require_manage_or_self(actor, capability: str, area, owner_user_id) -> None:
    """Allowed for the owner (a volunteer or resident acting for themselves) or staff of the area."""
    if actor is not None and owner_user_id is not None and getattr(actor, "pk", None) == owner_user_id:
        return
    if not policy.can(actor, capability, area=area):
        raise PermissionDenied(capability)


# --- star levels ----------------------------------------------------------------------------------------
def star_thresholds() -> list[tuple[int, int]]:
    """[(stars, hours)] ascending; the defaults are written the first time they are needed."""
    rows = list(StarLevel.objects.order_by("stars").values_list("stars", "hours"))
    if rows:
        return rows
    try:
        with transaction.atomic():
            StarLevel.objects.bulk_create(
                [StarLevel(stars=s, hours=h) for s, h in DEFAULT_STARS.items()], ignore_conflicts=True
            )
    except IntegrityError:  # seeded by a concurrent request meanwhile
        pass
    return list(StarLevel.objects.order_by("stars").values_list("stars", "hours"))


def stars_for(hours, thresholds=None) -> int:
    """The star level reached with `hours` cumulative recorded hours (a threshold counts when reached)."""
    hours = Decimal(hours or 0)
    reached = 0
    for stars, needed in thresholds if thresholds is not None else star_thresholds():
        if hours >= needed:
            reached = max(reached, stars)
    return reached


def lock_volunteer(volunteer_id) -> Volunteer:
    return Volunteer.objects.select_for_update().select_related("area", "person").get(pk=volunteer_id)


def recompute_totals(volunteer: Volunteer) -> Volunteer:
    """Total hours and stars from the volunteer's valid records (the row is locked by the caller)."""
    total = ServiceRecord.objects.filter(volunteer_id=volunteer.pk, voided=False).aggregate(s=Sum("hours"))[
        "s"
    ]
    volunteer.total_hours = (total or Decimal(0)).quantize(Decimal("0.01"))
    volunteer.star_level = stars_for(volunteer.total_hours)
    volunteer.save(update_fields=["total_hours", "star_level"])
    return volunteer


# --- figures --------------------------------------------------------------------------------------------
def month_range(day: dt.date) -> tuple[dt.date, dt.date]:
    start = day.replace(day=1)
    end = (start + dt.timedelta(days=32)).replace(day=1)
    return start, end


def active_in_month(volunteer_id, day: dt.date) -> bool:
    start, end = month_range(day)
    return ServiceRecord.objects.filter(
        volunteer_id=volunteer_id, voided=False, served_on__gte=start, served_on__lt=end
    ).exists()


def publish_hours(volunteer: Volunteer, day: dt.date, hours: Decimal, active_delta: int) -> None:
    """Queue the figure deltas of a recorded, corrected or voided service (folded by the sweep)."""
    events.publish(
        "volunteers.hours_changed",
        area_id=volunteer.area_id,
        period=rollups.period_of(day),
        hours=str(hours),
        active=active_delta,
    )


@events.subscribe("volunteers.hours_changed")
def _add_hour_deltas(event):
    if Decimal(event["hours"]):
        rollups.add_delta(event["area_id"], HOURS, event["period"], Decimal(event["hours"]))
    if event["active"]:
        rollups.add_delta(event["area_id"], ACTIVE, event["period"], event["active"])


def _first_of_year(volunteer_id, year: int, exclude=None) -> dt.date | None:
    """The date of the volunteer's first valid record in the year (one index range)."""
    qs = ServiceRecord.objects.filter(
        volunteer_id=volunteer_id,
        voided=False,
        served_on__gte=dt.date(year, 1, 1),
        served_on__lt=dt.date(year + 1, 1, 1),
    )
    if exclude is not None:
        qs = qs.exclude(pk=exclude)
    return qs.order_by("served_on").values_list("served_on", flat=True).first()


def count_first_service(volunteer: Volunteer, record: ServiceRecord) -> None:
    """After ONE record was added or voided (inside the action, the volunteer row locked): move the
    volunteer's "first service of the year" (``volunteers.active_year``) if its month changed.

    Call it right after each write: a correction calls it for the voided record, then for the new one.
    """
    others = _first_of_year(volunteer.pk, record.served_on.year, exclude=record.pk)
    with_it = min(others, record.served_on) if others else record.served_on
    before, after = (with_it, others) if record.voided else (others, with_it)
    before = rollups.period_of(before) if before else None
    after = rollups.period_of(after) if after else None
    if before != after:
        events.publish(
            "volunteers.first_service_moved", area_id=volunteer.area_id, before=before, after=after
        )


@events.subscribe("volunteers.first_service_moved")
def _add_first_service_deltas(event):
    if event["before"]:
        rollups.add_delta(event["area_id"], ACTIVE_YEAR, event["before"], -1)
    if event["after"]:
        rollups.add_delta(event["area_id"], ACTIVE_YEAR, event["after"], 1)


def team_cell(team: VolunteerTeam) -> tuple[int, str] | None:
    """Where an active team counts in ``volunteers.teams``: (area id, founding month); None if inactive."""
    return (team.area_id, _founding_period(team.founded_on)) if team.is_active else None


def _founding_period(founded_on) -> str:
    return rollups.period_of(founded_on) if founded_on else BEGINNING


def count_team(before: tuple[int, str] | None, team: VolunteerTeam) -> None:
    """After a team was created or changed (`before`: its `team_cell` before, None when new)."""
    after = team_cell(team)
    if before != after:
        events.publish(
            "volunteers.team_counted",
            before=list(before) if before else None,
            after=list(after) if after else None,
        )


@events.subscribe("volunteers.team_counted")
def _add_team_deltas(event):
    if event["before"]:
        rollups.add_delta(event["before"][0], TEAMS, event["before"][1], -1)
    if event["after"]:
        rollups.add_delta(event["after"][0], TEAMS, event["after"][1], 1)


@events.subscribe("volunteers.registered")
def _add_registered_delta(event):
    rollups.add_delta(event["area_id"], REGISTERED, event["period"], event["count"])


def _period(value) -> str:
    return rollups.period_of(value.date() if isinstance(value, dt.datetime) else value)


def _recompute_hours() -> dict:
    rows = (
        ServiceRecord.objects.filter(voided=False)
        .annotate(month=TruncMonth("served_on"))
        .values("volunteer__area_id", "month")
        .annotate(total=Sum("hours"))
    )
    return {(r["volunteer__area_id"], _period(r["month"])): (r["total"], 0) for r in rows}


def _recompute_active() -> dict:
    pairs = (
        ServiceRecord.objects.filter(voided=False)
        .annotate(month=TruncMonth("served_on"))
        .values_list("volunteer_id", "volunteer__area_id", "month")
        .distinct()
    )
    out: dict = {}
    for _vid, area_id, month in pairs:
        key = (area_id, _period(month))
        out[key] = (out.get(key, (0, 0))[0] + 1, 0)
    return out


def _recompute_active_year() -> dict:
    """+1 per volunteer and year, in the month of the first valid record (one grouped query)."""
    firsts = (
        ServiceRecord.objects.filter(voided=False)
        .annotate(year=ExtractYear("served_on"))
        .values("volunteer_id", "volunteer__area_id", "year")
        .annotate(first=Min("served_on"))
        .order_by()
    )
    out: dict = {}
    for row in firsts.iterator(chunk_size=2000):
        key = (row["volunteer__area_id"], _period(row["first"]))
        out[key] = (out.get(key, (0, 0))[0] + 1, 0)
    return out


def _recompute_teams() -> dict:
    out: dict = {}
    for area_id, founded_on in VolunteerTeam.objects.filter(is_active=True).values_list(
        "area_id", "founded_on"
    ):
        key = (area_id, _founding_period(founded_on))
        out[key] = (out.get(key, (0, 0))[0] + 1, 0)
    return out


def _recompute_registered() -> dict:
    out: dict = {}
    for area_id, day in Volunteer.objects.values_list("area_id", "registered_on"):
        key = (area_id, _period(day))
        out[key] = (out.get(key, (0, 0))[0] + 1, 0)
    return out


rollups.register_figure(HOURS, _recompute_hours)
rollups.register_figure(ACTIVE, _recompute_active)
rollups.register_figure(ACTIVE_YEAR, _recompute_active_year)
rollups.register_figure(REGISTERED, _recompute_registered)
rollups.register_figure(TEAMS, _recompute_teams)
