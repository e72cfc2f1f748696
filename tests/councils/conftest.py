"""Councils fixtures: a street council with a clerk, a chair, full-time and part-time members, and meetings."""

import datetime as dt

import pytest
from django.utils import timezone

from gongzhi.councils import actions
from gongzhi.councils.models import AgendaItem, Council, Meeting, Seat
from tests.conftest import make_user


@pytest.fixture
def people(tree):
    return {
        name: make_user(name)
        for name in ("clerk", "chair", "full_timer", "part_timer", "invited_resident", "stranger")
    }


@pytest.fixture
def council(tree, people):
    council = actions.create_council(
        actor=None,
        area=tree["fangsong"],
        kind=Council.Kind.PARTY_WORKING_COMMITTEE,
        name="方松街道社区党工委",
        clerk=people["clerk"],
        quorum_numerator=1,
        quorum_denominator=2,
    )
    start = dt.date(2024, 1, 1)
    for user, position, tenure in [
        (people["chair"], Seat.Position.CHAIR, Seat.Tenure.FULL_TIME),
        (people["full_timer"], Seat.Position.MEMBER, Seat.Tenure.FULL_TIME),
        (people["part_timer"], Seat.Position.MEMBER, Seat.Tenure.PART_TIME),
    ]:
        actions.add_seat(
            actor=None,
            council=council,
            holder_user=user,
            position=position,
            tenure=tenure,
            represents=Seat.Represents.PARTY_ORGANIZATION,
            term_start=start,
        )
    return council


def at(days=1, hour=14):
    base = timezone.localtime().replace(hour=hour, minute=0, second=0, microsecond=0)
    return base + dt.timedelta(days=days)


@pytest.fixture
def meeting(council, people):
    """A scheduled meeting tomorrow with a public item and a personnel item for full-time members."""
    m = actions.create_meeting(
        actor=None,
        council=council,
        kind=Meeting.Kind.ORDINARY,
        title="党工委例会",
        starts_at=at(1),
        ends_at=at(1, 16),
        place="方松街道会议室",
        capacity=2,
        registration_open=True,
    )
    actions.add_agenda_item(actor=None, meeting=m, title="社区发展规划")
    actions.add_agenda_item(
        actor=None,
        meeting=m,
        title="干部任免：张三",
        audience=AgendaItem.Audience.FULL_TIME_MEMBERS,
        category=AgendaItem.Category.PERSONNEL,
    )
    actions.invite(actor=None, meeting=m, user=people["invited_resident"], party_label="居民代表")
    return actions.schedule_meeting(actor=None, meeting=m)


@pytest.fixture
def items(meeting):
    public, secret = meeting.items.order_by("order")
    return public, secret
