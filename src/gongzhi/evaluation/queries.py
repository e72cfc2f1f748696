"""Read side of evaluation: scoped scheme and round lists, who may see a round, the round's score
table and ranking, a subject's result with the evidence behind each indicator, and its history."""

from django.db.models import Q

from gongzhi.areas.models import subtree_q
from gongzhi.core import policy

from . import metrics
from . import permissions as P
from .models import Indicator, Round, Scheme, Score, Subject, SubjectKind


def _scope_q(user, capability=P.VIEW) -> Q | None:
    """None = everywhere; otherwise a Q over area_path for the user's subtrees (empty when none)."""
    paths = policy.area_paths(user, capability)
    if paths is None:
        return None
    q = Q(pk__in=[])
    for path in paths:
        q |= subtree_q("area_path", path)
    return q


def _party_round_q(user) -> Q:
    """Party-organization rounds held in the area of (or below) an organization the user manages."""
    from gongzhi.party.models import PartyOrganization

    ids = {i for kind, i in policy.body_scopes(user, "party.manage") if kind == "party_organization"}
    if not ids:
        return Q(pk__in=[])
    q = Q(pk__in=[])
    for path in PartyOrganization.objects.filter(pk__in=ids).values_list("area_path", flat=True):
        q |= subtree_q("area_path", path)
    return q & Q(scheme__subject_kind=SubjectKind.PARTY_ORGANIZATION)


def schemes_for(user, *, year=None, subject_kind=""):
    qs = Scheme.objects.select_related("area")
    scope = _scope_q(user)
    if scope is not None:
        qs = qs.filter(scope)
    if year:
        qs = qs.filter(year=year)
    if subject_kind:
        qs = qs.filter(subject_kind=subject_kind)
    return qs


def rounds_for(user, *, scheme=None, state=""):
    qs = Round.objects.select_related("scheme", "area")
    scope = _scope_q(user)
    if scope is not None:
        qs = qs.filter(scope | _party_round_q(user))
    if scheme is not None:
        qs = qs.filter(scheme=scheme)
    if state:
        qs = qs.filter(state=state)
    return qs


def can_view_scheme(user, scheme: Scheme) -> bool:
    return policy.can(user, P.VIEW, area=scheme.area)


def can_view_round(user, round_: Round) -> bool:
    if policy.can(user, P.VIEW, area=round_.area):
        return True
    return rounds_for(user).filter(pk=round_.pk).exists()


def can_manage(user, obj) -> bool:
    return policy.can(user, P.MANAGE, area=obj.area)


def indicators(scheme: Scheme) -> list[dict]:
    rows = []
    for i in scheme.indicators.prefetch_related("stage_goals"):
        metric = metrics.METRICS.get(i.metric_key)
        rows.append(
            {
                "indicator": i,
                "metric": metric,
                "goals": {g.stage: g.target for g in i.stage_goals.all()},
            }
        )
    return rows


def weight_sum(scheme: Scheme):
    return sum((i.weight for i in scheme.indicators.all()), 0)


def subjects(round_: Round):
    """Subjects in ranking order (closed rounds) or by name (open rounds)."""
    qs = round_.subjects.select_related("area", "social_organization", "party_organization")
    return qs.order_by("rank", "label", "id") if round_.is_closed else qs.order_by("label", "id")


def score_table(round_: Round, subject_rows) -> dict:
    """The scores table of a page of subjects: {indicators, rows: [{subject, cells: [Score]}]}."""
    inds = list(round_.scheme.indicators.all())
    ids = [s.pk for s in subject_rows]
    by_key = {
        (sc.subject_id, sc.indicator_id): sc
        for sc in Score.objects.filter(subject_id__in=ids).select_related("indicator")
    }
    return {
        "indicators": inds,
        "rows": [{"subject": s, "cells": [by_key.get((s.pk, i.pk)) for i in inds]} for s in subject_rows],
    }


def missing_reviews(round_: Round) -> int:
    return Score.objects.filter(
        subject__round=round_, indicator__source=Indicator.Source.REVIEWED, value__isnull=True
    ).count()


def subject_scores(subject: Subject) -> list[dict]:
    rows = []
    for sc in subject.scores.select_related("indicator", "scored_by").order_by(
        "indicator__position", "indicator_id"
    ):
        rows.append(
            {"score": sc, "indicator": sc.indicator, "metric": metrics.METRICS.get(sc.indicator.metric_key)}
        )
    return rows


def history(subject: Subject, user) -> list[Subject]:
    """The same subject in other rounds the user may see, newest first (at most 20)."""
    qs = Subject.objects.select_related("round", "round__scheme").exclude(pk=subject.pk)
    if subject.social_organization_id:
        qs = qs.filter(social_organization_id=subject.social_organization_id)
    elif subject.party_organization_id:
        qs = qs.filter(party_organization_id=subject.party_organization_id)
    else:
        qs = qs.filter(area_id=subject.area_id, kind=subject.kind)
    visible = rounds_for(user).values("id")
    return list(qs.filter(round_id__in=visible).order_by("-round__opened_at")[:20])
