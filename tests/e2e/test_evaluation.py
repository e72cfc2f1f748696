"""In a browser: a street admin builds an evaluation scheme, activates it, opens a round, scores the
reviewed indicator on a phone and closes the round; the ranking and a subject's evidence are shown —
screenshots saved."""

import pytest
from playwright.sync_api import expect

from gongzhi.core import rollups
from gongzhi.evaluation.models import Round, Scheme, Subject
from tests.e2e.helpers import sign_in

PHONE = {"width": 390, "height": 844}


def add_indicator(page, base, scheme, name, weight, target, source, metric=""):
    page.goto(f"{base}/evaluation/schemes/{scheme.pk}/indicators/new/")
    page.fill("#id_name", name)
    page.fill("#id_weight", str(weight))
    page.fill("#id_target", str(target))
    page.select_option("#id_source", source)
    if metric:
        page.select_option("#id_metric_key", metric)
    page.click("#evaluation-submit")
    expect(page.locator("#indicators")).to_contain_text(name)


@pytest.mark.browser
def test_a_street_admin_runs_an_evaluation_round_to_a_ranking(live_server, page, shot, tree, street_admin):
    year = 2026
    rollups.add_delta(tree["committee"], "cases.sat", f"{year}-03", 45, 50)
    rollups.add_delta(tree["other_committee"], "cases.sat", f"{year}-03", 36, 48)
    base = live_server.url
    page.set_extra_http_headers({"Accept-Language": "zh-CN,zh;q=0.9"})
    sign_in(page, base, "fangsong_admin")

    page.goto(f"{base}/evaluation/schemes/new/")
    page.select_option("#id_area", label="方松街道")
    page.select_option("#id_subject_kind", "committee")
    page.fill("#id_name", "居委会年度考核")
    page.fill("#id_year", str(year))
    shot(page, "evaluation_1_new_scheme")
    page.click("#evaluation-submit")
    scheme = Scheme.objects.get()
    add_indicator(page, base, scheme, "群众满意率", 60, 90, "computed", "cases.sat")
    add_indicator(page, base, scheme, "工作实绩", 30, 100, "reviewed")
    page.click("#activate")
    expect(page.locator(".alert-danger, .alert-error, [role=alert]").first).to_contain_text("90")
    shot(page, "evaluation_2_weights_refused")
    assert Scheme.objects.get().state == "draft"
    add_indicator(page, base, scheme, "居民评议", 10, 100, "reviewed")
    page.click("#activate")
    expect(page.locator("#open-round")).to_be_visible()
    shot(page, "evaluation_3_scheme_active")

    page.click("#open-round")
    page.click("#evaluation-submit")
    expect(page.locator("#scores")).to_contain_text("江秀居委会")
    round_ = Round.objects.get()

    page.set_viewport_size(PHONE)
    for subject in Subject.objects.filter(round=round_):
        for indicator in scheme.indicators.filter(source="reviewed"):
            page.goto(f"{base}/evaluation/subjects/{subject.pk}/")
            prefix = f"#id_i{indicator.pk}"
            page.fill(f"{prefix}-value", "90" if subject.label == "江中居委会" else "70")
            page.fill(f"{prefix}-comment", "台账齐全，服务有特色")
            page.locator(f"{prefix}-comment").locator("xpath=ancestor::form").locator("button").click()
            expect(page.locator(".alert-success, .alert").first).to_be_visible()
    shot(page, "evaluation_4_subject_scored_phone")
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(f"{base}/evaluation/rounds/{round_.pk}/")
    page.click("#close-round")
    expect(page.locator("#scores")).to_contain_text("1")
    shot(page, "evaluation_5_ranking")
    top = Subject.objects.get(round=round_, rank=1)
    # 江中: 60 × 90/90 + 30 × 0.9 + 10 × 0.9 = 96; 江秀: 60 × 75/90 (50) + 21 + 7 = 78
    assert top.label == "江中居委会" and str(top.total) == "96.00"
    page.goto(f"{base}/evaluation/subjects/{top.pk}/")
    expect(page.locator("#total")).to_have_text("96.00")
    shot(page, "evaluation_6_subject_result")
