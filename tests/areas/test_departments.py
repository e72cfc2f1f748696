"""Departments: created and edited in scope with audit; staff act on behalf of offline departments."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from gongzhi.accounts.models import Department
from gongzhi.areas.department_actions import create_department, record_on_behalf, update_department
from gongzhi.core.models import AuditEvent


def test_street_admin_creates_a_street_level_department_with_an_audit_event(street_admin, tree):
    dept = create_department(
        actor=street_admin,
        area=tree["fangsong"],
        name="方松街道房管办",
        kind="housing",
        level="street",
        uses_platform=False,
    )
    event = AuditEvent.objects.get(verb="department.created")
    assert event.object_id == str(dept.pk) and event.area_id == tree["fangsong"].pk


@pytest.mark.parametrize("who", ["other_street_admin", "resident", "community_worker", "department_handler"])
def test_department_creation_denied_out_of_scope_or_role(request, tree, who):
    with pytest.raises(PermissionDenied):
        create_department(
            actor=request.getfixturevalue(who),
            area=tree["fangsong"],
            name="x",
            kind="housing",
            level="street",
        )
    assert Department.objects.count() == 1  # the fixture's own


@pytest.mark.parametrize(
    ("area_key", "level", "name", "field"),
    [
        ("fangsong", "district", "区房管局", "area"),  # level does not match the area's kind
        ("committee", "street", "居委会城管", "area"),  # a committee is no department's area
        ("fangsong", "street", "方松街道城管执法中队", "name"),  # the name is taken in this area
        ("fangsong", "street", "  ", "name"),
    ],
)
def test_bad_department_is_refused(district_admin, tree, area_key, level, name, field):
    with pytest.raises(ValidationError) as exc:
        create_department(
            actor=district_admin, area=tree[area_key], name=name, kind="urban_management", level=level
        )
    assert field in exc.value.message_dict
    assert Department.objects.count() == 1


def test_update_department_is_audited_and_checked(street_admin, other_street_admin, tree):
    dept = tree["department"]
    with pytest.raises(PermissionDenied):
        update_department(actor=other_street_admin, department=dept, uses_platform=False)
    update_department(actor=street_admin, department=dept, uses_platform=False)
    dept.refresh_from_db()
    assert not dept.uses_platform
    event = AuditEvent.objects.get(verb="department.updated")
    assert event.details["changed"] == {"uses_platform": [True, False]}


def test_record_on_behalf_marks_the_event(street_admin, tree):
    dept = update_department(actor=street_admin, department=tree["department"], uses_platform=False)
    event = record_on_behalf(street_admin, dept, "area.updated", tree["committee"], {"note": "现场处置"})
    assert event.details == {"note": "现场处置", "on_behalf_of": {"id": dept.pk, "name": dept.name}}
    assert event.actor == street_admin and event.area_id == tree["committee"].pk


def test_record_on_behalf_refuses_a_department_that_uses_the_platform(street_admin, tree):
    with pytest.raises(ValidationError):
        record_on_behalf(street_admin, tree["department"], "area.updated", tree["committee"])


def test_record_on_behalf_denied_outside_scope_or_role(street_admin, other_street_admin, resident, tree):
    dept = update_department(actor=street_admin, department=tree["department"], uses_platform=False)
    for user in (other_street_admin, resident):
        with pytest.raises(PermissionDenied):
            record_on_behalf(user, dept, "area.updated", tree["committee"])


def test_department_pages(client_for, street_admin, other_street_admin, tree):
    client = client_for(street_admin)
    fangsong = tree["fangsong"]
    new_url = reverse("areas:create_department", args=[fangsong.pk])
    data = {"name": "方松派出所", "kind": "public_security", "level": "street", "is_active": "on"}
    assert client.post(new_url, data).status_code == 302
    dept = Department.objects.get(name="方松派出所")
    detail = client.get(reverse("areas:detail", args=[fangsong.pk]))
    assert "方松派出所" in detail.content.decode()
    edit_url = reverse("areas:edit_department", args=[dept.pk])
    assert client.post(edit_url, {**data, "name": "方松街道城管执法中队"}).status_code == 200  # name taken
    assert client.post(edit_url, {**data, "contact_email": "ps@example.org"}).status_code == 302
    listing = client.get(reverse("areas:departments"), {"area": "310117003000"})
    assert [d.name for d in listing.context["page"].items] == ["方松派出所", "方松街道城管执法中队"]
    other = client_for(other_street_admin)
    assert other.get(edit_url).status_code == 403
    assert other.post(new_url, data).status_code == 403
