"""Schemes and rounds: the known scenario with hand-computed scores and ranking, weights that do not sum
to 100, stage goals, closed rounds immutable, permissions per role, bad input writes nothing."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from freezegun import freeze_time

from gongzhi.core.models import AuditEvent
from gongzhi.evaluation import actions
from gongzhi.evaluation.models import Indicator, Round, Scheme, Score, Subject

from .conftest import review_all

D = Decimal
REVIEWS = {
    "江中居委会": {"信访件数": 4, "工作实绩": 85},
    "江秀居委会": {"信访件数": 1, "工作实绩": 70},
}


@freeze_time("2026-06-15 10:00:00+08:00")
def test_round_scores_and_ranks_the_committees_as_computed_by_hand(scheme, figures, street_admin):
    actions.activate_scheme(actor=street_admin, scheme=scheme)
    round_ = actions.open_round(actor=street_admin, scheme=scheme)
    assert round_.period_from == "2026-01" and round_.period_to == "2026-12"
    assert sorted(round_.subjects.values_list("label", flat=True)) == ["江中居委会", "江秀居委会"]
    jz = round_.subjects.get(label="江中居委会")
    sat = Score.objects.get(subject=jz, indicator__name="群众满意率")
    # Computed on opening, with the evidence behind the value.
    assert sat.value == D("90.00") and sat.points == D("40.00")
    assert sat.evidence["numerator"] == "45" and sat.evidence["denominator"] == "50"
    assert sat.evidence["source"] == "rollup cases.sat 2026-01..2026-12"
    review_all(round_, REVIEWS, actor=street_admin)
    actions.close_round(actor=street_admin, round_=round_)

    jz, jx = (Subject.objects.get(round=round_, label=n) for n in ("江中居委会", "江秀居委会"))
    # 江中: 40 × min(90/90, 1) + 20 × 80/100 + 10 × 2/4 + 30 × 85/100 = 40 + 16 + 5 + 25.5
    assert jz.total == D("86.50") and jz.rank == 1
    # 江秀: 40 × 75/90 (33.33) + 20 × min(120/100, 1) + 10 × min(2/1, 1) + 30 × 70/100 = 33.33 + 20 + 10 + 21
    assert jx.total == D("84.33") and jx.rank == 2
    points = dict(Score.objects.filter(subject=jx).values_list("indicator__name", "points"))
    assert points == {
        "群众满意率": D("33.33"),
        "志愿服务时长": D("20.00"),
        "信访件数": D("10.00"),
        "工作实绩": D("21.00"),
    }
    assert Round.objects.get(pk=round_.pk).state == "closed"
    assert AuditEvent.objects.filter(verb="evaluation.round_closed", object_id=str(round_.pk)).count() == 1


@freeze_time("2026-06-15 10:00:00+08:00")
def test_a_stage_goal_is_the_target_of_a_round_for_that_stage(scheme, figures, street_admin):
    sat = scheme.indicators.get(name="群众满意率")
    actions.set_stage_goal(actor=street_admin, indicator=sat, stage="Q1", target="80")
    actions.activate_scheme(actor=street_admin, scheme=scheme)
    round_ = actions.open_round(actor=street_admin, scheme=scheme, stage="Q1")
    assert (round_.period_from, round_.period_to) == ("2026-01", "2026-03")
    score = Score.objects.get(subject__round=round_, subject__label="江秀居委会", indicator=sat)
    assert score.target == D("80.00") and score.points == D("37.50")  # 40 × 75/80
    # Indicators without a Q1 goal keep their annual target.
    hours = Score.objects.get(
        subject__round=round_, subject__label="江秀居委会", indicator__name="志愿服务时长"
    )
    assert hours.target == D("100.00")


def test_weights_not_summing_to_100_are_refused_on_activation(scheme, street_admin):
    indicator = scheme.indicators.get(name="工作实绩")
    actions.update_indicator(
        actor=street_admin,
        indicator=indicator,
        name="工作实绩",
        weight=25,
        target=100,
        direction="higher",
        source="reviewed",
    )
    with pytest.raises(ValidationError) as exc:
        actions.activate_scheme(actor=street_admin, scheme=scheme)
    assert "must sum to 100; they sum to 95" in str(exc.value)
    assert Scheme.objects.get(pk=scheme.pk).state == "draft"
    with pytest.raises(ValidationError) as exc:
        actions.open_round(actor=street_admin, scheme=scheme)
    assert "Activate the scheme" in str(exc.value)
    assert not Round.objects.exists()


def test_an_active_scheme_can_no_longer_be_changed(scheme, street_admin):
    actions.activate_scheme(actor=street_admin, scheme=scheme)
    with pytest.raises(ValidationError):
        actions.add_indicator(
            actor=street_admin, scheme=scheme, name="新", weight=1, target=1, source="reviewed"
        )
    with pytest.raises(ValidationError):
        actions.remove_indicator(actor=street_admin, indicator=scheme.indicators.first())
    assert scheme.indicators.count() == 4


@freeze_time("2026-06-15 10:00:00+08:00")
def test_closing_is_refused_while_reviewed_scores_are_missing(scheme, figures, street_admin):
    actions.activate_scheme(actor=street_admin, scheme=scheme)
    round_ = actions.open_round(actor=street_admin, scheme=scheme)
    with pytest.raises(ValidationError) as exc:
        actions.close_round(actor=street_admin, round_=round_)
    assert "4 reviewed scores are still missing" in str(exc.value)
    assert Round.objects.get(pk=round_.pk).state == "open"
    assert not Subject.objects.filter(round=round_, total__isnull=False).exists()


@freeze_time("2026-06-15 10:00:00+08:00")
def test_a_closed_round_is_immutable(scheme, figures, street_admin):
    actions.activate_scheme(actor=street_admin, scheme=scheme)
    round_ = actions.open_round(actor=street_admin, scheme=scheme)
    review_all(round_, REVIEWS)
    actions.close_round(actor=street_admin, round_=round_)
    subject = round_.subjects.get(label="江中居委会")
    reviewed = scheme.indicators.get(name="工作实绩")
    before = list(Score.objects.filter(subject__round=round_).order_by("id").values_list("value", "points"))
    with pytest.raises(ValidationError, match="closed"):
        actions.score_indicator(
            actor=street_admin, subject=subject, indicator=reviewed, value=100, comment="改分"
        )
    with pytest.raises(ValidationError, match="closed"):
        actions.refresh_computed(actor=street_admin, round_=round_)
    with pytest.raises(ValidationError, match="closed"):
        actions.close_round(actor=street_admin, round_=round_)
    after = list(Score.objects.filter(subject__round=round_).order_by("id").values_list("value", "points"))
    assert before == after
    assert Subject.objects.get(pk=subject.pk).total == D("86.50")


@freeze_time("2026-06-15 10:00:00+08:00")
def test_refresh_recomputes_computed_indicators_with_new_figures(scheme, figures, street_admin, tree):
    from gongzhi.core import rollups

    actions.activate_scheme(actor=street_admin, scheme=scheme)
    round_ = actions.open_round(actor=street_admin, scheme=scheme)
    rollups.add_delta(tree["other_committee"], "cases.sat", "2026-05", 12, 12)  # now 48/60 = 80 %
    actions.refresh_computed(actor=street_admin, round_=round_)
    score = Score.objects.get(
        subject__round=round_, subject__label="江秀居委会", indicator__name="群众满意率"
    )
    assert score.value == D("80.00") and score.evidence["numerator"] == "48"


# --- permissions ---------------------------------------------------------------------------------
def test_street_admin_runs_schemes_of_their_street_only(tree, street_admin, other_street_admin):
    actions.create_scheme(
        actor=street_admin, area=tree["fangsong"], subject_kind="committee", name="甲", year=2026
    )
    with pytest.raises(PermissionDenied):
        actions.create_scheme(
            actor=other_street_admin, area=tree["fangsong"], subject_kind="committee", name="乙", year=2026
        )
    assert Scheme.objects.count() == 1


@freeze_time("2026-06-15 10:00:00+08:00")
def test_other_street_admin_cannot_activate_open_score_or_close(
    scheme, figures, street_admin, other_street_admin
):
    with pytest.raises(PermissionDenied):
        actions.activate_scheme(actor=other_street_admin, scheme=scheme)
    actions.activate_scheme(actor=street_admin, scheme=scheme)
    with pytest.raises(PermissionDenied):
        actions.open_round(actor=other_street_admin, scheme=scheme)
    round_ = actions.open_round(actor=street_admin, scheme=scheme)
    subject = round_.subjects.first()
    reviewed = scheme.indicators.get(name="工作实绩")
    with pytest.raises(PermissionDenied):
        actions.score_indicator(
            actor=other_street_admin, subject=subject, indicator=reviewed, value=1, comment="x"
        )
    with pytest.raises(PermissionDenied):
        actions.close_round(actor=other_street_admin, round_=round_)


@freeze_time("2026-06-15 10:00:00+08:00")
def test_registry_officer_and_outsider_cannot_run_a_committee_scheme(
    scheme, figures, street_admin, registry_officer, outsider, committee_worker
):
    for user in (registry_officer, outsider, committee_worker):
        with pytest.raises(PermissionDenied):
            actions.activate_scheme(actor=user, scheme=scheme)
    actions.activate_scheme(actor=street_admin, scheme=scheme)
    round_ = actions.open_round(actor=street_admin, scheme=scheme)
    subject = round_.subjects.first()
    reviewed = scheme.indicators.get(name="工作实绩")
    for user in (outsider, committee_worker):
        with pytest.raises(PermissionDenied):
            actions.score_indicator(actor=user, subject=subject, indicator=reviewed, value=1, comment="x")
    # The registry officer (district scope) may review.
    actions.score_indicator(
        actor=registry_officer, subject=subject, indicator=reviewed, value=90, comment="好"
    )
    assert Score.objects.get(subject=subject, indicator=reviewed).points == D("27.00")


# --- bad input -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "changes, field",
    [
        ({"weight": "abc"}, "weight"),
        ({"weight": "0"}, "weight"),
        ({"weight": "101"}, "weight"),
        ({"weight": "1.234"}, "weight"),
        ({"target": "0"}, "target"),
        ({"name": "坏\x00名"}, "name"),
        ({"name": ""}, "name"),
        ({"direction": "sideways"}, "direction"),
        ({"source": "guess"}, "source"),
        ({"source": "computed", "metric_key": ""}, "metric_key"),
        ({"source": "computed", "metric_key": "orgs.inspection"}, "metric_key"),
        ({"source": "computed", "metric_key": "nope"}, "metric_key"),
    ],
)
def test_bad_indicator_input_gives_a_clear_message_and_writes_nothing(tree, street_admin, changes, field):
    scheme = actions.create_scheme(
        actor=street_admin, area=tree["fangsong"], subject_kind="committee", name="甲", year=2026
    )
    events = AuditEvent.objects.count()
    data = {
        "name": "指标",
        "weight": "50",
        "target": "90",
        "direction": "higher",
        "source": "reviewed",
        **changes,
    }
    with pytest.raises(ValidationError) as exc:
        actions.add_indicator(actor=street_admin, scheme=scheme, **data)
    assert field in exc.value.message_dict and exc.value.message_dict[field][0]
    assert not Indicator.objects.exists()
    assert AuditEvent.objects.count() == events


def test_bad_scheme_input_is_refused(tree, street_admin):
    with pytest.raises(ValidationError) as exc:
        actions.create_scheme(
            actor=street_admin, area=tree["committee"], subject_kind="planets", name="", year=1900
        )
    assert set(exc.value.message_dict) == {"area", "subject_kind", "name", "year"}
    actions.create_scheme(
        actor=street_admin, area=tree["fangsong"], subject_kind="committee", name="甲", year=2026
    )
    with pytest.raises(ValidationError, match="already has a scheme"):
        actions.create_scheme(
            actor=street_admin, area=tree["fangsong"], subject_kind="committee", name="甲", year=2026
        )
    assert Scheme.objects.count() == 1


@freeze_time("2026-06-15 10:00:00+08:00")
def test_bad_review_input_is_refused_and_writes_nothing(scheme, figures, street_admin):
    actions.activate_scheme(actor=street_admin, scheme=scheme)
    round_ = actions.open_round(actor=street_admin, scheme=scheme)
    subject = round_.subjects.first()
    reviewed = scheme.indicators.get(name="工作实绩")
    computed = scheme.indicators.get(name="群众满意率")
    for kwargs, field in [
        ({"indicator": reviewed, "value": "-1", "comment": "x"}, "value"),
        ({"indicator": reviewed, "value": "x", "comment": "x"}, "value"),
        ({"indicator": reviewed, "value": "5", "comment": ""}, "comment"),
        ({"indicator": computed, "value": "5", "comment": "x"}, "indicator"),
    ]:
        with pytest.raises(ValidationError) as exc:
            actions.score_indicator(actor=street_admin, subject=subject, **kwargs)
        assert field in exc.value.message_dict
    assert not Score.objects.filter(indicator=reviewed, value__isnull=False).exists()


def test_a_round_needs_subjects_of_the_kind_in_its_area(tree, street_admin):
    scheme = actions.create_scheme(
        actor=street_admin, area=tree["fangsong"], subject_kind="community", name="社区考核", year=2026
    )
    actions.add_indicator(
        actor=street_admin, scheme=scheme, name="实绩", weight=100, target=100, source="reviewed"
    )
    actions.activate_scheme(actor=street_admin, scheme=scheme)
    with pytest.raises(ValidationError, match="no subjects"):
        actions.open_round(actor=street_admin, scheme=scheme)
    assert not Round.objects.exists()
