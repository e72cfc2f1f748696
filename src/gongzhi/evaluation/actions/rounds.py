"""Round actions: open a round of an active scheme over the subjects of an area (computed indicators
filled at once with their evidence), refresh the computed figures, enter reviewers' scores, and close
the round (totals and ranking). A closed round is immutable: every action here refuses it."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.areas.models import Area, subtree_q
from gongzhi.core import audit, policy

from .. import metrics, scoring
from .. import permissions as P
from ..models import STAGE_MONTHS, Indicator, Round, Scheme, Score, Stage, Subject, SubjectKind
from ._common import number, raise_if, text, user_or_none

MAX_SUBJECTS = 3000
COMMITTEE_KINDS = ("residents_committee", "village_committee")


def period_of(scheme: Scheme, stage: str) -> metrics.Period:
    first, last = STAGE_MONTHS[stage]
    return metrics.Period(
        scheme.year, stage, f"{scheme.year:04d}-{first:02d}", f"{scheme.year:04d}-{last:02d}"
    )


def target_for(indicator: Indicator, stage: str, goals: dict | None = None):
    """The stage goal of the indicator for the stage, else its (annual) target."""
    if goals is not None:
        return goals.get((indicator.pk, stage), indicator.target)
    goal = indicator.stage_goals.filter(stage=stage).first()
    return goal.target if goal else indicator.target


def _candidates(kind: str, area: Area) -> list[dict]:
    """The subjects of a kind inside the area's subtree: [{area, social_organization, party_organization, label}]."""
    if kind == SubjectKind.COMMUNITY:
        rows = Area.objects.subtree(area).filter(kind="community").order_by("path")
        return [{"area": a, "label": a.name} for a in rows]
    if kind == SubjectKind.COMMITTEE:
        rows = Area.objects.subtree(area).filter(kind__in=COMMITTEE_KINDS).order_by("path")
        return [{"area": a, "label": a.name} for a in rows]
    if kind == SubjectKind.SOCIAL_ORGANIZATION:
        from gongzhi.orgs.models import SocialOrganization
        from gongzhi.orgs.models.registry import OrgStatus

        rows = (
            SocialOrganization.objects.filter(subtree_q("area_path", area.path))
            .exclude(status=OrgStatus.DEREGISTERED)
            .select_related("area")
            .order_by("name", "id")
        )
        return [{"area": o.area, "social_organization": o, "label": o.name} for o in rows[: MAX_SUBJECTS + 1]]
    from gongzhi.party.models import PartyOrganization

    rows = (
        PartyOrganization.objects.filter(subtree_q("area_path", area.path), is_active=True)
        .select_related("area")
        .order_by("name", "id")
    )
    return [{"area": o.area, "party_organization": o, "label": o.name} for o in rows[: MAX_SUBJECTS + 1]]


def _fill(score: Score, indicator: Indicator, subject: Subject, period: metrics.Period) -> None:
    """Compute a computed indicator's value, evidence and points for a subject."""
    m = metrics.measure(indicator.metric_key, subject, period)
    score.value = m.value
    score.evidence = m.evidence(indicator.metric_key)
    score.points = scoring.points(m.value, score.target, indicator.weight, indicator.direction)
    score.scored_at = timezone.now()


def _locked_open(round_: Round) -> Round:
    locked = Round.objects.select_for_update(of=("self",)).select_related("scheme", "area").get(pk=round_.pk)
    if locked.state != Round.State.OPEN:
        raise ValidationError({"state": _("This round is closed; its results can no longer change.")})
    return locked


@transaction.atomic
def open_round(*, actor, scheme: Scheme, area: Area | None = None, stage: str = "", name: str = "") -> Round:
    """Evaluate every subject of the scheme's kind inside `area` (default: the owner area) for a period."""
    scheme = Scheme.objects.select_related("area").get(pk=scheme.pk)
    area = area or scheme.area
    policy.require(actor, P.MANAGE, area=area)
    errors: dict = {}
    if scheme.state != Scheme.State.ACTIVE:
        errors["scheme"] = _("Activate the scheme before opening a round.")
    if not scheme.area.contains(area):
        errors["area"] = _("The round's area must lie inside the scheme's owner area.")
    if stage not in Stage.values:
        errors["stage"] = _("Choose a quarter, a half-year or the whole year.")
    name = text(errors, "name", name, 120, required=False)
    raise_if(errors)
    candidates = _candidates(scheme.subject_kind, area)
    if not candidates:
        raise ValidationError({"area": _("There are no subjects of this kind in the area.")})
    if len(candidates) > MAX_SUBJECTS:
        raise ValidationError(
            {"area": _("More than %(n)d subjects: open the round for a smaller area.") % {"n": MAX_SUBJECTS}}
        )
    period = period_of(scheme, stage)
    round_ = Round(
        scheme=scheme,
        name=name or f"{scheme.name} {scheme.year}{stage}",
        stage=stage,
        period_from=period.period_from,
        period_to=period.period_to,
        opened_by=user_or_none(actor),
        is_demo=scheme.is_demo,
    )
    round_.set_area(area)
    round_.save()
    subjects = Subject.objects.bulk_create(
        [Subject(round=round_, kind=scheme.subject_kind, **c) for c in candidates]
    )
    indicators = list(scheme.indicators.all())
    goals = {(g.indicator_id, g.stage): g.target for i in indicators for g in i.stage_goals.all()}
    scores = []
    for subject in subjects:
        for indicator in indicators:
            score = Score(subject=subject, indicator=indicator, target=target_for(indicator, stage, goals))
            if indicator.source == Indicator.Source.COMPUTED:
                _fill(score, indicator, subject, period)
            scores.append(score)
    Score.objects.bulk_create(scores, batch_size=1000)
    audit.record(
        actor,
        "evaluation.round_opened",
        round_,
        details={"scheme": scheme.pk, "stage": stage, "subjects": len(subjects)},
    )
    return round_


@transaction.atomic
def refresh_computed(*, actor, round_: Round) -> Round:
    """Recompute the computed indicators of an open round from today's figures (new evidence snapshot)."""
    policy.require(actor, P.MANAGE, area=round_.area)
    round_ = _locked_open(round_)
    period = period_of(round_.scheme, round_.stage)
    scores = list(
        Score.objects.filter(
            subject__round=round_, indicator__source=Indicator.Source.COMPUTED
        ).select_related(
            "indicator", "subject__area", "subject__social_organization", "subject__party_organization"
        )
    )
    for score in scores:
        _fill(score, score.indicator, score.subject, period)
    Score.objects.bulk_update(scores, ["value", "evidence", "points", "scored_at"], batch_size=1000)
    audit.record(actor, "evaluation.round_refreshed", round_, details={"scores": len(scores)})
    return round_


def score_indicator(
    *, actor, subject: Subject, indicator: Indicator, value, comment: str, evidence: str = ""
) -> Score:
    """A reviewer's value for a reviewed indicator of one subject, with the reason and the evidence seen."""
    policy.require(actor, P.REVIEW, area=subject.area)
    errors: dict = {}
    if indicator.scheme_id != subject.round.scheme_id:
        errors["indicator"] = _("This indicator is not part of the round's scheme.")
    elif indicator.source != Indicator.Source.REVIEWED:
        errors["indicator"] = _("This indicator is computed from platform figures, not scored by reviewers.")
    value = number(errors, "value", value, low=0, high=10**9)
    comment = text(errors, "comment", comment, 2000)
    evidence = text(errors, "evidence", evidence, 2000, required=False)
    raise_if(errors)
    with transaction.atomic():
        _locked_open(subject.round)
        score = Score.objects.select_for_update().get(subject=subject, indicator=indicator)
        score.value = value
        score.comment = comment
        score.evidence = {"reviewed_by": getattr(actor, "username", "system"), "evidence": evidence}
        score.points = scoring.points(value, score.target, indicator.weight, indicator.direction)
        score.scored_by = user_or_none(actor)
        score.scored_at = timezone.now()
        score.save()
        audit.record(
            actor,
            "evaluation.score_entered",
            subject,
            details={"round": subject.round_id, "indicator": indicator.name, "value": value},
        )
    return score


@transaction.atomic
def close_round(*, actor, round_: Round) -> Round:
    """Compute every subject's weighted total and the ranking, and freeze the round.

    Refused while a reviewed indicator of any subject still has no score.
    """
    policy.require(actor, P.MANAGE, area=round_.area)
    round_ = _locked_open(round_)
    scores = list(Score.objects.filter(subject__round=round_).select_related("indicator"))
    missing = sum(1 for s in scores if s.indicator.source == Indicator.Source.REVIEWED and s.value is None)
    if missing:
        raise ValidationError(
            {
                "scores": _("%(n)d reviewed scores are still missing; enter them before closing.")
                % {"n": missing}
            }
        )
    by_subject: dict[int, list] = {}
    for s in scores:
        s.points = scoring.points(s.value, s.target, s.indicator.weight, s.indicator.direction)
        by_subject.setdefault(s.subject_id, []).append(s.points)
    Score.objects.bulk_update(scores, ["points"], batch_size=1000)
    totals = {sid: scoring.total(points) for sid, points in by_subject.items()}
    ranks = scoring.ranks(totals)
    subjects = list(round_.subjects.all())
    for subject in subjects:
        subject.total = totals.get(subject.pk, scoring.total([]))
        subject.rank = ranks.get(subject.pk)
        if subject.kind == SubjectKind.SOCIAL_ORGANIZATION:
            subject.suggested_grade = scoring.grade_for(subject.total)
    Subject.objects.bulk_update(subjects, ["total", "rank", "suggested_grade"], batch_size=1000)
    round_.state = Round.State.CLOSED
    round_.closed_by = user_or_none(actor)
    round_.closed_at = timezone.now()
    round_.save(update_fields=["state", "closed_by", "closed_at"])
    top = sorted(subjects, key=lambda s: (s.rank or 0, s.label))[:3]
    audit.record(
        actor,
        "evaluation.round_closed",
        round_,
        details={"subjects": len(subjects), "top": [(s.label, str(s.total)) for s in top]},
    )
    return round_
