"""Evaluation pages and API: the whole flow through the API with structured errors, keyset-paged lists,
pages in Chinese with forms showing errors next to fields, and people outside the area refused."""

import datetime as dt
from decimal import Decimal

import pytest
from freezegun import freeze_time

from gongzhi.evaluation import actions
from gongzhi.evaluation.models import Indicator, Round, Scheme, Subject

from .conftest import INDICATORS, review_all

pytestmark = pytest.mark.django_db
NOW = "2026-06-15 10:00:00+08:00"
JSON = "application/json"


@freeze_time(NOW)
def test_the_api_runs_a_scheme_from_creation_to_ranking(client_for, tree, street_admin, figures):
    api = client_for(street_admin)
    r = api.post(
        "/api/v1/evaluation/schemes",
        {"area_id": tree["fangsong"].pk, "subject_kind": "committee", "name": "居委会年度考核", "year": 2026},
        content_type=JSON,
    )
    assert r.status_code == 201
    scheme_id = r.json()["id"]
    for name, weight, target, direction, source, metric in INDICATORS:
        body = {"name": name, "weight": weight, "target": target, "direction": direction, "source": source}
        r = api.post(
            f"/api/v1/evaluation/schemes/{scheme_id}/indicators",
            {**body, "metric_key": metric},
            content_type=JSON,
        )
        assert r.status_code == 201, r.json()
    sat_id = Indicator.objects.get(scheme_id=scheme_id, name="群众满意率").pk
    r = api.put(f"/api/v1/evaluation/indicators/{sat_id}/stage-goals/H1", {"target": "85"}, content_type=JSON)
    assert r.status_code == 200 and r.json()["stage_goals"] == [{"stage": "H1", "target": "85.00"}]
    r = api.post(f"/api/v1/evaluation/schemes/{scheme_id}/activate")
    assert r.status_code == 200 and r.json()["state"] == "active"
    r = api.post("/api/v1/evaluation/rounds", {"scheme_id": scheme_id}, content_type=JSON)
    assert r.status_code == 201
    round_id = r.json()["id"]

    r = api.post(f"/api/v1/evaluation/rounds/{round_id}/close")
    assert r.status_code == 422 and r.json()["error"]["code"] == "validation_error"
    assert "scores" in r.json()["error"]["fields"]

    subjects = api.get(f"/api/v1/evaluation/rounds/{round_id}/subjects").json()["items"]
    reviews = {"江中居委会": {"信访件数": 4, "工作实绩": 85}, "江秀居委会": {"信访件数": 1, "工作实绩": 70}}
    for s in subjects:
        for name, value in reviews[s["label"]].items():
            indicator = Indicator.objects.get(scheme_id=scheme_id, name=name)
            r = api.post(
                f"/api/v1/evaluation/subjects/{s['id']}/scores",
                {"indicator_id": indicator.pk, "value": value, "comment": "现场检查", "evidence": "台账"},
                content_type=JSON,
            )
            assert r.status_code == 200
    assert api.post(f"/api/v1/evaluation/rounds/{round_id}/close").status_code == 200
    ranking = api.get(f"/api/v1/evaluation/rounds/{round_id}/subjects?limit=1").json()
    assert ranking["items"][0]["label"] == "江中居委会" and ranking["items"][0]["rank"] == 1
    assert ranking["items"][0]["total"] == "86.50" and ranking["next_cursor"]
    second = api.get(f"/api/v1/evaluation/rounds/{round_id}/subjects?limit=1&cursor={ranking['next_cursor']}")
    assert second.json()["items"][0]["total"] == "84.33" and second.json()["next_cursor"] is None
    detail = api.get(f"/api/v1/evaluation/subjects/{ranking['items'][0]['id']}").json()
    sat = next(s for s in detail["scores"] if s["indicator"] == "群众满意率")
    assert sat["evidence"]["numerator"] == "45" and sat["points"] == "40.00"
    assert api.get("/api/v1/evaluation/schemes").json()["items"][0]["id"] == scheme_id
    assert api.get(f"/api/v1/evaluation/rounds?scheme_id={scheme_id}").json()["items"][0]["state"] == "closed"
    # Closed: no more scores.
    r = api.post(
        f"/api/v1/evaluation/subjects/{s['id']}/scores",
        {"indicator_id": indicator.pk, "value": 1, "comment": "改"},
        content_type=JSON,
    )
    assert r.status_code == 422 and "state" in r.json()["error"]["fields"]


def test_api_bad_input_answers_structured_errors_and_writes_nothing(client_for, tree, street_admin, scheme):
    api = client_for(street_admin)
    r = api.post(
        f"/api/v1/evaluation/schemes/{scheme.pk}/indicators",
        {"name": "坏\u0000", "weight": 10, "target": 1, "source": "reviewed"},
        content_type=JSON,
    )
    assert r.status_code == 422 and "name" in r.json()["error"]["fields"]
    r = api.post(
        f"/api/v1/evaluation/schemes/{scheme.pk}/indicators",
        {"name": "新增", "weight": 10, "target": 1, "source": "computed", "metric_key": "party.six_acts"},
        content_type=JSON,
    )
    assert r.status_code == 422 and r.json()["error"]["fields"]["metric_key"]
    assert Indicator.objects.filter(scheme=scheme).count() == 4
    r = api.post(
        f"/api/v1/evaluation/schemes/{scheme.pk}/indicators",
        {"name": "新增", "weight": 10, "target": 1, "source": "reviewed"},
        content_type=JSON,
    )
    assert r.status_code == 201
    r = api.post(f"/api/v1/evaluation/schemes/{scheme.pk}/activate")
    assert r.status_code == 422 and "110" in r.json()["error"]["message"]  # the total is named
    assert api.get("/api/v1/evaluation/rounds?cursor=forged").status_code == 400
    assert api.get("/api/v1/evaluation/schemes/999999").status_code == 404


def test_api_refuses_people_outside_the_area(
    client_for, tree, scheme, other_street_admin, outsider, registry_officer
):
    for user in (other_street_admin, outsider):
        api = client_for(user)
        assert api.get(f"/api/v1/evaluation/schemes/{scheme.pk}").status_code == 403
        assert api.post(f"/api/v1/evaluation/schemes/{scheme.pk}/activate").status_code == 403
        assert api.get("/api/v1/evaluation/schemes").json()["items"] == []
    r = client_for(registry_officer).post(
        "/api/v1/evaluation/schemes",
        {"area_id": tree["fangsong"].pk, "subject_kind": "committee", "name": "乙", "year": 2026},
        content_type=JSON,
    )
    assert r.status_code == 403 and r.json()["error"]["code"] == "forbidden"
    assert Scheme.objects.count() == 1 and Scheme.objects.get().state == "draft"


@freeze_time(NOW)
def test_pages_show_schemes_rounds_and_results_in_chinese(client_for, tree, street_admin, scheme, figures):
    client = client_for(street_admin)
    page = client.get("/evaluation/").content.decode()
    assert "居委会年度考核" in page and "考核" in page
    detail = client.get(f"/evaluation/schemes/{scheme.pk}/").content.decode()
    assert "群众满意率" in detail and 'id="weight-sum">100' in detail
    assert client.post(f"/evaluation/schemes/{scheme.pk}/activate/").status_code == 302
    r = client.post(
        f"/evaluation/schemes/{scheme.pk}/rounds/new/", {"area": tree["fangsong"].pk, "stage": "", "name": ""}
    )
    round_ = Round.objects.get()
    assert r.status_code == 302 and r.url == f"/evaluation/rounds/{round_.pk}/"
    assert "江秀居委会" in client.get(r.url).content.decode()
    subject = round_.subjects.get(label="江中居委会")
    page = client.get(f"/evaluation/subjects/{subject.pk}/").content.decode()
    assert "45 ÷ 50" in page and 'name="indicator"' in page
    reviewed = scheme.indicators.get(name="工作实绩")
    p = f"i{reviewed.pk}"
    bad = client.post(
        f"/evaluation/subjects/{subject.pk}/score/",
        {"indicator": reviewed.pk, f"{p}-value": "-3", f"{p}-comment": "x"},
    )
    assert bad.status_code == 422 and f'id="id_{p}-value-errors"' in bad.content.decode()
    good = client.post(
        f"/evaluation/subjects/{subject.pk}/score/",
        {
            "indicator": reviewed.pk,
            f"{p}-value": "85",
            f"{p}-comment": "实绩突出",
        },
    )
    assert good.status_code == 302
    assert subject.scores.get(indicator=reviewed).value == Decimal("85.00")
    review_all(
        round_, {"江中居委会": {"信访件数": 4, "工作实绩": 85}, "江秀居委会": {"信访件数": 1, "工作实绩": 70}}
    )
    assert client.post(f"/evaluation/rounds/{round_.pk}/close/").status_code == 302
    ranking = client.get(f"/evaluation/rounds/{round_.pk}/").content.decode()
    assert (
        "86.50" in ranking
        and "84.33" in ranking
        and ranking.index("江中居委会") < ranking.index("江秀居委会")
    )


def test_scheme_form_shows_errors_next_to_fields_and_writes_nothing(client_for, tree, street_admin):
    client = client_for(street_admin)
    assert client.get("/evaluation/schemes/new/").status_code == 200
    r = client.post(
        "/evaluation/schemes/new/",
        {"area": tree["fangsong"].pk, "subject_kind": "committee", "name": "", "year": "1800"},
    )
    assert (
        r.status_code == 200
        and 'id="id_name-errors"' in r.content.decode()
        and 'id="id_year-errors"' in r.content.decode()
    )
    assert not Scheme.objects.exists()


def test_pages_refuse_people_outside_the_area(client_for, tree, scheme, other_street_admin, outsider):
    assert client_for(other_street_admin).get(f"/evaluation/schemes/{scheme.pk}/").status_code == 403
    assert (
        client_for(other_street_admin).post(f"/evaluation/schemes/{scheme.pk}/activate/").status_code == 403
    )
    assert client_for(outsider).get("/evaluation/").status_code == 403
    assert Scheme.objects.get().state == "draft"


@freeze_time("2026-11-20 10:00:00+08:00")
def test_the_working_committee_secretary_nominates_from_the_subject_page(
    client_for, party, tree, street_admin
):
    scheme = actions.create_scheme(
        actor=None, area=tree["fangsong"], subject_kind="party_organization", name="党组织考核", year=2026
    )
    indicator = actions.add_indicator(
        actor=None, scheme=scheme, name="评议", weight=100, target=100, source="reviewed"
    )
    actions.activate_scheme(actor=None, scheme=scheme)
    round_ = actions.open_round(actor=None, scheme=scheme)
    for subject in round_.subjects.all():
        actions.score_indicator(actor=None, subject=subject, indicator=indicator, value=80, comment="评议")
    actions.close_round(actor=None, round_=round_)
    subject = Subject.objects.get(round=round_, party_organization=party["residential"])
    client = client_for(party["working_secretary"])
    page = client.get(f"/evaluation/subjects/{subject.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="eligibility"' in html and 'id="nominate"' in html
    r = client.post(
        f"/evaluation/subjects/{subject.pk}/honour/",
        {"awarded_by": party["working"].pk, "title": "先进基层党组织"},
    )
    assert r.status_code == 422 and "2026" in r.content.decode()
    assert Subject.objects.get(pk=subject.pk).honour_id is None
    assert client_for(party["other_secretary"]).get(f"/evaluation/rounds/{round_.pk}/").status_code == 403
    assert dt.date(2026, 11, 20)  # the round's year is the honour's year
