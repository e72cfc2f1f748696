"""Orgs fixtures: valid USCCs, an organization in Fangsong with its staff, one in Malu, a unit and its liaison."""

import datetime as dt
import itertools

import pytest
from stdnum.cn import uscc as stdnum_uscc

from gongzhi.accounts.roles import Role, ScopeKind
from gongzhi.orgs import actions
from tests.conftest import make_user

_serial = itertools.count(1)


def make_uscc(prefix: str = "51", serial: int | None = None) -> str:
    """A valid 18-character USCC with the given authority/kind prefix (check digit from stdnum)."""
    number = next(_serial) if serial is None else serial
    body = f"{prefix}310117MJ{number:07d}"[:17]
    return body + stdnum_uscc.calc_check_digit(body)


@pytest.fixture
def uscc():
    return make_uscc


def register(
    area, *, org_type="social_group", subtype="professional", name=None, registered_on=None, **extra
):
    prefix = {"social_group": "51", "non_enterprise_unit": "52", "foundation": "53"}[org_type]
    return actions.register_organization(
        actor=None,
        area=area,
        uscc=extra.pop("uscc", None) or make_uscc(prefix),
        org_type=org_type,
        subtype=subtype,
        name=name or f"测试组织{next(_serial)}",
        registered_on=registered_on or dt.date(2015, 3, 1),
        **extra,
    )


@pytest.fixture
def org(tree):
    return register(
        tree["fangsong"], name="上海乐群社工服务社", org_type="non_enterprise_unit", subtype="civil_affairs"
    )


@pytest.fixture
def malu_org(tree):
    return register(tree["malu"], name="马陆镇睦邻互助会")


@pytest.fixture
def org_staff(org):
    return make_user("lequn_staff", Role.ORG_STAFF, org, ScopeKind.SOCIAL_ORGANIZATION)


@pytest.fixture
def unit(tree):
    return actions.create_unit(actor=None, area=tree["fangsong"], name="松江区中心医院", kind="hospital")


@pytest.fixture
def unit_liaison(unit):
    return make_user("hospital_liaison", Role.UNIT_LIAISON, unit, ScopeKind.STATIONED_UNIT)


@pytest.fixture
def team(tree):
    return actions.file_team(
        actor=None,
        area=tree["committee"],
        name="江中舞蹈队",
        activity_kind="广场舞",
        leader_name="王阿姨",
        leader_phone="13812345678",
        members_count=25,
        filed_on=dt.date(2020, 5, 1),
    )


@pytest.fixture
def inspection(org, tree):
    actions.open_inspection_year(actor=None, area=tree["songjiang"], year=2024, due_on=dt.date(2025, 5, 31))
    return org.inspections.get(year=2024)


GOOD_STAFF = {
    "staff_total": 10,
    "full_time": 7,
    "part_time": 3,
    "contract_labour": 6,
    "contract_rehired_retiree": 2,
    "contract_enterprise_employee": 0,
    "contract_other_unit_part_time": 1,
    "contract_civil_servant": 0,
    "contract_other": 1,
    "age_35_or_under": 4,
    "age_36_to_50": 3,
    "age_51_to_60": 2,
    "age_over_60": 1,
    "edu_high_school_or_below": 2,
    "edu_college_or_bachelor": 7,
    "edu_master_or_above": 1,
    "returned_from_abroad": 0,
    "social_worker_certified": 3,
    "other_certified": 1,
}
