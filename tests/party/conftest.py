"""A small party scenario on the shared `tree`: the working committee with its 1+3, a residential-area
committee for 江中, a unit's party organization, members, and a secretary for each organization."""

import pytest

from gongzhi.accounts.roles import Role, ScopeKind
from gongzhi.orgs.models import StationedUnit
from gongzhi.party import actions
from gongzhi.party.models import PartyOrganization
from gongzhi.people.models import Person
from tests.conftest import make_user

K = PartyOrganization.Kind


def person(name, area, user=None):
    p = Person(name=name, user=user)
    p.set_area(area)
    p.save()
    return p


@pytest.fixture
def party(tree):
    fangsong, committee = tree["fangsong"], tree["committee"]
    working = actions.create_organization(
        actor=None, name="方松街道社区党工委", kind=K.WORKING_COMMITTEE, area=fangsong
    )
    comprehensive = actions.create_organization(
        actor=None, name="方松街道社区综合党委", kind=K.COMPREHENSIVE_COMMITTEE, area=fangsong, parent=working
    )
    admin_group = actions.create_organization(
        actor=None, name="方松街道行政党组", kind=K.ADMINISTRATIVE_GROUP, area=fangsong, parent=working
    )
    residential = actions.create_organization(
        actor=None, name="江中居民区党委", kind=K.RESIDENTIAL_COMMITTEE, area=committee, parent=working
    )
    other_residential = actions.create_organization(
        actor=None,
        name="江秀居民区党支部",
        kind=K.RESIDENTIAL_BRANCH,
        area=tree["other_committee"],
        parent=working,
    )
    hospital = _unit(fangsong)
    unit_org = actions.create_organization(
        actor=None,
        name="松江区某某医院党委",
        kind=K.UNIT,
        area=fangsong,
        parent=comprehensive,
        stationed_unit=hospital,
    )
    secretary = make_user("jz_secretary", Role.PARTY_SECRETARY, residential, ScopeKind.PARTY_ORGANIZATION)
    working_secretary = make_user("gw_secretary", Role.PARTY_SECRETARY, working, ScopeKind.PARTY_ORGANIZATION)
    workplace_secretary = make_user(
        "hospital_secretary", Role.PARTY_SECRETARY, unit_org, ScopeKind.PARTY_ORGANIZATION
    )
    other_secretary = make_user(
        "jx_secretary", Role.PARTY_SECRETARY, other_residential, ScopeKind.PARTY_ORGANIZATION
    )
    member_user = make_user("zhang_member", Role.PARTY_MEMBER, unit_org, ScopeKind.PARTY_ORGANIZATION)
    member = actions.register_member(
        actor=None,
        person=person("张伟", tree["compound"], member_user),
        organization=unit_org,
        status="in_service",
        home_area=tree["compound"],
        workplace_organization=unit_org,
        skills="急救",
    )
    return {
        "working": working,
        "comprehensive": comprehensive,
        "admin_group": admin_group,
        "residential": residential,
        "other_residential": other_residential,
        "unit_org": unit_org,
        "hospital": hospital,
        "secretary": secretary,
        "working_secretary": working_secretary,
        "workplace_secretary": workplace_secretary,
        "other_secretary": other_secretary,
        "member_user": member_user,
        "member": member,
    }


def _unit(area):

    fields = {f.name for f in StationedUnit._meta.get_fields()}
    kwargs = {"name": "松江区某某医院"}
    if "kind" in fields:
        kwargs["kind"] = StationedUnit.Kind.values[0]
    unit = StationedUnit(**kwargs)
    unit.set_area(area)
    unit.save()
    return unit


def add_member(tree, party, name, *, status="in_service", area=None, user=None):
    return actions.register_member(
        actor=None,
        person=person(name, area or tree["compound"], user),
        organization=party["unit_org"],
        status=status,
        home_area=area or tree["compound"],
        workplace_organization=party["unit_org"],
    )


@pytest.fixture(autouse=True)
def _english():
    """Messages are asserted in English; the catalog may already translate them (pages pick their own)."""
    from django.utils import translation

    with translation.override("en"):
        yield
