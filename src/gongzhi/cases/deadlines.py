"""Deadlines on the working-day calendar, computed once when a case is dispatched and then stored.

Accept within N working hours (counted in office hours), resolve within N working days (the same
time of day on the N-th working day after dispatch; urgent cases use the category's shorter limit).
Extensions add working days to the stored deadline; nothing here is computed per row at read time.
"""

from gongzhi.core import calendar


def accept_due(moment, category):
    return calendar.add_working_hours(moment, category.accept_within_hours)


def resolve_days(category, urgent: bool) -> int:
    return category.urgent_resolve_within_days if urgent else category.resolve_within_days


def resolve_due(moment, category, urgent: bool):
    return calendar.add_working_days(moment, resolve_days(category, urgent))


def support_due(moment, days: int):
    return calendar.add_working_days(moment, days)


def extended(due_at, extra_days: int):
    return calendar.add_working_days(due_at, extra_days)


def working_days_used(start, end) -> int:
    return calendar.working_days_between(start, end)
