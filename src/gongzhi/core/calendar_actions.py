"""Changes to the official calendar: save or delete a holiday or adjusted working day, mark a year entered,
and seed the years the chinese-calendar package knows from the bundled fixture."""

import datetime as dt
import json
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from gongzhi.accounts.roles import Role

from . import audit, calendar, policy
from .models import CalendarDay, CalendarYear

EDIT_CALENDAR = policy.register("core.edit_calendar", [Role.CITY_ADMIN])

FIXTURE = Path(__file__).with_name("fixtures") / "calendar_cn.json"
FIRST_YEAR, LAST_YEAR = 2000, 2100
NAME_MAX = CalendarDay._meta.get_field("name").max_length


def _audit_area(actor):
    """The area of the actor's city-administrator assignment, so city admins find the event in the log."""
    from gongzhi.areas.models import Area

    for grant in policy.grants(actor):
        if grant.role == Role.CITY_ADMIN and grant.area_id:
            return Area.objects.filter(pk=grant.area_id).first()
    return None


def _check_year(year, field="date"):
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValidationError(
            {
                field: _("Enter a year between %(first)s and %(last)s.")
                % {"first": FIRST_YEAR, "last": LAST_YEAR}
            }
        )


def validate_calendar_day(*, date, kind, name="", instance=None) -> None:
    """Raise ValidationError (field → message) for an entry that cannot go into the table."""
    errors = {}
    if kind not in CalendarDay.Kind.values:
        errors["kind"] = _("Choose an official holiday or an adjusted working day.")
    if not isinstance(date, dt.date):
        errors["date"] = _("Enter a valid date.")
    else:
        _check_year(date.year)
        if kind == CalendarDay.Kind.WORKDAY and date.weekday() < 5:
            errors["date"] = _(
                "An adjusted working day must fall on a Saturday or Sunday; Monday to Friday are working days anyway."
            )
        existing = CalendarDay.objects.filter(date=date).exclude(pk=getattr(instance, "pk", None)).first()
        if existing is not None and existing.kind != kind:
            errors["date"] = _(
                "%(date)s is already entered as %(kind)s (%(name)s). Delete that entry first: "
                "a day cannot be both a holiday and an adjusted working day."
            ) % {"date": date.isoformat(), "kind": existing.get_kind_display(), "name": existing.name or "—"}
    if len(name or "") > NAME_MAX:
        errors["name"] = _("Use at most %(n)s characters.") % {"n": NAME_MAX}
    if errors:
        raise ValidationError(errors)


def save_calendar_day(*, actor, date, kind, name="") -> CalendarDay:
    """Enter (or rename) one holiday or adjusted working day; a day of the other kind is refused."""
    policy.require(actor, EDIT_CALENDAR)
    name = (name or "").strip()
    validate_calendar_day(date=date, kind=kind, name=name)
    try:
        with transaction.atomic():
            day = CalendarDay.objects.select_for_update().filter(date=date).first()
            if day is not None and day.kind != kind:  # entered by someone else meanwhile
                validate_calendar_day(date=date, kind=kind, name=name)
            created = day is None
            if created:
                day = CalendarDay.objects.create(date=date, kind=kind, name=name)
            else:
                day.name = name
                day.save(update_fields=["name"])
            audit.record(
                actor,
                "calendar.day_saved",
                day,
                details={"date": date.isoformat(), "kind": kind, "name": name, "created": created},
                area=_audit_area(actor),
            )
    except IntegrityError:
        # The same date inserted concurrently: answer as if we had seen it first.
        validate_calendar_day(date=date, kind=kind, name=name)
        raise
    return day


def delete_calendar_day(*, actor, day: CalendarDay) -> None:
    policy.require(actor, EDIT_CALENDAR)
    with transaction.atomic():
        details = {"date": day.date.isoformat(), "kind": day.kind, "name": day.name}
        audit.record(actor, "calendar.day_deleted", day, details=details, area=_audit_area(actor))
        day.delete()


def mark_year_entered(*, actor, year: int, source: str = "admin") -> CalendarYear:
    """Declare a year's official schedule complete; until then its deadlines count weekends only."""
    policy.require(actor, EDIT_CALENDAR)
    _check_year(year, "year")
    with transaction.atomic():
        if CalendarYear.objects.filter(year=year).exists():
            raise ValidationError({"year": _("%(year)s is already marked as entered.") % {"year": year}})
        if not CalendarDay.objects.filter(
            kind=CalendarDay.Kind.HOLIDAY, date__gte=dt.date(year, 1, 1), date__lte=dt.date(year, 12, 31)
        ).exists():
            raise ValidationError(
                {
                    "year": _("Enter the holidays of %(year)s before marking the year as entered.")
                    % {"year": year}
                }
            )
        entry = CalendarYear.objects.create(year=year, source=source)
        audit.record(
            actor,
            "calendar.year_seeded",
            entry,
            details={"year": year, "source": source},
            area=_audit_area(actor),
        )
    return entry


def read_fixture(path: Path = FIXTURE) -> tuple[dict[int, str], list[tuple[dt.date, str, str]]]:
    """({year: source}, [(date, kind, name)]) from a calendar fixture in Django's JSON format."""
    rows = json.loads(Path(path).read_text(encoding="utf-8"))
    years = {
        r["fields"]["year"]: r["fields"].get("source", "fixture")
        for r in rows
        if r["model"] == "core.calendaryear"
    }
    days = [
        (dt.date.fromisoformat(r["fields"]["date"]), r["fields"]["kind"], r["fields"].get("name", ""))
        for r in rows
        if r["model"] == "core.calendarday"
    ]
    return years, days


def seed_calendar(*, actor=None, path: Path = FIXTURE) -> list[int]:
    """Enter every year of the fixture that is not entered yet, with its days; return the years seeded.

    Idempotent: entered years (seeded before or entered by an administrator) are left alone, and a
    date already in the table keeps its administrator's entry.
    """
    policy.require(actor, EDIT_CALENDAR)
    years, days = read_fixture(path)
    with transaction.atomic():
        todo = sorted(
            set(years) - set(CalendarYear.objects.filter(year__in=years).values_list("year", flat=True))
        )
        if not todo:
            return []
        wanted = [d for d in days if d[0].year in set(todo)]
        present = set(
            CalendarDay.objects.filter(date__in=[d[0] for d in wanted]).values_list("date", flat=True)
        )
        CalendarDay.objects.bulk_create(
            [CalendarDay(date=d, kind=k, name=n) for d, k, n in wanted if d not in present], batch_size=500
        )
        area = _audit_area(actor)
        for year in todo:
            entry = CalendarYear.objects.create(year=year, source=years[year])
            audit.record(
                actor, "calendar.year_seeded", entry, details={"year": year, "source": years[year]}, area=area
            )
        # bulk_create sends no signals: tell every process the table changed.
        calendar.invalidate()
        transaction.on_commit(calendar.invalidate)
    return todo
