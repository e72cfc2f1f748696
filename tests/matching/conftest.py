"""Fixtures for matching: a stationed unit with its liaison, a social organization with its staff."""

import datetime as dt

import pytest
from django.utils import timezone

import gongzhi.urls  # noqa: E402, F401 - build the API schemas before any test freezes time
from gongzhi.accounts.roles import Role, ScopeKind
from gongzhi.matching import actions
from gongzhi.orgs.models import SocialOrganization, StationedUnit
from tests.conftest import make_user

TZ = timezone.get_current_timezone()


def at(day, hour=9):
    """An aware moment in December 2026 (the tests freeze time at 2026-12-01)."""
    return dt.datetime(2026, 12, day, hour, tzinfo=TZ)


@pytest.fixture
def unit(tree):
    u = StationedUnit(name="方松社区卫生服务中心", kind="hospital")
    u.set_area(tree["fangsong"])
    u.save()
    return u


@pytest.fixture
def other_unit(tree):
    u = StationedUnit(name="马陆镇某公司", kind="company")
    u.set_area(tree["malu"])
    u.save()
    return u


@pytest.fixture
def organization(tree):
    o = SocialOrganization(
        name="上海乐群社工服务社",
        org_type="non_enterprise_unit",
        subtype="civil_affairs",
        uscc="52310117MJ0000001X",
        registered_on=dt.date(2003, 2, 18),
    )
    o.set_area(tree["fangsong"])
    o.save()
    return o


@pytest.fixture
def liaison(unit):
    return make_user("unit_liaison", Role.UNIT_LIAISON, unit, ScopeKind.STATIONED_UNIT)


@pytest.fixture
def org_staff(organization):
    return make_user("org_staff", Role.ORG_STAFF, organization, ScopeKind.SOCIAL_ORGANIZATION)


@pytest.fixture
def venue(tree, unit):
    return actions.publish_resource(
        actor=None,
        publisher_kind="unit",
        publisher_id=unit.pk,
        area=tree["fangsong"],
        kind="venue",
        title="多功能厅",
        capacity=2,
        unit="场",
        available_from=at(5, 8),
        available_until=at(20, 20),
    )


@pytest.fixture
def need(tree):
    return actions.publish_need(
        actor=None,
        area=tree["committee"],
        kind="venue",
        title="老年人健康讲座场地",
        wanted_from=at(10, 14),
        wanted_until=at(10, 16),
        people_count=60,
        quantity=1,
    )
