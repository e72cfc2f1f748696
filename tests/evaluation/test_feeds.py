"""Results feed: party organizations of a closed round nominated for honours through the party app
(its eligibility rule and reason apply), social organizations' grade suggested and applied through
the orgs app's grade action; allowed and denied per role."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from freezegun import freeze_time

from gongzhi.evaluation import actions
from gongzhi.evaluation.models import Subject
from gongzhi.orgs.models import AnnualInspection, SocialOrganization
from gongzhi.party import actions as party_actions
from gongzhi.party.models import Honour
from tests.orgs.conftest import register

D = Decimal
NOW = "2026-11-20 10:00:00+08:00"


def _single_reviewed_round(area, kind, actor, extra_indicators=()):
    scheme = actions.create_scheme(actor=actor, area=area, subject_kind=kind, name=f"{kind}考核", year=2026)
    reviewed_weight = 100 - sum(i["weight"] for i in extra_indicators)
    for indicator in extra_indicators:
        actions.add_indicator(actor=actor, scheme=scheme, **indicator)
    actions.add_indicator(
        actor=actor, scheme=scheme, name="综合评价", weight=reviewed_weight, target=100, source="reviewed"
    )
    actions.activate_scheme(actor=actor, scheme=scheme)
    return actions.open_round(actor=actor, scheme=scheme)


def _review_and_close(round_, values: dict, actor):
    reviewed = round_.scheme.indicators.get(source="reviewed")
    for subject in round_.subjects.all():
        actions.score_indicator(
            actor=actor,
            subject=subject,
            indicator=reviewed,
            value=values.get(subject.label, 50),
            comment="评议",
        )
    actions.close_round(actor=actor, round_=round_)


# --- honours -------------------------------------------------------------------------------------
@pytest.fixture
def party_round(party, tree, street_admin):
    with freeze_time(NOW):
        round_ = _single_reviewed_round(tree["fangsong"], "party_organization", street_admin)
        _review_and_close(round_, {"松江区某某医院党委": 96, "江中居民区党委": 90}, street_admin)
    return round_


@freeze_time(NOW)
def test_top_party_organization_is_nominated_through_the_party_app_once_eligible(party, party_round):
    unit = Subject.objects.get(round=party_round, party_organization=party["unit_org"])
    assert unit.rank == 1 and unit.total == D("96.00")
    ok, reason = actions.honour_eligibility(unit)
    assert not ok and "did not take part" in reason
    with pytest.raises(ValidationError) as exc:
        actions.nominate_for_honour(
            actor=party["working_secretary"],
            subject=unit,
            awarded_by=party["working"],
            title="先进基层党组织",
        )
    assert "did not take part in community party building in 2026" in str(exc.value)
    assert not Honour.objects.exists() and Subject.objects.get(pk=unit.pk).honour_id is None

    task = party_actions.publish_task(
        actor=party["working_secretary"],
        organization=party["working"],
        title="垃圾分类宣传",
        due_on=dt.date(2026, 12, 1),
    )
    signup = party_actions.sign_up_unit(
        actor=party["workplace_secretary"], task=task, unit_organization=party["unit_org"]
    )
    party_actions.complete_signup(actor=party["working_secretary"], signup=signup, note="完成")

    honour = actions.nominate_for_honour(
        actor=party["working_secretary"], subject=unit, awarded_by=party["working"], title="先进基层党组织"
    )
    assert honour.organization == party["unit_org"] and honour.year == 2026 and honour.state == "nominated"
    assert "Ranked 1" in honour.citation
    assert Subject.objects.get(pk=unit.pk).honour == honour
    with pytest.raises(ValidationError, match="already been nominated"):
        actions.nominate_for_honour(
            actor=party["working_secretary"], subject=unit, awarded_by=party["working"], title="再次"
        )


@freeze_time(NOW)
def test_only_a_manager_of_the_awarding_organization_may_nominate(
    party, party_round, other_street_admin, outsider
):
    unit = Subject.objects.get(round=party_round, party_organization=party["unit_org"])
    for user in (party["other_secretary"], other_street_admin, outsider):
        with pytest.raises(PermissionDenied):
            actions.nominate_for_honour(actor=user, subject=unit, awarded_by=party["working"], title="先进")
    assert not Honour.objects.exists()


@freeze_time(NOW)
def test_an_honour_comes_from_a_closed_round_and_a_higher_organization(party, tree, street_admin):
    round_ = _single_reviewed_round(tree["fangsong"], "party_organization", street_admin)
    unit = Subject.objects.get(round=round_, party_organization=party["unit_org"])
    with pytest.raises(ValidationError, match="closed round"):
        actions.nominate_for_honour(
            actor=street_admin, subject=unit, awarded_by=party["working"], title="先进"
        )
    _review_and_close(round_, {}, street_admin)
    with pytest.raises(ValidationError, match="higher party organization"):
        actions.nominate_for_honour(
            actor=street_admin, subject=unit, awarded_by=party["unit_org"], title="先进"
        )
    assert not Honour.objects.exists()


# --- grades --------------------------------------------------------------------------------------
@pytest.fixture
def org_round(tree, street_admin):
    with freeze_time(NOW):
        good = register(
            tree["fangsong"], name="乐群社工服务社", org_type="non_enterprise_unit", subtype="civil_affairs"
        )
        register(tree["fangsong"], name="方松睦邻互助会")
        register(tree["malu"], name="马陆镇某协会")  # another district: not a subject
        inspection = AnnualInspection(
            organization=good,
            org_type=good.org_type,
            year=2025,
            state="reviewed",
            result="qualified",
            due_on=dt.date(2026, 5, 31),
        )
        inspection.set_area(good.area)
        inspection.save()
        round_ = _single_reviewed_round(
            tree["fangsong"],
            "social_organization",
            street_admin,
            [
                {
                    "name": "年检结果",
                    "weight": 40,
                    "target": 100,
                    "source": "computed",
                    "metric_key": "orgs.inspection",
                }
            ],
        )
        _review_and_close(round_, {"乐群社工服务社": 90, "方松睦邻互助会": 80}, street_admin)
    return round_


@freeze_time(NOW)
def test_grade_is_suggested_from_the_total_and_applied_through_the_orgs_action(org_round, registry_officer):
    good = Subject.objects.get(round=org_round, label="乐群社工服务社")
    fair = Subject.objects.get(round=org_round, label="方松睦邻互助会")
    # 乐群: 40 (qualified inspection 2025) + 60 × 90/100 = 94 → 5A; 睦邻: no inspection 0 + 60 × 0.8 = 48 → none.
    assert (good.total, good.rank, good.suggested_grade) == (D("94.00"), 1, "5A")
    assert (fair.total, fair.rank, fair.suggested_grade) == (D("48.00"), 2, "")
    evidence = good.scores.get(indicator__name="年检结果").evidence
    assert evidence["inspection_year"] == 2025 and evidence["result"] == "qualified"

    actions.suggest_grade(actor=registry_officer, subject=good, grade="4A", note="财务规范性一般")
    actions.apply_grade(actor=registry_officer, subject=good, awarded_on=dt.date(2026, 11, 20))
    org = SocialOrganization.objects.get(pk=good.social_organization_id)
    assert org.evaluation_grade == "4A" and org.grade_valid_until == dt.date(2031, 11, 20)
    assert Subject.objects.get(pk=good.pk).grade_applied_on == dt.date(2026, 11, 20)
    with pytest.raises(ValidationError, match="already been applied"):
        actions.apply_grade(actor=registry_officer, subject=good, awarded_on=dt.date(2026, 11, 20))
    with pytest.raises(ValidationError, match="suggestion first"):
        actions.apply_grade(actor=registry_officer, subject=fair, awarded_on=dt.date(2026, 11, 20))


@freeze_time(NOW)
def test_street_admin_and_outsider_cannot_suggest_or_apply_grades(
    org_round, street_admin, outsider, registry_officer
):
    good = Subject.objects.get(round=org_round, label="乐群社工服务社")
    for user in (street_admin, outsider):
        with pytest.raises(PermissionDenied):
            actions.suggest_grade(actor=user, subject=good, grade="3A")
        with pytest.raises(PermissionDenied):
            actions.apply_grade(actor=user, subject=good, awarded_on=dt.date(2026, 11, 20))
    with pytest.raises(ValidationError) as exc:
        actions.suggest_grade(actor=registry_officer, subject=good, grade="6A")
    assert "grade" in exc.value.message_dict
    assert SocialOrganization.objects.get(pk=good.social_organization_id).evaluation_grade == ""
    assert Subject.objects.get(pk=good.pk).suggested_grade == "5A"
