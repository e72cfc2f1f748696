"""Registry actions: register, change, deregister, grade, contact data; filed teams; stationed units."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from gongzhi.accounts.models import RoleAssignment
from gongzhi.core import policy
from gongzhi.core.models import AuditEvent
from gongzhi.orgs import actions
from gongzhi.orgs.models import FiledTeam, OrgStatusChange, SocialOrganization

from .conftest import make_uscc

ROLES_REGISTER = {
    "city_admin": True,
    "registry_officer": True,
    "district_admin": False,
    "street_admin": False,
    "community_worker": False,
    "committee_worker": False,
    "party_secretary": False,
    "resident": False,
}


def _register(actor, area, **kw):
    data = {
        "uscc": make_uscc("51"),
        "org_type": "social_group",
        "subtype": "academic",
        "name": "方松社区学会",
        "registered_on": dt.date(2020, 1, 1),
    }
    data.update(kw)
    return actions.register_organization(actor=actor, area=area, **data)


@pytest.mark.parametrize(("role", "allowed"), ROLES_REGISTER.items())
def test_who_may_register_an_organization(request, tree, role, allowed):
    user = request.getfixturevalue(role)
    if allowed:
        org = _register(user, tree["fangsong"])
        assert org.status_changes.get().status == "registered"
        assert AuditEvent.objects.filter(verb="org.registered", object_id=str(org.pk)).exists()
    else:
        with pytest.raises(PermissionDenied):
            _register(user, tree["fangsong"])
        assert not SocialOrganization.objects.exists()


def test_registry_officer_cannot_register_outside_the_district(registry_officer, tree):
    with pytest.raises(PermissionDenied):
        _register(registry_officer, tree["malu"])


def test_org_staff_cannot_register(org_staff, tree):
    with pytest.raises(PermissionDenied):
        _register(org_staff, tree["fangsong"])


def test_duplicate_uscc_is_refused(registry_officer, org, tree):
    with pytest.raises(ValidationError) as exc:
        _register(
            registry_officer, tree["fangsong"], uscc=org.uscc, org_type=org.org_type, subtype=org.subtype
        )
    assert "uscc" in exc.value.message_dict
    assert SocialOrganization.objects.count() == 1


def test_organization_in_a_compound_is_refused(registry_officer, tree):
    with pytest.raises(ValidationError) as exc:
        _register(registry_officer, tree["compound"])
    assert "area" in exc.value.message_dict


def test_bad_legal_representative_id_number_is_refused(registry_officer, tree):
    with pytest.raises(ValidationError) as exc:
        _register(registry_officer, tree["fangsong"], legal_rep_id_number="110101199003070000")
    assert "legal_rep_id_number" in exc.value.message_dict


def test_registration_change_records_dated_history_with_masked_personal_data(registry_officer, org):
    actions.update_organization(
        actor=registry_officer,
        organization=org,
        effective_on=dt.date(2024, 5, 1),
        address="新地址",
        legal_rep_phone="13912345678",
        note="迁址",
    )
    org.refresh_from_db()
    assert org.status == "changed" and org.status_changed_on == dt.date(2024, 5, 1)
    change = org.status_changes.get(status="changed")
    assert change.changes["address"][1] == "新地址"
    assert change.changes["legal_rep_phone"] == ["***", "***"]
    assert org.legal_rep_phone == "+8613912345678"


def test_change_to_a_uscc_of_another_type_is_refused(registry_officer, org):
    with pytest.raises(ValidationError):
        actions.update_organization(actor=registry_officer, organization=org, uscc=make_uscc("51"))
    org.refresh_from_db()
    assert org.status == "registered"


def test_deregistration_is_dated_and_final(registry_officer, org):
    actions.change_status(
        actor=registry_officer,
        organization=org,
        status="deregistered",
        effective_on=dt.date(2024, 12, 31),
        note="解散",
    )
    org.refresh_from_db()
    assert org.status == "deregistered" and org.deregistered_on == dt.date(2024, 12, 31)
    assert [c.status for c in org.status_changes.order_by("effective_on")] == ["registered", "deregistered"]
    with pytest.raises(ValidationError):
        actions.update_organization(actor=registry_officer, organization=org, name="复活")
    with pytest.raises(ValidationError):
        actions.set_grade(
            actor=registry_officer, organization=org, grade="3A", awarded_on=dt.date(2024, 12, 31)
        )


def test_deregistration_before_registration_is_refused(registry_officer, org):
    with pytest.raises(ValidationError):
        actions.change_status(
            actor=registry_officer, organization=org, status="deregistered", effective_on=dt.date(2000, 1, 1)
        )


def test_grade_is_valid_for_five_years(registry_officer, org):
    actions.set_grade(actor=registry_officer, organization=org, grade="4A", awarded_on=dt.date(2024, 2, 29))
    org.refresh_from_db()
    assert org.evaluation_grade == "4A" and org.grade_valid_until == dt.date(2029, 2, 28)


def test_unknown_grade_is_refused(registry_officer, org):
    with pytest.raises(ValidationError):
        actions.set_grade(
            actor=registry_officer, organization=org, grade="6A", awarded_on=dt.date(2024, 1, 1)
        )


def test_org_staff_edits_own_contact_data_only(org_staff, org, malu_org):
    actions.update_contact(
        actor=org_staff, organization=org, contact_person="小张", contact_email="a@example.org"
    )
    org.refresh_from_db()
    assert org.contact_person == "小张"
    with pytest.raises(ValidationError):
        actions.update_contact(actor=org_staff, organization=org, name="改名")
    with pytest.raises(PermissionDenied):
        actions.update_contact(actor=org_staff, organization=malu_org, contact_person="外人")
    with pytest.raises(PermissionDenied):
        actions.update_organization(actor=org_staff, organization=org, name="改名")


# --- filed teams ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("street_admin", True),
        ("registry_officer", True),
        ("committee_worker", False),
        ("grid_worker", False),
        ("other_street_admin", False),
        ("resident", False),
    ],
)
def test_who_may_file_a_team(request, tree, role, allowed):
    user = request.getfixturevalue(role)

    def call():
        return actions.file_team(
            actor=user,
            area=tree["committee"],
            name="太极队",
            activity_kind="太极",
            leader_name="李",
            members_count=10,
            filed_on=dt.date(2024, 1, 1),
        )

    if allowed:
        assert call().status == "active"
    else:
        with pytest.raises(PermissionDenied):
            call()
        assert not FiledTeam.objects.exists()


def test_team_change_and_cancellation(street_admin, team):
    team = actions.update_team(actor=street_admin, team=team, members_count=30)
    assert team.status == "changed"
    with pytest.raises(ValidationError):
        actions.cancel_team(actor=street_admin, team=team, cancelled_on=dt.date(2019, 1, 1))
    team = actions.cancel_team(actor=street_admin, team=team, cancelled_on=dt.date(2024, 6, 1))
    assert team.status == "cancelled"
    with pytest.raises(ValidationError):
        actions.update_team(actor=street_admin, team=team, members_count=3)
    with pytest.raises(ValidationError):
        actions.cancel_team(actor=street_admin, team=team, cancelled_on=dt.date(2024, 6, 2))


def test_team_leader_phone_is_validated(street_admin, tree):
    with pytest.raises(ValidationError) as exc:
        actions.file_team(
            actor=street_admin,
            area=tree["committee"],
            name="队",
            activity_kind="舞",
            leader_name="李",
            leader_phone="12",
            members_count=1,
            filed_on=dt.date(2024, 1, 1),
        )
    assert "leader_phone" in exc.value.message_dict


# --- stationed units ------------------------------------------------------------------------------
def test_naming_a_liaison_grants_and_moves_the_unit_role(street_admin, unit, resident, volunteer):
    actions.update_unit(actor=street_admin, unit=unit, liaison=resident)
    policy.forget(resident)
    assert policy.can(resident, "orgs.manage_units", body=unit)
    actions.update_unit(actor=street_admin, unit=unit, liaison=volunteer)
    policy.forget(resident)
    assert not policy.can(resident, "orgs.manage_units", body=unit)
    assert (
        RoleAssignment.objects.active().filter(user=volunteer, role="unit_liaison", scope_id=unit.pk).exists()
    )


def test_liaison_keeps_own_unit_but_not_its_liaison_or_other_units(unit_liaison, unit, tree, resident):
    actions.update_unit(actor=unit_liaison, unit=unit, employees=200, has_party_organization=True)
    unit.refresh_from_db()
    assert unit.employees == 200
    with pytest.raises(ValidationError):
        actions.update_unit(actor=unit_liaison, unit=unit, liaison=resident)
    other = actions.create_unit(actor=None, area=tree["fangsong"], name="方松小学", kind="school")
    with pytest.raises(PermissionDenied):
        actions.update_unit(actor=unit_liaison, unit=other, employees=1)
    with pytest.raises(PermissionDenied):
        actions.create_unit(actor=unit_liaison, area=tree["fangsong"], name="新单位", kind="company")


def test_unit_uscc_is_validated_and_unique(street_admin, tree):
    with pytest.raises(ValidationError):
        actions.create_unit(
            actor=street_admin, area=tree["fangsong"], name="甲公司", kind="company", uscc="123"
        )
    code = "91310117MA1234567"
    from stdnum.cn import uscc

    code += uscc.calc_check_digit(code)
    actions.create_unit(actor=street_admin, area=tree["fangsong"], name="甲公司", kind="company", uscc=code)
    with pytest.raises(ValidationError):
        actions.create_unit(
            actor=street_admin, area=tree["fangsong"], name="乙公司", kind="company", uscc=code
        )


def test_history_rows_exist_for_every_registration(org, malu_org):
    assert OrgStatusChange.objects.filter(status="registered").count() == 2
