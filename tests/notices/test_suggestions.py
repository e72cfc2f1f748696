"""The suggestion box: anyone posts within the rate limit; staff answer or turn it into a case,
a proposal or a need; the submitter sees the outcome; answered ones are public."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from gongzhi.cases.models import Case, CaseCategory
from gongzhi.councils.models import Proposal
from gongzhi.matching.models import Need
from gongzhi.notices import suggestions
from gongzhi.notices.models import Notification
from gongzhi.notices.models_bulletins import Suggestion

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


def _post(actor, area, ip="10.0.0.1", **kw):
    return suggestions.submit_suggestion(
        actor=actor,
        area=area,
        title=kw.get("title", "路灯不亮"),
        body=kw.get("body", "江中小区3号楼前路灯坏了一周。"),
        client_address=ip,
    )


def test_anyone_may_post_a_suggestion(tree, resident):
    anonymous = _post(None, tree["committee"])
    signed = _post(resident, tree["committee"])
    assert anonymous.submitter is None and signed.submitter == resident


def test_spam_beyond_the_rate_limit_is_refused_with_nothing_written(tree):
    for _ in range(5):
        _post(None, tree["committee"])
    with pytest.raises(suggestions.RateLimited) as err:
        _post(None, tree["committee"])
    assert "__all__" in err.value.message_dict and err.value.retry_after == 3600
    assert Suggestion.objects.count() == 5
    _post(None, tree["committee"], ip="10.0.0.2")  # another address is not affected


def test_the_api_answers_429_beyond_the_limit(client, tree):
    payload = {"area_id": tree["committee"].pk, "title": "建议", "body": "增加垃圾分类指导员。"}
    codes = [
        client.post("/api/v1/bulletins/suggestions", payload, content_type="application/json").status_code
        for _ in range(6)
    ]
    assert codes == [201] * 5 + [429]
    assert Suggestion.objects.count() == 5


def test_bad_input_is_refused(tree):
    with pytest.raises(ValidationError) as err:
        _post(None, tree["songjiang"], title="", body="x")
    assert {"area", "title", "body"} <= set(err.value.message_dict)


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("committee_worker", True),
        ("street_admin", True),
        ("resident", False),
        ("grid_worker", False),
        ("other_street_admin", False),
    ],
)
def test_answering_per_role(request, tree, who, allowed):
    s = _post(None, tree["committee"])
    actor = request.getfixturevalue(who)
    if allowed:
        assert (
            suggestions.answer_suggestion(actor=actor, suggestion=s, answer="已报修，三天内修好。").state
            == "answered"
        )
    else:
        with pytest.raises(PermissionDenied):
            suggestions.answer_suggestion(actor=actor, suggestion=s, answer="x")


def test_a_suggestion_becomes_a_case_and_the_submitter_sees_it(tree, resident, committee_worker, client_for):
    CaseCategory.objects.create(code="facilities", name="公共设施", resolve_within_days=5)
    s = _post(resident, tree["committee"])
    suggestions.suggestion_to_case(actor=committee_worker, suggestion=s, category="facilities")
    case = Case.objects.get()
    assert (case.channel, case.source_type, case.source_id) == ("suggestion_box", "notices.suggestion", s.pk)
    assert case.reporter_user == resident
    s.refresh_from_db()
    assert s.state == "case" and s.outcome_id == case.pk and case.number in s.answer
    assert Notification.objects.filter(recipient=resident, kind="notices.suggestion_outcome").exists()
    assert case.number in client_for(resident).get("/notices/suggestions/mine/").content.decode()
    with pytest.raises(ValidationError):  # handled once
        suggestions.answer_suggestion(actor=committee_worker, suggestion=s, answer="x")


def test_an_anonymous_suggestion_becomes_an_anonymous_case(tree, committee_worker):
    CaseCategory.objects.create(code="facilities", name="公共设施", resolve_within_days=5)
    s = _post(None, tree["committee"])
    suggestions.suggestion_to_case(actor=committee_worker, suggestion=s, category="facilities")
    assert Case.objects.get().anonymous


def test_a_suggestion_becomes_a_proposal_or_a_need(tree, resident, committee_worker):
    s1 = _post(resident, tree["committee"], title="增设休闲座椅", body="建议在小区花园增设休闲座椅。")
    suggestions.suggestion_to_proposal(actor=committee_worker, suggestion=s1)
    proposal = Proposal.objects.get()
    assert proposal.proposer == resident and proposal.source_id == s1.pk
    s2 = _post(None, tree["committee"], title="需要活动场地", body="老年合唱队缺少排练场地。")
    suggestions.suggestion_to_need(
        actor=committee_worker,
        suggestion=s2,
        kind="venue",
        wanted_from=timezone.now(),
        wanted_until=timezone.now() + dt.timedelta(days=10),
    )
    need = Need.objects.get()
    assert need.source_type == "notices.suggestion" and Suggestion.objects.get(pk=s2.pk).state == "need"


def test_answered_suggestions_are_public_without_names(client, tree, resident, committee_worker):
    s = _post(resident, tree["committee"], title="公开的建议")
    _post(None, tree["committee"], title="尚未答复")
    suggestions.answer_suggestion(actor=committee_worker, suggestion=s, answer="已采纳。")
    body = client.get("/notices/suggestions/answered/").content.decode()
    assert "公开的建议" in body and "尚未答复" not in body and "resident" not in body
    assert client.get("/api/v1/bulletins/suggestions/answered").json()["items"][0]["answer"] == "已采纳。"


def test_the_suggestion_page_works_without_signing_in(client, tree):
    assert client.get("/notices/suggest/").status_code == 200
    r = client.post(
        "/notices/suggest/",
        {
            "area": tree["committee"].pk,
            "title": "加装电梯",
            "body": "老楼加装电梯的建议。",
            "publish_answer": "on",
        },
    )
    assert r.status_code == 302 and Suggestion.objects.count() == 1
