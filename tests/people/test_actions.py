"""People actions: deduplication by ID number, validation, household and dwelling integrity, audit."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from gongzhi.core.models import AuditEvent
from gongzhi.core.pii import mask_id_number
from gongzhi.people import actions
from gongzhi.people.models import Dwelling, Household, HouseholdMember, Person

from .conftest import id_number


def _messages(exc, field):
    return " ".join(exc.value.message_dict[field])


# --- persons ----------------------------------------------------------------------------------------
def test_person_is_recorded_with_normalized_phone_and_birth_and_gender_from_the_id_number(tree):
    number = id_number(dt.date(1975, 3, 9), male=False)
    person = actions.create_person(
        actor=None, area=tree["committee"], name="李娜", id_number=number, phone="138 1234 5678"
    )
    person.refresh_from_db()
    assert person.id_number == number
    assert person.phone == "+8613812345678"
    assert person.birth_date == dt.date(1975, 3, 9)
    assert person.gender == Person.Gender.FEMALE
    assert person.committee_id == tree["committee"].pk and person.street_id == tree["fangsong"].pk


@pytest.mark.parametrize("variant", ["lower_x", "spaces", "dashes"])
def test_same_id_number_in_another_spelling_is_a_duplicate_naming_the_masked_record(tree, variant):
    number = id_number(check="X")
    first = actions.create_person(actor=None, area=tree["committee"], name="王芳", id_number=number)
    spelled = {
        "lower_x": number[:-1] + "x",
        "spaces": f"{number[:6]} {number[6:14]} {number[14:]}",
        "dashes": f"{number[:6]}-{number[6:14]}-{number[14:]}",
    }[variant]
    with pytest.raises(ValidationError) as exc:
        actions.create_person(actor=None, area=tree["other_committee"], name="王芳", id_number=spelled)
    message = _messages(exc, "id_number")
    assert mask_id_number(number) in message
    assert number not in message
    assert str(first.pk) in message
    assert Person.objects.count() == 1


def test_duplicate_outside_the_actors_area_does_not_reveal_who_it_is(tree, committee_worker):
    number = id_number()
    actions.create_person(actor=None, area=tree["malu_committee"], name="赵敏", id_number=number)
    with pytest.raises(ValidationError) as exc:
        actions.create_person(actor=committee_worker, area=tree["committee"], name="赵敏", id_number=number)
    message = _messages(exc, "id_number")
    assert "赵敏" not in message and mask_id_number(number) in message


def test_changing_an_id_number_to_one_already_recorded_is_refused(tree, person):
    other = actions.create_person(actor=None, area=tree["committee"], name="刘强", id_number=id_number())
    with pytest.raises(ValidationError) as exc:
        actions.update_person(actor=None, person=other, id_number=person.id_number.lower())
    assert "id_number" in exc.value.message_dict
    other.refresh_from_db()
    assert other.id_number != person.id_number


@pytest.mark.parametrize(
    ("field", "kwargs"),
    [
        ("id_number", {"id_number": "310117198001011230"}),  # wrong check digit
        ("id_number", {"id_number": "31011719800101"}),
        ("phone", {"phone": "12345"}),
        ("phone", {"phone": "1381234567a"}),
        ("name", {"name": "   "}),
        ("birth_date", {"id_number": id_number(dt.date(1980, 1, 1)), "birth_date": dt.date(1981, 1, 1)}),
        ("gender", {"id_number": id_number(male=True), "gender": "female"}),
    ],
)
def test_bad_person_input_gets_a_field_message_and_nothing_is_written(tree, field, kwargs):
    data = {"name": "陈静", **kwargs}
    with pytest.raises(ValidationError) as exc:
        actions.create_person(actor=None, area=tree["committee"], **data)
    assert field in exc.value.message_dict
    assert not Person.objects.exists()
    assert not AuditEvent.objects.filter(verb="person.created").exists()


def test_a_person_belongs_to_a_committee_or_below(tree):
    with pytest.raises(ValidationError) as exc:
        actions.create_person(actor=None, area=tree["fangsong"], name="周杰")
    assert "area" in exc.value.message_dict
    actions.create_person(actor=None, area=tree["grid"], name="周杰")


def test_creating_a_person_writes_one_audit_event_without_the_plain_id_number(tree):
    number = id_number()
    person = actions.create_person(actor=None, area=tree["committee"], name="孙丽", id_number=number)
    events = AuditEvent.objects.filter(verb="person.created")
    assert events.count() == 1
    event = events.get()
    assert event.object_id == str(person.pk)
    assert number not in str(event.details) and number not in event.object_repr


def test_linking_a_user_account_twice_is_refused(tree, person, resident):
    actions.link_person_to_user(actor=None, person=person, user=resident)
    other = actions.create_person(actor=None, area=tree["committee"], name="马超")
    with pytest.raises(ValidationError):
        actions.link_person_to_user(actor=None, person=other, user=resident)
    actions.link_person_to_user(actor=None, person=person, user=None)
    actions.link_person_to_user(actor=None, person=other, user=resident)
    assert Person.objects.get(user=resident) == other


# --- the resident's own record ----------------------------------------------------------------------
def test_resident_corrects_own_phone_and_address(person, resident):
    actions.link_person_to_user(actor=None, person=person, user=resident)
    actions.correct_own_record(actor=resident, phone="13900001111", address="江中小区3号2单元501室")
    person.refresh_from_db()
    assert person.phone == "+8613900001111"
    assert person.address == "江中小区3号2单元501室"
    assert AuditEvent.objects.filter(verb="person.own_record_corrected", actor=resident).count() == 1


def test_resident_cannot_correct_anything_but_phone_and_address(person, resident):
    actions.link_person_to_user(actor=None, person=person, user=resident)
    with pytest.raises(ValueError):
        actions.correct_own_record(actor=resident, name="别人")


def test_resident_cannot_correct_someone_elses_record(tree, person, resident):
    actions.link_person_to_user(actor=None, person=person, user=resident)
    other = actions.create_person(actor=None, area=tree["committee"], name="邻居")
    with pytest.raises(PermissionDenied):
        actions.correct_own_record(actor=resident, person=other, phone="13900001111")


def test_user_without_a_record_is_told_to_ask_the_committee(resident, person):
    with pytest.raises(ValidationError):
        actions.correct_own_record(actor=resident, phone="13900001111")


def test_bad_phone_in_own_record_is_refused_and_nothing_changes(person, resident):
    actions.link_person_to_user(actor=None, person=person, user=resident)
    with pytest.raises(ValidationError) as exc:
        actions.correct_own_record(actor=resident, phone="123", address="新地址")
    assert "phone" in exc.value.message_dict
    person.refresh_from_db()
    assert person.phone == "+8613812345678" and person.address == ""


# --- dwellings --------------------------------------------------------------------------------------
def test_dwelling_in_an_unknown_compound_is_refused_with_a_clear_message(tree):
    with pytest.raises(ValidationError) as exc:
        actions.create_dwelling(actor=None, area=999_999, building="1", room="101")
    assert "compound" in _messages(exc, "area").lower() or "小区" in _messages(exc, "area")
    assert not Dwelling.objects.exists()


def test_dwelling_cannot_sit_in_a_street_or_a_grid(tree):
    for area in (tree["fangsong"], tree["grid"]):
        with pytest.raises(ValidationError):
            actions.create_dwelling(actor=None, area=area, building="1", room="101")
    assert not Dwelling.objects.exists()


def test_dwelling_floor_area_cannot_be_negative(tree):
    with pytest.raises(ValidationError) as exc:
        actions.create_dwelling(
            actor=None, area=tree["compound"], building="1", room="101", floor_area_m2="-1"
        )
    assert "floor_area_m2" in exc.value.message_dict
    d = actions.create_dwelling(actor=None, area=tree["compound"], building="1", room="101", floor_area_m2=0)
    assert d.floor_area_m2 == 0


def test_the_same_dwelling_address_twice_is_refused(tree, dwelling):
    with pytest.raises(ValidationError) as exc:
        actions.create_dwelling(actor=None, area=tree["compound"], building="3", unit="2", room="501")
    assert "room" in exc.value.message_dict
    assert Dwelling.objects.count() == 1


# --- households -------------------------------------------------------------------------------------
def test_household_dwelling_must_lie_in_the_households_area(tree, dwelling):
    with pytest.raises(ValidationError) as exc:
        actions.create_household(actor=None, area=tree["other_committee"], number="JX-1", dwelling=dwelling)
    assert "dwelling" in exc.value.message_dict
    assert not Household.objects.exists()


def test_household_needs_a_committee_or_compound_and_a_known_tenure(tree):
    with pytest.raises(ValidationError):
        actions.create_household(actor=None, area=tree["fangsong"], number="X-1")
    with pytest.raises(ValidationError):
        actions.create_household(actor=None, area=tree["committee"], number="X-1", tenure="squatter")
    assert not Household.objects.exists()


def test_household_number_is_unique_in_its_area(tree, household):
    with pytest.raises(ValidationError) as exc:
        actions.create_household(actor=None, area=tree["committee"], number="JZ-001")
    assert "number" in exc.value.message_dict


def test_a_household_has_one_head(tree, household, person):
    actions.add_member(actor=None, household=household, person=person, relation="head")
    other = actions.create_person(actor=None, area=tree["committee"], name="王军")
    with pytest.raises(ValidationError) as exc:
        actions.add_member(actor=None, household=household, person=other, relation="head")
    assert person.name in _messages(exc, "relation")
    actions.add_member(actor=None, household=household, person=other, relation="spouse")
    assert household.members.count() == 2


def test_a_person_is_a_member_of_a_household_once(household, person):
    actions.add_member(actor=None, household=household, person=person, relation="head")
    with pytest.raises(ValidationError):
        actions.add_member(actor=None, household=household, person=person, relation="child")
    assert household.members.count() == 1


def test_a_person_holds_one_registered_household(tree, household, person):
    actions.add_member(actor=None, household=household, person=person, relation="head")
    second = actions.create_household(actor=None, area=tree["committee"], number="JZ-002", kind="registered")
    with pytest.raises(ValidationError):
        actions.add_member(actor=None, household=second, person=person, relation="head")
    lodging = actions.create_household(actor=None, area=tree["committee"], number="JZ-003", kind="resident")
    actions.add_member(actor=None, household=lodging, person=person, relation="head")


def test_removing_a_member_frees_the_head_place(tree, household, person):
    member = actions.add_member(actor=None, household=household, person=person, relation="head")
    actions.remove_member(actor=None, member=member)
    assert not HouseholdMember.objects.exists()
    assert AuditEvent.objects.filter(verb="household.member_removed").count() == 1
    other = actions.create_person(actor=None, area=tree["committee"], name="新户主")
    actions.add_member(actor=None, household=household, person=other, relation="head")


def test_moving_a_household_follows_the_dwelling_into_its_compound(tree, household):
    flat = actions.create_dwelling(actor=None, area=tree["compound"], building="9", room="101")
    moved = actions.move_household(actor=None, household=household, dwelling=flat)
    assert moved.dwelling == flat and moved.area == tree["committee"]
    outside = Dwelling.objects.create(
        building="1", room="1", area=tree["other_committee"], area_path=tree["other_committee"].path
    )
    moved = actions.move_household(actor=None, household=moved, dwelling=outside)
    assert moved.area == tree["other_committee"] and moved.committee_id == tree["other_committee"].pk


def test_moving_a_household_to_a_dwelling_outside_the_given_area_is_refused(tree, household):
    outside = Dwelling.objects.create(
        building="1", room="1", area=tree["other_committee"], area_path=tree["other_committee"].path
    )
    with pytest.raises(ValidationError):
        actions.move_household(actor=None, household=household, dwelling=outside, area=tree["committee"])
    household.refresh_from_db()
    assert household.dwelling_id != outside.pk


# --- permission matrix on actions -------------------------------------------------------------------
ALLOWED = ["city_admin", "district_admin", "street_admin", "committee_worker"]
DENIED = [
    "other_street_admin",
    "community_worker",
    "grid_worker",
    "resident",
    "volunteer",
    "party_member",
    "outsider",
]


@pytest.mark.parametrize("fixture", ALLOWED)
def test_staff_over_the_committee_may_record_people_dwellings_and_households(request, tree, fixture):
    user = request.getfixturevalue(fixture)
    p = actions.create_person(actor=user, area=tree["committee"], name="许可", id_number=id_number())
    d = actions.create_dwelling(actor=user, area=tree["compound"], building="1", room="101")
    h = actions.create_household(actor=user, area=tree["compound"], number="H-1", dwelling=d)
    actions.add_member(actor=user, household=h, person=p, relation="head")
    actions.update_person(actor=user, person=p, address="新地址")


@pytest.mark.parametrize("fixture", DENIED)
def test_others_may_not_record_people_dwellings_or_households_in_the_committee(
    request, tree, fixture, household, person
):
    user = request.getfixturevalue(fixture)
    with pytest.raises(PermissionDenied):
        actions.create_person(actor=user, area=tree["committee"], name="拒绝")
    with pytest.raises(PermissionDenied):
        actions.create_dwelling(actor=user, area=tree["compound"], building="1", room="101")
    with pytest.raises(PermissionDenied):
        actions.create_household(actor=user, area=tree["committee"], number="H-9")
    with pytest.raises(PermissionDenied):
        actions.add_member(actor=user, household=household, person=person, relation="head")
    with pytest.raises(PermissionDenied):
        actions.update_person(actor=user, person=person, name="改名")
    assert Person.objects.count() == 1 and Household.objects.count() == 1


def test_committee_worker_is_denied_in_the_other_committee(tree, committee_worker):
    with pytest.raises(PermissionDenied):
        actions.create_person(actor=committee_worker, area=tree["other_committee"], name="隔壁")


def test_moving_a_person_needs_rights_over_both_areas(tree, committee_worker, person):
    with pytest.raises(PermissionDenied):
        actions.update_person(actor=committee_worker, person=person, area=tree["other_committee"])
    actions.update_person(actor=committee_worker, person=person, area=tree["grid"])
    person.refresh_from_db()
    assert person.area == tree["grid"]
