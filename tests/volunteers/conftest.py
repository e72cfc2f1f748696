"""Volunteer fixtures: persons linked to the named users, a registered volunteer, a team, an activity."""

import datetime as dt

import pytest
from django.utils import timezone

from gongzhi.people.models import Person
from gongzhi.volunteers import actions


def valid_id(n: int) -> str:
    from gongzhi.demo.people import synthetic_id_number

    return synthetic_id_number("310117", dt.date(1960 + n % 40, 1 + n % 12, 1 + n % 28), n, n % 2 == 1)


@pytest.fixture
def make_person(tree):
    counter = {"n": 0}

    def _make(name="张三", area=None, user=None):
        counter["n"] += 1
        person = Person(name=name, id_number=valid_id(counter["n"]), user=user)
        person.set_area(area or tree["grid"])
        person.save()
        return person

    return _make


@pytest.fixture
def make_volunteer(make_person):
    def _make(name="志愿者", area=None, user=None, **kw):
        person = make_person(name, area, user)
        return actions.register_volunteer(actor=None, person=person, **kw)

    return _make


@pytest.fixture
def own_volunteer(volunteer, make_volunteer):
    """The `volunteer` user's own volunteer record (their person is linked to the account)."""
    return make_volunteer("李志愿", user=volunteer, skills=["理发"])


@pytest.fixture
def resident_person(resident, make_person):
    return make_person("王居民", user=resident)


@pytest.fixture
def team(tree):
    return actions.create_team(
        actor=None, area=tree["committee"], name="江中志愿服务队", service_fields=["助老"]
    )


@pytest.fixture
def activity(tree, team):
    start = timezone.now() + dt.timedelta(days=1)
    return actions.create_activity(
        actor=None,
        team=team,
        title="敬老院探访",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=3),
        place="江中敬老院",
        capacity=2,
        publish=True,
    )
