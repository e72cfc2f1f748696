"""Surveys: who runs them, one response per person, only the audience, results, follow-up."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from gongzhi.accounts.roles import Role
from gongzhi.councils.models import Proposal
from gongzhi.matching.models import Need
from gongzhi.notices import surveys
from gongzhi.notices.models_bulletins import Survey, SurveyAnswer, SurveyResponse
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

QUESTIONS = [
    {"kind": "single", "text": "哪天晚上方便？", "choices": ["周二", "周四"]},
    {"kind": "multiple", "text": "希望开展哪些活动？", "choices": ["讲座", "义诊", "手工"]},
    {"kind": "rating", "text": "对社区服务的满意度", "rating_max": 5},
    {"kind": "text", "text": "其他建议", "required": False},
]


@pytest.fixture
def survey(tree, committee_worker, resident):
    s = surveys.create_survey(
        actor=committee_worker,
        title="社区活动需求调查",
        audience_kind="area_residents",
        audience_id=tree["committee"].pk,
        opens_at=timezone.now() - dt.timedelta(hours=1),
        closes_at=timezone.now() + dt.timedelta(days=7),
        questions=QUESTIONS,
    )
    return surveys.publish_survey(actor=committee_worker, survey=s)


def _answers(survey, single=0, multiple=(0, 1), rating=4, text=""):
    q = {x.position: x.pk for x in survey.questions.all()}
    return {q[1]: single, q[2]: list(multiple), q[3]: rating, q[4]: text}


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("committee_worker", True),
        ("community_worker", False),
        ("resident", False),
        ("party_secretary", False),
    ],
)
def test_running_a_survey_per_role(request, tree, who, allowed):
    actor = request.getfixturevalue(who)
    kwargs = dict(
        title="调查",
        audience_kind="area_residents",
        audience_id=tree["committee"].pk,
        opens_at=timezone.now(),
        closes_at=timezone.now() + dt.timedelta(days=1),
        questions=QUESTIONS,
    )
    if allowed:
        assert surveys.create_survey(actor=actor, **kwargs).questions.count() == 4
    else:
        with pytest.raises(PermissionDenied):
            surveys.create_survey(actor=actor, **kwargs)


def test_bad_questions_and_dates_are_refused(tree, committee_worker):
    with pytest.raises(ValidationError) as err:
        surveys.create_survey(
            actor=committee_worker,
            title="调查",
            audience_kind="area_residents",
            audience_id=tree["committee"].pk,
            opens_at=timezone.now(),
            closes_at=timezone.now() - dt.timedelta(days=1),
            questions=[{"kind": "single", "text": "只有一个选项", "choices": ["是"]}],
        )
    assert {"closes_at", "questions.1"} <= set(err.value.message_dict)
    assert not Survey.objects.exists()


def test_one_response_per_person_and_a_second_is_refused_with_nothing_written(survey, resident):
    surveys.submit_response(actor=resident, survey=survey, answers=_answers(survey))
    with pytest.raises(ValidationError) as err:
        surveys.submit_response(actor=resident, survey=survey, answers=_answers(survey, single=1))
    assert "__all__" in err.value.message_dict
    assert SurveyResponse.objects.count() == 1 and SurveyAnswer.objects.count() == 3
    survey.refresh_from_db()
    assert survey.response_count == 1


def test_only_the_audience_may_answer_while_open(tree, survey, committee_worker):
    outsider = make_user("malu_res", Role.RESIDENT, tree["malu_committee"])
    with pytest.raises(PermissionDenied):
        surveys.submit_response(actor=outsider, survey=survey, answers=_answers(survey))
    surveys.close_survey(actor=committee_worker, survey=survey)
    neighbour = make_user("neighbour", Role.RESIDENT, tree["committee"])
    with pytest.raises(ValidationError):
        surveys.submit_response(
            actor=neighbour, survey=Survey.objects.get(pk=survey.pk), answers=_answers(survey)
        )


def test_bad_answers_are_refused_per_question(survey, resident):
    with pytest.raises(ValidationError) as err:
        surveys.submit_response(actor=resident, survey=survey, answers=_answers(survey, single=7, rating=9))
    assert len(err.value.message_dict) == 2
    assert not SurveyResponse.objects.exists()


def test_results_count_each_choice_with_server_formatted_shares(tree, survey, resident):
    others = [make_user(f"r{i}", Role.RESIDENT, tree["committee"]) for i in range(2)]
    surveys.submit_response(
        actor=resident, survey=survey, answers=_answers(survey, single=0, rating=5, text="希望多办义诊")
    )
    surveys.submit_response(
        actor=others[0], survey=survey, answers=_answers(survey, single=0, multiple=(2,), rating=4)
    )
    surveys.submit_response(
        actor=others[1], survey=survey, answers=_answers(survey, single=1, multiple=(0,), rating=3)
    )
    rows = surveys.results(Survey.objects.get(pk=survey.pk))
    single, multiple, rating, text = rows
    assert [(c["count"], c["share"]) for c in single["choices"]] == [(2, "66.7%"), (1, "33.3%")]
    assert [c["count"] for c in multiple["choices"]] == [2, 1, 1]
    assert rating["average"] == "4.0"
    assert text["texts"][0]["text"] == "希望多办义诊"


def test_an_answer_becomes_a_need_and_a_result_a_proposal(tree, survey, resident, committee_worker):
    surveys.submit_response(
        actor=resident, survey=survey, answers=_answers(survey, text="希望增加老年助餐点")
    )
    answer = SurveyAnswer.objects.exclude(text="").get()
    need = surveys.need_from_survey(
        actor=committee_worker,
        survey=survey,
        answer=answer,
        area=tree["committee"],
        kind="funds",
        title="老年助餐点",
        wanted_from=timezone.now(),
        wanted_until=timezone.now() + dt.timedelta(days=30),
    )
    assert (need.source_type, need.source_id) == ("notices.surveyanswer", answer.pk)
    proposal = surveys.proposal_from_survey(
        actor=committee_worker,
        survey=survey,
        answer=answer,
        title="增设老年助餐点",
        body="问卷中居民提出增设老年助餐点。",
    )
    assert proposal.proposer == resident and proposal.source_type == "notices.surveyanswer"
    assert Need.objects.count() == 1 and Proposal.objects.count() == 1


def test_the_survey_pages_answer_and_show_results(client_for, survey, resident, committee_worker):
    page = client_for(resident).get(f"/notices/surveys/{survey.pk}/")
    assert 'id="survey-form"' in page.content.decode()
    q = {x.position: x.pk for x in survey.questions.all()}
    r = client_for(resident).post(
        f"/notices/surveys/{survey.pk}/", {f"q{q[1]}": "1", f"q{q[2]}": ["0", "2"], f"q{q[3]}": "5"}
    )
    assert r.status_code == 302 and SurveyResponse.objects.count() == 1
    r = client_for(resident).post(
        f"/api/v1/bulletins/surveys/{survey.pk}/responses",
        {"answers": {str(q[1]): 0, str(q[3]): 2}},
        content_type="application/json",
    )
    assert r.status_code == 422
    results = client_for(committee_worker).get(f"/notices/surveys/{survey.pk}/results/")
    assert "100.0%" in results.content.decode()
    assert client_for(resident).get(f"/notices/surveys/{survey.pk}/results/").status_code == 403
