"""Annual inspection: opening a year with exemptions, drafts, submission with staff sums, return,
review with reasons, overdue list and the home-page to-do items."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from freezegun import freeze_time

from gongzhi.core import workitems
from gongzhi.orgs import actions, queries
from gongzhi.orgs.actions.inspection import is_exempt
from gongzhi.orgs.models import AnnualInspection

from .conftest import GOOD_STAFF, register


def test_organizations_under_six_months_old_on_31_december_are_exempt():
    assert is_exempt(dt.date(2024, 7, 1), 2024)
    assert not is_exempt(dt.date(2024, 6, 30), 2024)
    assert not is_exempt(dt.date(2020, 1, 1), 2024)


def test_opening_a_year_creates_drafts_and_exemptions_once(registry_officer, org, tree):
    young = register(tree["fangsong"], registered_on=dt.date(2024, 9, 1))
    gone = register(tree["fangsong"])
    actions.change_status(
        actor=None, organization=gone, status="deregistered", effective_on=dt.date(2024, 1, 1)
    )
    n = actions.open_inspection_year(
        actor=registry_officer, area=tree["songjiang"], year=2024, due_on=dt.date(2025, 5, 31)
    )
    assert n == 2
    assert AnnualInspection.objects.get(organization=org).state == "draft"
    assert AnnualInspection.objects.get(organization=young).state == "exempt"
    assert (
        actions.open_inspection_year(
            actor=registry_officer, area=tree["songjiang"], year=2024, due_on=dt.date(2025, 5, 31)
        )
        == 0
    )


def test_only_reviewers_open_a_year(street_admin, org_staff, tree):
    for user in (street_admin, org_staff):
        with pytest.raises(PermissionDenied):
            actions.open_inspection_year(
                actor=user, area=tree["fangsong"], year=2024, due_on=dt.date(2025, 5, 31)
            )


def test_org_staff_submits_a_report_that_adds_up(org_staff, inspection):
    values = {
        **GOOD_STAFF,
        "net_assets": Decimal("120000.50"),
        "total_income": Decimal(300000),
        "total_expenditure": Decimal(280000),
        "activities": "助老服务",
    }
    row = actions.submit_inspection(actor=org_staff, inspection=inspection, **values)
    assert row.state == "submitted" and row.submitted_by == org_staff and row.staff_total == 10


def test_report_whose_staff_do_not_add_up_is_refused_and_nothing_saved(org_staff, inspection):
    with pytest.raises(ValidationError):
        actions.submit_inspection(actor=org_staff, inspection=inspection, **{**GOOD_STAFF, "part_time": 4})
    inspection.refresh_from_db()
    assert inspection.state == "draft" and inspection.staff_total == 0


def test_negative_money_is_refused(org_staff, inspection):
    with pytest.raises(ValidationError) as exc:
        actions.save_inspection(actor=org_staff, inspection=inspection, net_assets=Decimal(-1))
    assert "net_assets" in exc.value.message_dict


def test_staff_of_another_organization_cannot_touch_the_report(inspection, malu_org, tree):
    from gongzhi.accounts.roles import Role, ScopeKind
    from tests.conftest import make_user

    stranger = make_user("stranger", Role.ORG_STAFF, malu_org, ScopeKind.SOCIAL_ORGANIZATION)
    with pytest.raises(PermissionDenied):
        actions.save_inspection(actor=stranger, inspection=inspection, activities="x")


def test_return_and_review_cycle(org_staff, registry_officer, street_admin, inspection):
    row = actions.submit_inspection(actor=org_staff, inspection=inspection, **GOOD_STAFF)
    with pytest.raises(PermissionDenied):
        actions.review_inspection(actor=street_admin, inspection=row, result="qualified")
    with pytest.raises(PermissionDenied):
        actions.review_inspection(actor=org_staff, inspection=row, result="qualified")
    with pytest.raises(ValidationError):
        actions.return_inspection(actor=registry_officer, inspection=row, reason=" ")
    row = actions.return_inspection(actor=registry_officer, inspection=row, reason="请补充党建情况")
    assert row.state == "returned"
    row = actions.submit_inspection(actor=org_staff, inspection=row, party_building="成立党支部")
    with pytest.raises(ValidationError) as exc:
        actions.review_inspection(actor=registry_officer, inspection=row, result="unqualified")
    assert "result_reason" in exc.value.message_dict
    row = actions.review_inspection(
        actor=registry_officer, inspection=row, result="basically_qualified", reason="财务不规范"
    )
    assert row.state == "reviewed" and row.result == "basically_qualified"
    with pytest.raises(ValidationError):
        actions.save_inspection(actor=org_staff, inspection=row, activities="late")
    with pytest.raises(ValidationError):
        actions.review_inspection(actor=registry_officer, inspection=row, result="qualified")


def test_overdue_list_holds_open_reports_past_their_due_date(registry_officer, org, malu_org, tree):
    actions.open_inspection_year(actor=None, area=tree["city"], year=2024, due_on=dt.date(2025, 5, 31))
    done = malu_org.inspections.get()
    actions.submit_inspection(actor=None, inspection=done, **GOOD_STAFF)
    with freeze_time("2025-06-01"):
        overdue = list(queries.inspections_for(None, overdue=True))
        assert [i.organization for i in overdue] == [org]
        assert list(queries.inspections_for(registry_officer, overdue=True)) == overdue
    with freeze_time("2025-05-31"):
        assert not queries.inspections_for(None, overdue=True).exists()


def test_to_do_items_for_reviewer_and_org_staff(registry_officer, org_staff, inspection):
    labels = [w.label for w in workitems.for_user(org_staff)]
    assert any("2024" in label for label in labels)
    assert not [w for w in workitems.for_user(registry_officer) if w.app == "orgs"]
    actions.submit_inspection(actor=org_staff, inspection=inspection, **GOOD_STAFF)
    items = [w for w in workitems.for_user(registry_officer) if w.app == "orgs"]
    assert items and items[0].count == 1
    assert not [w for w in workitems.for_user(org_staff) if w.app == "orgs"]
