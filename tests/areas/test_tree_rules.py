"""The area tree's rules: allowed parents, code prefixes, dates, paths and ancestor ids."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from gongzhi.areas import actions
from gongzhi.areas.actions import _code_prefix, build_area, create_area, update_area, validate_area
from gongzhi.areas.models import ALLOWED_PARENTS, Area, AreaKind
from gongzhi.core.models import AuditEvent

K = AreaKind
ALL_KINDS = [None, *AreaKind.values]


def _areas_by_kind(tree):
    return {
        None: None,
        K.CITY: tree["city"],
        K.DISTRICT: tree["songjiang"],
        K.STREET: tree["fangsong"],
        K.TOWN: tree["malu"],
        K.COMMUNITY: tree["community"],
        K.RESIDENTS_COMMITTEE: tree["committee"],
        K.VILLAGE_COMMITTEE: None,  # filled in the test (the fixture has none)
        K.COMPOUND: tree["compound"],
        K.GRID: tree["grid"],
    }


EXPECTED_PARENTS = {
    K.CITY: {None},
    K.DISTRICT: {K.CITY},
    K.STREET: {K.DISTRICT},
    K.TOWN: {K.DISTRICT},
    K.COMMUNITY: {K.TOWN},
    K.RESIDENTS_COMMITTEE: {K.STREET, K.TOWN, K.COMMUNITY},
    K.VILLAGE_COMMITTEE: {K.STREET, K.TOWN, K.COMMUNITY},
    K.COMPOUND: {K.RESIDENTS_COMMITTEE, K.VILLAGE_COMMITTEE},
    K.GRID: {K.RESIDENTS_COMMITTEE, K.VILLAGE_COMMITTEE, K.COMPOUND},
}


def test_allowed_parents_table_is_the_documented_one():
    assert {k: set(v) for k, v in ALLOWED_PARENTS.items()} == EXPECTED_PARENTS


@pytest.mark.parametrize("kind", AreaKind.values)
@pytest.mark.parametrize("parent_kind", ALL_KINDS)
def test_every_kind_parent_pair_is_allowed_exactly_as_the_table_says(tree, kind, parent_kind):
    by_kind = _areas_by_kind(tree)
    by_kind[K.VILLAGE_COMMITTEE] = build_area(
        name="村", kind=K.VILLAGE_COMMITTEE, parent=tree["malu"], stat_code="310114106201"
    )
    by_kind[K.VILLAGE_COMMITTEE].save()
    parent = by_kind[parent_kind]
    allowed = parent_kind in EXPECTED_PARENTS[kind]
    if allowed:
        validate_area(kind=kind, parent=parent)
    else:
        with pytest.raises(ValidationError) as exc:
            validate_area(kind=kind, parent=parent)
        assert "parent" in exc.value.message_dict


def test_a_grid_under_a_street_is_refused_with_a_clear_message_and_nothing_written(street_admin, tree):
    before = (Area.objects.count(), AuditEvent.objects.count())
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        create_area(actor=street_admin, name="网格", kind="grid", parent=tree["fangsong"])
    assert exc.value.message_dict["parent"] == ["A grid cell cannot be placed under a street."]
    assert (Area.objects.count(), AuditEvent.objects.count()) == before


def test_a_code_that_does_not_extend_its_parents_is_refused_and_nothing_written(street_admin, tree):
    before = (Area.objects.count(), AuditEvent.objects.count())
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        create_area(
            actor=street_admin,
            name="居委会",
            kind="residents_committee",
            parent=tree["fangsong"],
            stat_code="310114106009",
        )
    assert exc.value.message_dict["stat_code"] == [
        "The code 310114106009 does not extend the parent's code 310117003."
    ]
    assert (Area.objects.count(), AuditEvent.objects.count()) == before


@pytest.mark.parametrize(
    ("parent_key", "expected"),
    [
        ("city", "31"),
        ("songjiang", "310117"),
        ("fangsong", "310117003"),
        ("malu", "310114106"),
        ("community", "310114106"),  # a town-managed community: the TOWN's prefix
        ("committee", "310117003"),
        ("compound", "310117003"),
    ],
)
def test_code_prefix_comes_from_the_right_level(tree, parent_key, expected):
    assert _code_prefix(tree[parent_key]) == expected


def test_prefecture_city_prefix_has_four_digits(db):
    city = build_area(name="苏州市", kind="city", gb2260="320500")
    city.save()
    assert _code_prefix(city) == "3205"
    validate_area(kind="district", parent=city, gb2260="320506")
    with pytest.raises(ValidationError):
        validate_area(kind="district", parent=city, gb2260="320606")


@pytest.mark.parametrize(
    ("kind", "parent_key", "codes", "field"),
    [
        ("district", "city", {"gb2260": "320117"}, "gb2260"),  # another province
        ("district", "city", {"gb2260": "31011"}, "gb2260"),  # five digits
        ("district", "city", {"gb2260": "310100"}, "gb2260"),  # ends in 00: a city's code
        ("district", "city", {"gb2260": "31011x"}, "gb2260"),
        ("district", "city", {"gb2260": "310117"}, "gb2260"),  # taken by Songjiang
        ("district", "city", {"stat_code": "310118000000"}, "stat_code"),  # wrong kind of code
        ("street", "songjiang", {"stat_code": "310114003000"}, "stat_code"),  # Jiading's prefix
        ("street", "songjiang", {"stat_code": "310117009001"}, "stat_code"),  # not ...000
        ("street", "songjiang", {"gb2260": "310118"}, "gb2260"),  # streets have no GB/T 2260
        ("residents_committee", "fangsong", {"stat_code": "310117003000"}, "stat_code"),  # the street's
        ("residents_committee", "fangsong", {"stat_code": "3101170030011"}, "stat_code"),
        ("residents_committee", "fangsong", {"stat_code": "310117003001"}, "stat_code"),  # taken
        ("residents_committee", "community", {"stat_code": "310117003009"}, "stat_code"),
        ("community", "malu", {"stat_code": "310117003050"}, "stat_code"),
        ("compound", "committee", {"stat_code": "310117003101"}, "stat_code"),  # compounds have none
    ],
)
def test_bad_codes_are_refused(tree, kind, parent_key, codes, field):
    with pytest.raises(ValidationError) as exc:
        validate_area(kind=kind, parent=tree[parent_key], **codes)
    assert field in exc.value.message_dict


def test_a_community_may_carry_a_code_extending_the_towns_and_its_committees_extend_the_town(tree):
    community = build_area(name="戬浜社区", kind="community", parent=tree["malu"], stat_code="310114106900")
    community.save()
    validate_area(kind="residents_committee", parent=community, stat_code="310114106010")
    with pytest.raises(ValidationError):
        validate_area(kind="residents_committee", parent=community, stat_code="310117003010")


def test_paths_are_fixed_width_and_siblings_numbered_in_order(tree):
    assert tree["city"].path == "00001"
    assert tree["songjiang"].path == "0000100001"
    assert tree["jiading"].path == "0000100002"
    assert tree["grid"].depth == 6
    assert tree["grid"].path.startswith(tree["compound"].path)
    assert tree["songjiang"].contains(tree["grid"])
    assert not tree["jiading"].contains(tree["grid"])


def test_subtree_is_the_area_and_everything_below_it(tree):
    names = set(Area.objects.subtree(tree["fangsong"]).values_list("name", flat=True))
    assert names == {"方松街道", "江中居委会", "江秀居委会", "江中小区", "江中第1网格"}
    assert tree["fangsong"] not in Area.objects.subtree(tree["fangsong"], include_self=False)
    assert list(tree["grid"].ancestors()) == [
        tree["city"],
        tree["songjiang"],
        tree["fangsong"],
        tree["committee"],
        tree["compound"],
    ]


def test_ancestor_ids_are_right_for_every_kind(tree):
    t = {k: Area.objects.get(pk=v.pk) for k, v in tree.items() if isinstance(v, Area)}
    village = build_area(name="村委会", kind="village_committee", parent=t["malu"], stat_code="310114106201")
    village.save()
    village_grid = build_area(name="村网格", kind="grid", parent=village)
    village_grid.save()
    community_compound = build_area(name="育兰小区", kind="compound", parent=t["malu_committee"])
    community_compound.save()
    grid = build_area(name="育兰网格", kind="grid", parent=community_compound)
    grid.save()
    sj, fs, jd, malu, comm = t["songjiang"], t["fangsong"], t["jiading"], t["malu"], t["community"]
    expected = {
        t["city"]: (None, None, None, None),
        sj: (None, None, None, None),
        fs: (sj.pk, None, None, None),
        t["committee"]: (sj.pk, fs.pk, None, None),
        t["compound"]: (sj.pk, fs.pk, None, t["committee"].pk),
        t["grid"]: (sj.pk, fs.pk, None, t["committee"].pk),
        malu: (jd.pk, None, None, None),
        comm: (jd.pk, malu.pk, None, None),
        t["malu_committee"]: (jd.pk, malu.pk, comm.pk, None),
        community_compound: (jd.pk, malu.pk, comm.pk, t["malu_committee"].pk),
        grid: (jd.pk, malu.pk, comm.pk, t["malu_committee"].pk),
        village: (jd.pk, malu.pk, None, None),
        village_grid: (jd.pk, malu.pk, None, village.pk),
    }
    for area, ids in expected.items():
        area.refresh_from_db()
        got = tuple(area.ancestor_ids().values())
        assert got == ids, area.name


def test_scope_ids_add_the_area_itself_at_its_level(tree):
    committee = tree["committee"]
    assert committee.scope_ids() == {
        "district_id": tree["songjiang"].pk,
        "street_id": tree["fangsong"].pk,
        "community_id": None,
        "committee_id": committee.pk,
    }
    assert tree["malu"].scope_ids()["street_id"] == tree["malu"].pk
    assert tree["community"].scope_ids()["community_id"] == tree["community"].pk
    assert tree["compound"].scope_ids() == tree["compound"].ancestor_ids()


def test_create_area_sets_ancestor_ids_and_audits(street_admin, tree):
    area = create_area(
        actor=street_admin,
        name="新居委会",
        kind="residents_committee",
        parent=tree["fangsong"],
        stat_code="310117003009",
        in_preparation=True,
    )
    assert area.street_id == tree["fangsong"].pk and area.district_id == tree["songjiang"].pk
    event = AuditEvent.objects.get(verb="area.created", object_id=str(area.pk))
    assert event.actor == street_admin and event.details["code"] == "310117003009"


def test_dates_must_make_sense(street_admin, tree):
    committee = tree["committee"]
    with pytest.raises(ValidationError) as exc:
        update_area(
            actor=street_admin,
            area=committee,
            established_on=dt.date(2020, 1, 1),
            abolished_on=dt.date(2019, 1, 1),
        )
    assert "abolished_on" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        update_area(
            actor=street_admin, area=committee, in_preparation=True, formalized_on=dt.date(2020, 1, 1)
        )
    assert "formalized_on" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        update_area(actor=street_admin, area=tree["fangsong"], in_preparation=True)
    assert "in_preparation" in exc.value.message_dict
    committee.refresh_from_db()
    assert committee.abolished_on is None and not committee.in_preparation


def test_a_committee_in_preparation_becomes_formal_with_a_date(street_admin, tree):
    area = create_area(
        actor=street_admin,
        name="筹建组",
        kind="residents_committee",
        parent=tree["fangsong"],
        in_preparation=True,
    )
    area = update_area(actor=street_admin, area=area, in_preparation=False, formalized_on=dt.date(2024, 7, 1))
    assert area.formalized_on == dt.date(2024, 7, 1)
    event = AuditEvent.objects.filter(verb="area.updated").latest("id")
    assert event.details["changed"]["in_preparation"] == [True, False]


def test_update_area_refuses_a_code_that_another_area_has(street_admin, tree):
    with pytest.raises(ValidationError) as exc:
        update_area(actor=street_admin, area=tree["other_committee"], stat_code="310117003001")
    assert "stat_code" in exc.value.message_dict
    update_area(actor=street_admin, area=tree["other_committee"], stat_code="")
    tree["other_committee"].refresh_from_db()
    assert tree["other_committee"].stat_code is None


def test_update_area_refuses_fields_that_are_not_editable(street_admin, tree):
    with pytest.raises(ValueError, match="not editable"):
        update_area(actor=street_admin, area=tree["committee"], kind="grid")
    assert "path" not in actions.EDITABLE_FIELDS
