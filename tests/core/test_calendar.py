"""The working-day calendar: official holidays, adjusted working days, the missing-year fallback, hours."""

import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation
from freezegun import freeze_time
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gongzhi.core import calendar, calendar_actions
from gongzhi.core.models import AuditEvent, CalendarDay, CalendarYear

SH = ZoneInfo("Asia/Shanghai")


def at(*args):
    return dt.datetime(*args, tzinfo=SH)


@pytest.fixture(autouse=True)
def fresh_calendar_cache():
    # The per-process table outlives a test's rolled-back transaction: start and end clean.
    calendar.clear_cache()
    yield
    calendar.clear_cache()


@pytest.fixture
def seeded(db):
    call_command("seed_calendar", stdout=io.StringIO())
    return calendar


def test_fixture_matches_the_chinese_calendar_package():
    from chinese_calendar.constants import holidays, workdays

    years, days = calendar_actions.read_fixture()
    assert sorted(years) == list(range(2004, 2027))
    assert {d for d, kind, _ in days if kind == "holiday"} == set(holidays)
    assert {d for d, kind, _ in days if kind == "workday"} == set(workdays)


def test_seeding_twice_changes_nothing(seeded):
    count = CalendarDay.objects.count()
    assert calendar_actions.seed_calendar(actor=None) == []
    assert CalendarDay.objects.count() == count
    assert CalendarYear.objects.filter(source="chinese_calendar").count() == 23
    assert AuditEvent.objects.filter(verb="calendar.year_seeded").count() == 23


def test_national_day_2025_is_off_and_its_adjusted_weekend_days_are_on(seeded):
    for day in range(1, 9):
        assert not calendar.is_working_day(dt.date(2025, 10, day))
    assert CalendarDay.objects.get(date=dt.date(2025, 10, 1)).name == "国庆节"
    assert dt.date(2025, 9, 28).weekday() == 6 and calendar.is_working_day(dt.date(2025, 9, 28))
    assert dt.date(2025, 10, 11).weekday() == 5 and calendar.is_working_day(dt.date(2025, 10, 11))
    assert not calendar.is_working_day(dt.date(2025, 10, 12))  # an ordinary Sunday
    assert calendar.is_working_day(dt.date(2025, 10, 9))


def test_five_working_days_across_national_day(seeded):
    # Tue 30 Sep → Thu 9, Fri 10, Sat 11 (adjusted), Mon 13, Tue 14 October.
    assert calendar.add_working_days(at(2025, 9, 30, 10, 0), 5) == at(2025, 10, 14, 10, 0)
    # From Friday 26 Sep the adjusted Sunday 28 Sep counts first.
    assert calendar.add_working_days(dt.date(2025, 9, 26), 1) == dt.date(2025, 9, 28)


def test_five_working_days_across_spring_festival_2026(seeded):
    assert not any(calendar.is_working_day(dt.date(2026, 2, d)) for d in range(15, 24))
    assert calendar.is_working_day(dt.date(2026, 2, 14)) and calendar.is_working_day(dt.date(2026, 2, 28))
    # Fri 13 Feb → Sat 14 (adjusted), Tue 24, Wed 25, Thu 26, Fri 27.
    assert calendar.add_working_days(at(2026, 2, 13, 16, 0), 5) == at(2026, 2, 27, 16, 0)
    assert calendar.add_working_days(at(2026, 2, 27, 16, 0), -5) == at(2026, 2, 13, 16, 0)
    assert calendar.working_days_between(dt.date(2026, 2, 13), dt.date(2026, 2, 27)) == 5


def test_two_working_hours_from_half_past_eleven_on_a_friday_skip_lunch(seeded):
    assert calendar.add_working_hours(at(2025, 11, 14, 11, 30), 2) == at(2025, 11, 14, 14, 30)
    # Late on Friday the rest spills into Monday morning.
    assert calendar.add_working_hours(at(2025, 11, 14, 16, 30), 2) == at(2025, 11, 17, 10, 30)
    # Before National Day the next working hours are on 9 October.
    assert calendar.add_working_hours(at(2025, 9, 30, 16, 0), 3) == at(2025, 10, 9, 11, 0)
    # Ending exactly at noon stays at noon.
    assert calendar.add_working_hours(at(2025, 11, 14, 9, 0), 3) == at(2025, 11, 14, 12, 0)


def test_working_time_between_counts_working_hours_only(seeded):
    assert calendar.working_time_between(at(2025, 11, 14, 11, 30), at(2025, 11, 14, 14, 30)) == dt.timedelta(
        hours=2
    )
    assert calendar.working_time_between(at(2025, 11, 14, 16, 0), at(2025, 11, 17, 10, 0)) == dt.timedelta(
        hours=2
    )
    # 30 Sep 16:00 → 9 Oct 10:00: one hour before the holiday, one after.
    assert calendar.working_time_between(at(2025, 9, 30, 16, 0), at(2025, 10, 9, 10, 0)) == dt.timedelta(
        hours=2
    )
    assert calendar.working_time_between(at(2025, 10, 9, 10, 0), at(2025, 9, 30, 16, 0)) == -dt.timedelta(
        hours=2
    )


# The examples only read the seeded table, so sharing the function-scoped fixture is safe.
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    start=st.datetimes(min_value=dt.datetime(2025, 1, 1), max_value=dt.datetime(2026, 12, 31)),
    minutes=st.integers(min_value=0, max_value=60 * 7 * 30),
)
def test_adding_working_hours_and_measuring_them_agree(seeded, start, minutes):
    moment = start.replace(tzinfo=SH)
    later = calendar.add_working_hours(moment, dt.timedelta(minutes=minutes))
    assert calendar.working_time_between(moment, later) == dt.timedelta(minutes=minutes)


# The examples only read the seeded table, so sharing the function-scoped fixture is safe.
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(start=st.dates(min_value=dt.date(2025, 1, 1), max_value=dt.date(2026, 12, 31)), n=st.integers(-40, 40))
def test_working_days_between_inverts_add_working_days(seeded, start, n):
    assert calendar.working_days_between(start, calendar.add_working_days(start, n)) == n


def test_working_hours_come_from_the_setting(seeded, settings):
    settings.GONGZHI_WORKING_HOURS = "08:30-11:30,13:30-17:30"
    assert calendar.add_working_hours(at(2025, 11, 14, 11, 0), 1) == at(2025, 11, 14, 14, 0)
    assert calendar.hours_per_day() == dt.timedelta(hours=7)


@pytest.mark.parametrize("bad", ["9-12", "12:00-09:00", "09:00-12:00,11:00-13:00", ""])
def test_unreadable_working_hours_are_refused_with_a_message(bad):
    with pytest.raises(ValueError, match="GONGZHI_WORKING_HOURS"):
        calendar.parse_working_hours(bad)


@pytest.mark.parametrize("year", [2027, 2030])
def test_a_year_beyond_the_table_counts_weekends_only(seeded, year):
    assert not calendar.is_year_entered(year)
    oct1 = dt.date(year, 10, 1)
    assert calendar.is_working_day(oct1) == (oct1.weekday() < 5)
    friday = next(dt.date(year, 10, d) for d in range(1, 8) if dt.date(year, 10, d).weekday() == 4)
    assert calendar.add_working_days(friday, 1) == friday + dt.timedelta(days=3)


def test_the_warning_names_the_missing_year(seeded):
    with freeze_time("2026-11-26"):
        assert calendar.missing_years() == [2027]
        assert "2027" in calendar.missing_year_warning()
        with translation.override("en"):
            assert "not been entered" in calendar.missing_year_warning()
    with freeze_time("2025-06-01"):
        assert calendar.missing_year_warning() is None


def test_without_any_table_the_calendar_still_answers(db):
    assert calendar.add_working_days(dt.date(2025, 9, 30), 1) == dt.date(2025, 10, 1)
    assert calendar.missing_years([2025]) == [2025]


# --- administration --------------------------------------------------------------------------------


def test_city_admin_enters_next_year_and_the_warning_goes_away(seeded, city_admin):
    day = calendar_actions.save_calendar_day(
        actor=city_admin, date=dt.date(2027, 10, 1), kind="holiday", name="国庆节"
    )
    assert not calendar.is_working_day(dt.date(2027, 10, 1))
    event = AuditEvent.objects.get(verb="calendar.day_saved")
    assert event.object_id == str(day.pk) and event.actor == city_admin and event.area_path
    calendar_actions.mark_year_entered(actor=city_admin, year=2027)
    with freeze_time("2026-11-26"):
        assert calendar.missing_year_warning() is None
    calendar_actions.delete_calendar_day(actor=city_admin, day=day)
    assert calendar.is_working_day(dt.date(2027, 10, 1))
    assert AuditEvent.objects.filter(verb="calendar.day_deleted").count() == 1


def test_a_holiday_on_an_adjusted_working_day_is_refused_and_nothing_is_written(seeded, city_admin):
    before = (CalendarDay.objects.count(), AuditEvent.objects.count())
    with pytest.raises(ValidationError) as exc, translation.override("en"):
        calendar_actions.save_calendar_day(actor=city_admin, date=dt.date(2025, 10, 11), kind="holiday")
    assert "both a holiday and an adjusted working day" in exc.value.message_dict["date"][0]
    assert (CalendarDay.objects.count(), AuditEvent.objects.count()) == before
    assert CalendarDay.objects.get(date=dt.date(2025, 10, 11)).kind == "workday"


def test_an_adjusted_working_day_on_a_weekday_is_refused(city_admin):
    with pytest.raises(ValidationError) as exc, translation.override("en"):
        calendar_actions.save_calendar_day(actor=city_admin, date=dt.date(2027, 10, 6), kind="workday")
    assert "Saturday or Sunday" in exc.value.message_dict["date"][0]


def test_a_year_without_holidays_cannot_be_marked_entered(city_admin):
    with pytest.raises(ValidationError) as exc:
        calendar_actions.mark_year_entered(actor=city_admin, year=2028)
    assert "year" in exc.value.message_dict


@pytest.mark.parametrize("fixture", ["district_admin", "street_admin", "committee_worker", "resident"])
def test_only_city_admins_edit_the_calendar(request, fixture):
    user = request.getfixturevalue(fixture)
    with pytest.raises(PermissionDenied):
        calendar_actions.save_calendar_day(actor=user, date=dt.date(2027, 10, 1), kind="holiday")
    with pytest.raises(PermissionDenied):
        calendar_actions.mark_year_entered(actor=user, year=2027)
    assert not CalendarDay.objects.exists()


def test_calendar_page_lists_the_year_and_warns_about_a_missing_year(seeded, client_for, city_admin):
    this_year = timezone.localdate().year  # the page is not frozen in time: make this year the missing one
    CalendarYear.objects.filter(year=this_year).delete()
    response = client_for(city_admin).get(reverse("core:calendar") + "?year=2026")
    html = response.content.decode()
    assert response.status_code == 200
    assert "2026-02-16" in html and "春节" in html
    assert 'id="calendar-warning"' in html and str(this_year) in html


def test_calendar_page_shows_the_overlap_message_next_to_the_date(seeded, client_for, city_admin):
    response = client_for(city_admin).post(
        reverse("core:calendar"), {"date": "2025-10-11", "kind": "holiday", "name": "国庆节"}
    )
    assert response.status_code == 422
    assert 'id="id_date-errors"' in response.content.decode()
    assert CalendarDay.objects.get(date=dt.date(2025, 10, 11)).kind == "workday"


def test_calendar_page_adds_and_removes_a_day(client_for, city_admin):
    client = client_for(city_admin)
    response = client.post(
        reverse("core:calendar"), {"date": "2027-10-01", "kind": "holiday", "name": "国庆节"}
    )
    assert response.status_code == 302
    day = CalendarDay.objects.get(date=dt.date(2027, 10, 1))
    assert client.post(reverse("core:calendar_mark_year"), {"year": "2027"}).status_code == 302
    assert CalendarYear.objects.filter(year=2027, source="admin").exists()
    assert client.post(reverse("core:calendar_delete", args=[day.pk])).status_code == 302
    assert not CalendarDay.objects.exists()


def test_calendar_page_and_menu_entry_are_for_city_admins_only(client_for, street_admin, city_admin):
    assert client_for(street_admin).get(reverse("core:calendar")).status_code == 403
    assert reverse("core:calendar") not in client_for(street_admin).get("/").content.decode()
    assert reverse("core:calendar") in client_for(city_admin).get("/").content.decode()


@pytest.mark.django_db
def test_a_deadline_walk_asks_the_shared_cache_once_and_sees_another_process_change_later(
    seeded, monkeypatch
):
    from django.core.cache import cache

    monday = dt.date(2025, 10, 13)
    assert calendar.is_working_day(monday)  # loads the table
    asked = []
    real_get = cache.get
    monkeypatch.setattr(cache, "get", lambda key, *a, **kw: asked.append(key) or real_get(key, *a, **kw))
    calendar.add_working_days(dt.date(2025, 9, 29), 15)
    assert asked == []  # within the re-check interval: no round trip per day walked
    # Another process makes that Monday a holiday: its row (no signal here) and the shared token.
    CalendarDay.objects.bulk_create([CalendarDay(date=monday, kind=CalendarDay.Kind.HOLIDAY, name="测试")])
    cache.set(calendar._VERSION_KEY, "changed elsewhere", timeout=None)
    assert calendar.is_working_day(monday)  # this process trusts its copy for a moment
    calendar._state["checked"] -= calendar._RECHECK_SECONDS + 1  # the moment passes
    assert not calendar.is_working_day(monday)
    assert asked
