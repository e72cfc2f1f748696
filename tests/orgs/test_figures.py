"""Orgs figures in rollups: registered organizations as a stock (per type), annual inspection rates,
outstanding reports; the live deltas equal a rebuild, and the dashboard section drills to the lists."""

import datetime as dt

import pytest

from gongzhi.core import dashboards, rollups
from gongzhi.core.models import Rollup
from gongzhi.orgs import actions, figures
from gongzhi.orgs.models import AnnualInspection

from .conftest import register

pytestmark = pytest.mark.django_db


def value(area, figure, start="0001-01", end="2026-12"):
    return rollups.read(area, figure, start, end, include_pending=True)


def cells(prefix):
    return {
        (r.area_id, r.figure, r.period): (r.numerator, r.denominator)
        for r in Rollup.objects.filter(figure__startswith=prefix)
        if r.numerator or r.denominator
    }


def assert_rebuild_agrees(prefix="orgs."):
    rollups.fold()
    folded = cells(prefix)
    figures.rebuild_all()
    assert cells(prefix) == folded


def test_registered_organizations_are_a_stock_per_area_and_type(tree, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        a = register(tree["committee"], registered_on=dt.date(2025, 3, 1))
        register(
            tree["malu"],
            org_type="foundation",
            subtype="public_fundraising",
            registered_on=dt.date(2024, 1, 1),
        )
        actions.change_status(
            actor=None, organization=a, status="deregistered", effective_on=dt.date(2026, 2, 1)
        )
    assert value(tree["city"], figures.REGISTERED)[0] == 1
    assert value(tree["city"], figures.REGISTERED, end="2025-12")[0] == 2  # before the deregistration
    assert value(tree["fangsong"], figures.TYPE_PREFIX + "social_group", end="2025-12")[0] == 1
    assert value(tree["malu"], figures.TYPE_PREFIX + "foundation")[0] == 1
    assert_rebuild_agrees()


def test_moving_an_organization_moves_its_whole_history(tree, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        org = register(tree["committee"], registered_on=dt.date(2020, 5, 1))
        actions.update_organization(actor=None, organization=org, area=tree["malu"])
    assert value(tree["fangsong"], figures.REGISTERED)[0] == 0
    assert value(tree["malu"], figures.REGISTERED, end="2020-05")[0] == 1
    assert_rebuild_agrees()


def test_inspection_rates_and_outstanding_reports_by_due_month(tree, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(3):
            register(tree["committee"], registered_on=dt.date(2020, 1, 1))
        register(tree["committee"], registered_on=dt.date(2025, 9, 1))  # exempt for 2025
        actions.open_inspection_year(
            actor=None, area=tree["fangsong"], year=2025, due_on=dt.date(2026, 5, 31)
        )
        drafts = list(AnnualInspection.objects.filter(state="draft").order_by("id"))
        for row in drafts[:2]:
            actions.submit_inspection(actor=None, inspection=row)
        actions.review_inspection(actor=None, inspection=drafts[0], result="qualified")
        actions.return_inspection(actor=None, inspection=drafts[1], reason="数据不全")
    committee = tree["committee"]
    assert value(committee, figures.DUE, "2026-05", "2026-05")[0] == 3
    assert value(committee, figures.SUBMITTED, "2026-05", "2026-05") == (1, 3)
    assert value(committee, figures.QUALIFIED, "2026-05", "2026-05") == (1, 1)
    assert value(committee, figures.OUTSTANDING)[0] == 2  # one draft, one returned
    assert_rebuild_agrees()


def test_a_refused_deregistration_writes_no_delta(tree, django_capture_on_commit_callbacks):
    from django.core.exceptions import ValidationError

    with django_capture_on_commit_callbacks(execute=True):
        org = register(tree["committee"], registered_on=dt.date(2025, 3, 1))
        with pytest.raises(ValidationError):
            actions.change_status(
                actor=None, organization=org, status="deregistered", effective_on=dt.date(2024, 1, 1)
            )
    assert value(tree["city"], figures.REGISTERED)[0] == 1


def test_the_dashboard_section_lists_the_figures_and_drills_to_the_lists(tree):
    section = dashboards.SECTIONS["orgs"]
    names = {f.name for f in section.figures}
    assert {figures.REGISTERED, figures.SUBMITTED, figures.OUTSTANDING} <= names
    assert all(f.name in rollups.FIGURES for f in section.figures)
    by_name = {f.name: f for f in section.figures}
    assert by_name[figures.REGISTERED].drill(tree["fangsong"], "2026-01", "2026-11") == (
        f"/orgs/?area={tree['fangsong'].pk}"
    )
    assert "overdue=on" in by_name[figures.OUTSTANDING].drill(tree["fangsong"], "2026-01", "2026-11")


def test_an_import_rebuilds_the_orgs_figures(tree, registry_officer, django_capture_on_commit_callbacks):
    import io

    from gongzhi.core import imports

    from .conftest import make_uscc

    rows = [
        "名称,统一社会信用代码,类型,子类型,登记日期,区域代码,状态",
        f"方松社区学会,{make_uscc('51')},社会团体,学术性,2019-04-01,310117003000,登记",
        f"方松社工服务社,{make_uscc('52')},民办非企业单位,民政,2020/05/06,310117003000,",
    ]
    with django_capture_on_commit_callbacks(execute=True):
        job = imports.run(
            "orgs", io.BytesIO("\n".join(rows).encode()), actor=registry_officer, file_name="o.csv"
        )
    assert job.status == "imported", job.errors
    assert value(tree["fangsong"], figures.REGISTERED)[0] == 2
    assert value(tree["fangsong"], figures.TYPE_PREFIX + "non_enterprise_unit")[0] == 1
