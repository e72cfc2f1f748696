"""In a browser: a unit publishes a venue, a committee publishes a need, the matcher proposes the pair,
a community worker accepts it and a project is created — screenshots saved."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from gongzhi.accounts.roles import Role, ScopeKind
from gongzhi.matching.models import MatchedProject, Resource
from gongzhi.orgs.models import StationedUnit
from tests.conftest import make_user
from tests.e2e.helpers import sign_in

PHONE = {"width": 390, "height": 844}


def local(moment):
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


@pytest.mark.browser
def test_a_venue_and_a_need_are_matched_into_a_project(live_server, page, shot, tree, committee_worker):
    unit = StationedUnit(name="方松社区卫生服务中心", kind="hospital")
    unit.set_area(tree["fangsong"])
    unit.save()
    make_user("unit_liaison", Role.UNIT_LIAISON, unit, ScopeKind.STATIONED_UNIT)
    base = live_server.url
    page.set_extra_http_headers({"Accept-Language": "zh-CN,zh;q=0.9"})
    soon = timezone.now().replace(minute=0, second=0, microsecond=0) + dt.timedelta(days=3)

    # 1. The unit's liaison publishes a venue (on a desktop screen).
    sign_in(page, base, "unit_liaison")
    page.goto(f"{base}/matching/resources/new/")
    page.select_option("#id_area", label="方松街道")
    page.select_option("#id_kind", "venue")
    page.fill("#id_title", "健康教育室")
    page.fill("#id_capacity", "2")
    page.fill("#id_unit", "场")
    page.fill("#id_available_from", local(soon - dt.timedelta(days=2)))
    page.fill("#id_available_until", local(soon + dt.timedelta(days=20)))
    shot(page, "matching_1_unit_publishes_venue")
    page.click("#matching-submit")
    expect(page.locator("#resource-state")).to_be_visible()
    assert Resource.objects.get().publisher_label == "方松社区卫生服务中心"

    # 2. The committee publishes a need, on a phone.
    page.set_viewport_size({"width": 1280, "height": 800})
    sign_in(page, base, "jiangzhong_worker")
    page.set_viewport_size(PHONE)  # signed in on a desktop first: the phone menu hides the sign-out button
    page.goto(f"{base}/matching/needs/new/")
    page.select_option("#id_area", label="江中居委会")
    page.select_option("#id_kind", "venue")
    page.fill("#id_title", "老年人健康讲座场地")
    page.fill("#id_place", "需容纳60人")
    page.fill("#id_wanted_from", local(soon))
    page.fill("#id_wanted_until", local(soon + dt.timedelta(hours=2)))
    page.fill("#id_people_count", "60")
    shot(page, "matching_2_committee_publishes_need_phone")
    page.click("#matching-submit")
    expect(page.locator("#need-state")).to_be_visible()

    # 3. The matcher proposes the pair with its reasons; the worker accepts it.
    page.goto(f"{base}/matching/proposals/?area={tree['committee'].pk}")
    expect(page.locator(".pair").first).to_contain_text("健康教育室")
    shot(page, "matching_3_proposed_pair")
    page.locator(".pair button").first.click()
    expect(page.locator("#project-state")).to_be_visible()
    shot(page, "matching_4_project_created")
    project = MatchedProject.objects.get()
    assert project.resource.remaining == 1 and project.need.state == "matched"
    assert page.url.endswith(f"/matching/projects/{project.pk}/")
    assert committee_worker.pk == project.accepted_by_id
