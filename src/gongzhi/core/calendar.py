"""The working-day calendar: official holidays, adjusted working days and working hours, as pure functions.

The table of exceptions (core.CalendarDay) is small (a few dozen rows a year), so every process keeps
it in memory and reloads it when a shared version token in Django's cache changes; writes to the
table change the token (at once and again after commit); a process asks for the token at most every
two seconds. A year with no CalendarYear row has not
been entered: it counts Monday–Friday only and administrators' pages show `missing_year_warning()`.
Working hours come from the setting or environment variable GONGZHI_WORKING_HOURS
("09:00-12:00,13:00-17:00" by default) in the project's time zone (Asia/Shanghai).
"""

import datetime as dt
import logging
import os
import time
import uuid
from decimal import Decimal
from functools import lru_cache
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import ngettext

from .models import CalendarDay, CalendarYear

logger = logging.getLogger(__name__)

DEFAULT_WORKING_HOURS = "09:00-12:00,13:00-17:00"
HOLIDAY = CalendarDay.Kind.HOLIDAY
WORKDAY = CalendarDay.Kind.WORKDAY
_VERSION_KEY = "gongzhi:calendar:version"
# Guards the day-by-day walks against a table that (by mistake) makes every day a holiday.
_MAX_DAYS = 366 * 20

# How long a process trusts its copy before asking the cache for the version token again: a deadline
# walks dozens of days, and with Redis each question was a round trip (a process's own writes
# invalidate at once; other processes see a change within this time).
_RECHECK_SECONDS = 2.0

_state: dict = {"token": None, "days": {}, "years": frozenset(), "checked": 0.0}
_warned_years: set[int] = set()


# --- the cached table ------------------------------------------------------------------------------


def invalidate() -> None:
    """Make every process reload the table on its next use (called when entries change)."""
    cache.set(_VERSION_KEY, uuid.uuid4().hex, timeout=None)
    _state["token"] = None


def clear_cache() -> None:
    """Forget the table in this process and everywhere (tests call this around each test)."""
    invalidate()


def _table() -> dict:
    now = time.monotonic()
    if _state["token"] is not None and now - _state["checked"] < _RECHECK_SECONDS:
        return _state
    token = cache.get(_VERSION_KEY)
    if token is None:
        cache.add(_VERSION_KEY, uuid.uuid4().hex, timeout=None)
        token = cache.get(_VERSION_KEY)
    if token is None or token != _state["token"]:
        days = dict(CalendarDay.objects.values_list("date", "kind"))
        years = frozenset(CalendarYear.objects.values_list("year", flat=True))
        _state.update(token=token, days=days, years=years)
    _state["checked"] = now
    return _state


@receiver(post_save, sender=CalendarDay)
@receiver(post_delete, sender=CalendarDay)
@receiver(post_save, sender=CalendarYear)
@receiver(post_delete, sender=CalendarYear)
def _entries_changed(**kwargs):
    # Now for this transaction's own reads, and after commit for everyone else's.
    invalidate()
    transaction.on_commit(invalidate)


def entered_years() -> frozenset[int]:
    return _table()["years"]


def is_year_entered(year: int) -> bool:
    return year in _table()["years"]


def missing_years(years=None, *, today: dt.date | None = None) -> list[int]:
    """The given years (default: this year and next) whose official schedule has not been entered."""
    if years is None:
        today = today or timezone.localdate()
        years = (today.year, today.year + 1)
    entered = entered_years()
    return sorted({y for y in years if y not in entered})


def missing_year_warning(*, today: dt.date | None = None) -> str | None:
    """A sentence for administrators' pages when this year or next is missing; None when all is entered."""
    missing = missing_years(today=today)
    if not missing:
        return None
    years = "、".join(str(y) for y in missing)
    return ngettext(
        "The official holiday schedule for %(years)s has not been entered: deadlines in that year "
        "count Monday to Friday only. Enter it on the Calendar page once the State Council publishes it.",
        "The official holiday schedules for %(years)s have not been entered: deadlines in those years "
        "count Monday to Friday only. Enter them on the Calendar page once the State Council publishes them.",
        len(missing),
    ) % {"years": years}


# --- days ------------------------------------------------------------------------------------------


def _note_missing(year: int, state: dict) -> None:
    if year not in state["years"] and year not in _warned_years:
        _warned_years.add(year)
        logger.warning("calendar year %s not entered: counting weekends only", year)


def is_working_day(day: dt.date) -> bool:
    """Official holidays are off, adjusted working days are on, otherwise Monday–Friday."""
    if isinstance(day, dt.datetime):
        day = _local(day).date()
    state = _table()
    kind = state["days"].get(day)
    if kind is None:
        _note_missing(day.year, state)
        return day.weekday() < 5
    return kind == WORKDAY


def day_kind(day: dt.date) -> str | None:
    """ "holiday", "workday" (adjusted) or None for an ordinary day."""
    return _table()["days"].get(day)


def _step_working_days(day: dt.date, n: int) -> dt.date:
    step = 1 if n > 0 else -1
    remaining = abs(n)
    for _i in range(_MAX_DAYS):
        if not remaining:
            return day
        day += dt.timedelta(days=step)
        if is_working_day(day):
            remaining -= 1
    raise ValueError("the calendar has no working day in twenty years")


def add_working_days(moment, n: int):
    """The same time of day on the n-th working day after (n < 0: before) the moment's date.

    Accepts a date (returns a date) or an aware datetime (returns one in the project's zone).
    Counting starts on the following day, so a case received on Saturday with 5 working days is
    due at the same hour on the following Friday (or later, across holidays).
    """
    if isinstance(moment, dt.datetime):
        local = _local(moment)
        day = _step_working_days(local.date(), n)
        return dt.datetime.combine(day, local.timetz())
    return _step_working_days(moment, n)


def working_days_between(a, b) -> int:
    """Working days d with a < d <= b (by date); when b is before a, minus those with b <= d < a.

    The inverse of add_working_days: working_days_between(x, add_working_days(x, n)) == n.
    """
    da = _local(a).date() if isinstance(a, dt.datetime) else a
    db = _local(b).date() if isinstance(b, dt.datetime) else b
    if db < da:
        return -sum(is_working_day(db + dt.timedelta(days=i)) for i in range((da - db).days))
    return sum(is_working_day(da + dt.timedelta(days=i)) for i in range(1, (db - da).days + 1))


# --- hours -----------------------------------------------------------------------------------------


def zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def _local(moment: dt.datetime) -> dt.datetime:
    if timezone.is_naive(moment):
        raise ValueError("calendar arithmetic needs an aware datetime")
    return moment.astimezone(zone())


def working_hours_setting() -> str:
    return getattr(settings, "GONGZHI_WORKING_HOURS", None) or os.environ.get(
        "GONGZHI_WORKING_HOURS", DEFAULT_WORKING_HOURS
    )


@lru_cache(maxsize=8)
def parse_working_hours(text: str) -> tuple[tuple[dt.time, dt.time], ...]:
    """ "09:00-12:00,13:00-17:00" → ((09:00, 12:00), (13:00, 17:00)); ascending and not overlapping."""
    spans = []
    for part in text.split(","):
        part = part.strip()
        if not part:
            continue
        try:
            start, end = (dt.time.fromisoformat(t.strip()) for t in part.split("-"))
        except ValueError:
            raise ValueError(f"GONGZHI_WORKING_HOURS: cannot read {part!r} (want HH:MM-HH:MM)") from None
        if start >= end:
            raise ValueError(f"GONGZHI_WORKING_HOURS: {part!r} ends before it starts")
        if spans and start < spans[-1][1]:
            raise ValueError(f"GONGZHI_WORKING_HOURS: {part!r} overlaps or precedes the span before it")
        spans.append((start, end))
    if not spans:
        raise ValueError("GONGZHI_WORKING_HOURS names no working hours")
    return tuple(spans)


def working_hours() -> tuple[tuple[dt.time, dt.time], ...]:
    return parse_working_hours(working_hours_setting())


def working_intervals(day: dt.date) -> list[tuple[dt.datetime, dt.datetime]]:
    """The aware (start, end) working spans of one day; empty on a day off."""
    if not is_working_day(day):
        return []
    tz = zone()
    return [(dt.datetime.combine(day, s, tz), dt.datetime.combine(day, e, tz)) for s, e in working_hours()]


def hours_per_day() -> dt.timedelta:
    return sum(
        (
            dt.datetime.combine(dt.date.min, e) - dt.datetime.combine(dt.date.min, s)
            for s, e in working_hours()
        ),
        dt.timedelta(),
    )


def _as_timedelta(hours) -> dt.timedelta:
    if isinstance(hours, dt.timedelta):
        return hours
    if isinstance(hours, Decimal):
        return dt.timedelta(seconds=int((hours * 3600).to_integral_value()))
    return dt.timedelta(hours=hours)


def add_working_hours(moment: dt.datetime, hours) -> dt.datetime:
    """The moment after `hours` (number, Decimal or timedelta) of working time from `moment`.

    Time outside working hours does not count: Friday 11:30 + 2 hours is Friday 14:30 with the
    default hours; Friday 16:30 + 2 hours is 10:30 on the next working day. A result that lands
    exactly at the end of a span stays there (12:00, not 13:00).
    """
    remaining = _as_timedelta(hours)
    if remaining < dt.timedelta():
        raise ValueError("add_working_hours counts forward only")
    local = _local(moment)
    if not remaining:
        return local
    day = local.date()
    for _i in range(_MAX_DAYS):
        for start, end in working_intervals(day):
            if end <= local:
                continue
            start = max(start, local)
            available = end - start
            if remaining <= available:
                return start + remaining
            remaining -= available
        day += dt.timedelta(days=1)
    raise ValueError("the calendar has no working time in twenty years")


def working_time_between(a: dt.datetime, b: dt.datetime) -> dt.timedelta:
    """Working time from a to b (negative when b is before a)."""
    if b < a:
        return -working_time_between(b, a)
    a, b = _local(a), _local(b)
    total = dt.timedelta()
    day = a.date()
    while day <= b.date():
        for start, end in working_intervals(day):
            lo, hi = max(start, a), min(end, b)
            if hi > lo:
                total += hi - lo
        day += dt.timedelta(days=1)
    return total


def end_of_working_day(day: dt.date) -> dt.datetime:
    """The end of the last working span of `day` (for deadlines "by the end of the n-th working day")."""
    return dt.datetime.combine(day, working_hours()[-1][1], zone())
