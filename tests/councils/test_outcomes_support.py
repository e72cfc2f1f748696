"""Helpers (no tests) for Councils B's tests: councils with N voting seats, meetings, check-in, dwellings."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import include, path
from django.utils import timezone, translation

from gongzhi.councils import actions
from gongzhi.councils.models import AgendaItem, Council, Meeting, Seat
from gongzhi.people.models import Dwelling
from tests.conftest import make_user

START = dt.date(2024, 1, 1)


def make_council(
    area, n, *, prefix="m", kind=Council.Kind.JOINT_MEETING, areas=None, proxies=False, **fields
):
    """A council with n voting seats held by users prefix0..prefix{n-1}; returns (council, users, seats)."""
    council = actions.create_council(
        actor=None, area=area, kind=kind, name=f"{prefix} council", proxies_allowed=proxies, **fields
    )
    users, seats = [], []
    for i in range(n):
        user = make_user(f"{prefix}{i}")
        extra = {}
        if areas is not None:
            extra["dwelling"] = Dwelling.objects.create(
                area=area,
                area_path=area.path,
                building="1",
                room=f"{100 + i}",
                floor_area_m2=Decimal(areas[i]),
            )
            extra["represents"] = Seat.Represents.OWNERS
        seat = actions.add_seat(
            actor=None,
            council=council,
            holder_user=user,
            tenure=Seat.Tenure.PART_TIME,
            represents=extra.pop("represents", Seat.Represents.RESIDENTS),
            term_start=START,
            **extra,
        )
        users.append(user)
        seats.append(seat)
    return council, users, seats


def at(hours=1):
    return timezone.now() + dt.timedelta(hours=hours)


def make_meeting(
    council,
    *,
    title="议事会",
    audience=AgendaItem.Audience.EVERYONE,
    kind=Meeting.Kind.ORDINARY,
    starts=None,
    named=(),
):
    starts = starts or at(1)
    meeting = actions.create_meeting(
        actor=None,
        council=council,
        kind=kind,
        title=title,
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=2),
    )
    item = actions.add_agenda_item(
        actor=None, meeting=meeting, title=f"{title} 议题", audience=audience, named_users=list(named)
    )
    meeting = actions.schedule_meeting(actor=None, meeting=meeting, invite_seats=False)
    return meeting, item


def check_in(meeting, seats):
    for seat in seats:
        actions.check_in(actor=None, meeting=meeting, seat=seat)


@pytest.fixture(autouse=True)
def english():
    """Messages are asserted in English (the catalog translates them for users)."""
    with translation.override("en"):
        yield


# A URLconf with only Councils B's pages, for tests that must not import the whole site (pytest.mark.urls).
urlpatterns = [path("councils/", include("gongzhi.councils.urls_outcomes"))]
