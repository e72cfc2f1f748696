"""The working-day calendar for millions of deadlines: `core.calendar`'s rules over a precomputed window.

`core.calendar` reads its table through Django's cache on every day it looks at, which is right
for a request and too slow for two million cases. This takes the working days of the generator's
window once from `core.calendar.is_working_day` and answers `add_working_days`,
`add_working_hours` and `working_days_between` with the same results (a test compares them).
"""

import bisect
import datetime as dt
from contextlib import contextmanager

from gongzhi.core import calendar


class FastCalendar:
    def __init__(self, first: dt.date, last: dt.date):
        self.first, self.last = first, last
        self.tz = calendar.zone()
        self.working: set[int] = set()
        day = first
        while day <= last:
            if calendar.is_working_day(day):
                self.working.add(day.toordinal())
            day += dt.timedelta(days=1)
        self.ordinals = sorted(self.working)
        self.spans = calendar.working_hours()

    def _check(self, day: dt.date) -> None:
        if not self.first <= day <= self.last:
            raise ValueError(f"{day} is outside the calendar window {self.first}..{self.last}")

    def local(self, moment: dt.datetime) -> dt.datetime:
        return moment.astimezone(self.tz)

    def add_working_days(self, moment: dt.datetime, n: int) -> dt.datetime:
        """The same time of day on the n-th working day after the moment's date (n ≥ 1)."""
        local = self.local(moment)
        day = local.date()
        self._check(day)
        i = bisect.bisect_right(self.ordinals, day.toordinal()) + n - 1
        if i >= len(self.ordinals):
            raise ValueError("deadline after the calendar window")
        return dt.datetime.combine(dt.date.fromordinal(self.ordinals[i]), local.timetz())

    def covers(self, *moments: dt.datetime) -> bool:
        return all(self.first <= self.local(m).date() <= self.last for m in moments)

    def working_days_between(self, a: dt.datetime, b: dt.datetime) -> int:
        """Working days d with a < d <= b (by date); when b is before a, minus those with b <= d < a."""
        da, db = self.local(a).date().toordinal(), self.local(b).date().toordinal()
        if db < da:
            return bisect.bisect_left(self.ordinals, db) - bisect.bisect_left(self.ordinals, da)
        return bisect.bisect_right(self.ordinals, db) - bisect.bisect_right(self.ordinals, da)

    def add_working_hours(self, moment: dt.datetime, hours: float) -> dt.datetime:
        """`core.calendar.add_working_hours`: time outside the working spans does not count."""
        remaining = dt.timedelta(hours=hours)
        local = self.local(moment)
        if not remaining:
            return local
        day = local.date()
        for _i in range(60):
            if day.toordinal() in self.working:
                for s, e in self.spans:
                    start = dt.datetime.combine(day, s, self.tz)
                    end = dt.datetime.combine(day, e, self.tz)
                    if end <= local:
                        continue
                    start = max(start, local)
                    available = end - start
                    if remaining <= available:
                        return start + remaining
                    remaining -= available
            day += dt.timedelta(days=1)
        raise ValueError("no working time within sixty days")

    def next_working_moment(self, moment: dt.datetime) -> dt.datetime:
        """The moment itself when inside working hours, else the start of the next working span."""
        return self.add_working_hours(moment, 0.0001) - dt.timedelta(hours=0.0001)


@contextmanager
def pinned(cal: FastCalendar):
    """Hold `core.calendar` still for the whole load: its table read once, and working days counted
    by `cal` (tested to agree) instead of day by day through Django's cache.

    The KPI walk (`cases.kpis.facts`) counts working days with `core.calendar`; the generator seeded
    the table first and changes no calendar row, so the per-call freshness check is pure overhead
    here. Both are restored on exit.
    """
    state = calendar._table()
    table, between = calendar._table, calendar.working_days_between

    def working_days_between(a, b):
        if isinstance(a, dt.datetime) and isinstance(b, dt.datetime) and cal.covers(a, b):
            return cal.working_days_between(a, b)
        return between(a, b)

    calendar._table, calendar.working_days_between = (lambda: state), working_days_between
    try:
        yield
    finally:
        calendar._table, calendar.working_days_between = table, between
