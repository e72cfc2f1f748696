"""The base demo: real Shanghai divisions, Malu and Fangsong in detail, one login per role, idempotent."""

import pytest
from django.core.management import CommandError, call_command

from gongzhi.accounts.models import Department, RoleAssignment, User
from gongzhi.accounts.roles import Role
from gongzhi.areas.models import Area, AreaFacts, AreaKind
from gongzhi.demo import base
from gongzhi.demo.management.commands import demo as demo_command

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded(django_db_blocker):
    call_command("demo", "--quiet-logins")


def counts():
    return (
        Area.objects.count(),
        User.objects.count(),
        RoleAssignment.objects.count(),
        Department.objects.count(),
        AreaFacts.objects.count(),
    )


def test_demo_loads_shanghai_and_its_sixteen_districts(loaded):
    city = Area.objects.get(gb2260="310000")
    assert city.name == "上海市"
    assert city.children.filter(kind=AreaKind.DISTRICT).count() == 16


def test_malu_town_has_communities_villages_and_28_committees_of_which_12_in_preparation(loaded):
    malu = Area.objects.get(stat_code=base.MALU)
    assert malu.name == "马陆镇" and malu.kind == AreaKind.TOWN
    subtree = Area.objects.subtree(malu)
    committees = subtree.filter(kind=AreaKind.RESIDENTS_COMMITTEE)
    assert committees.count() == 28
    assert committees.filter(in_preparation=True).count() == 12
    assert malu.children.filter(kind=AreaKind.VILLAGE_COMMITTEE).count() == 12
    assert malu.children.filter(kind=AreaKind.COMMUNITY).count() == len(base.MALU_COMMUNITIES)
    # every residents' committee sits under a town-managed community (镇管社区)
    assert set(committees.values_list("parent__kind", flat=True)) == {AreaKind.COMMUNITY}
    assert subtree.filter(kind=AreaKind.COMPOUND).exists() and subtree.filter(kind=AreaKind.GRID).exists()


def test_malu_facts_match_the_case_study(loaded):
    facts = AreaFacts.objects.get(area__stat_code=base.MALU, year=2016)
    assert (facts.resident_population, facts.registered_population, facts.nonlocal_population) == (
        180_000,
        50_000,
        130_000,
    )
    assert str(facts.land_km2) == "62.51"
    community_facts = AreaFacts.objects.filter(area__kind=AreaKind.COMMUNITY, year=2016)
    for f in community_facts:
        assert 3 <= f.land_km2 <= 4 and 13 <= f.staff_count <= 17 and f.budget_yuan == 10_000_000


def test_fangsong_street_uses_its_real_code_and_committees(loaded):
    fangsong = Area.objects.get(stat_code=base.FANGSONG)
    assert fangsong.name == "方松街道"
    assert fangsong.children.count() > 10
    assert all(c.stat_code.startswith("310117003") for c in fangsong.children.all())


def test_every_role_has_a_demo_login_and_area_roles_have_a_scope(loaded):
    for role, username, _name, kind, _scope in base.demo_users(
        base.load_areas(), {d.name: d for d in Department.objects.all()}
    ):
        user = User.objects.get(username=username)
        assert user.check_password(base.DEMO_PASSWORD)
        if kind is not None:
            assert RoleAssignment.objects.active().filter(user=user, role=role).exists()
    assert {
        r for r, *_ in base.demo_users(base.load_areas(), {d.name: d for d in Department.objects.all()})
    } == set(Role)


def test_loading_the_demo_twice_changes_nothing(loaded):
    before = counts()
    call_command("demo", "--quiet-logins")
    assert counts() == before


def test_demo_prints_the_logins_block(capsys, db):
    call_command("demo")
    out = capsys.readouterr().out
    lines = out.splitlines()
    start = lines.index("演示账号 / Demo logins")
    first = lines[start + 1].split()
    assert first == ["street_admin", "fangsong_admin", base.DEMO_PASSWORD]
    printed = [line.split()[1] for line in lines[start + 1 :] if line.strip()]
    assert set(User.objects.filter(username__in=printed).values_list("username", flat=True)) == set(printed)
    assert len(printed) >= len(Role)


def test_a_named_dataset_refuses_a_database_that_is_not_empty(loaded, monkeypatch):
    monkeypatch.setitem(demo_command.DATASETS, "tiny", lambda: None)
    with pytest.raises(CommandError, match="--wipe"):
        call_command("demo", "--dataset", "tiny")


def test_an_unknown_dataset_is_named_in_the_error(db):
    with pytest.raises(CommandError, match="unknown data set 'nope'"):
        call_command("demo", "--dataset", "nope")
