"""Demo evaluation (考核评估) for Fangsong Street: a residents' committees' scheme of the current year with
computed indicators (case satisfaction, volunteer hours) and reviewed ones (work results, residents'
review), stage goals for the half-years, and one closed round with its scores and ranking. Idempotent."""

from django.utils import timezone

from gongzhi.evaluation import actions
from gongzhi.evaluation.models import Indicator, Scheme

NAME = "居委会年度工作考核（演示）"
INDICATORS = [
    # name, weight, target, direction, source, metric, half-year goal
    ("群众满意率", 20, 90, "higher", "computed", "cases.sat", 85),
    ("志愿服务时长", 20, 2000, "higher", "computed", "volunteers.hours", 1000),
    ("工作实绩（评议）", 40, 100, "higher", "reviewed", "", None),
    ("居民评议", 20, 100, "higher", "reviewed", "", None),
]
REVIEW_COMMENTS = ["台账齐全，议事协商开展规范", "为老服务有特色，群众评价好", "垃圾分类推进较慢，需加强"]


def load(areas: dict) -> None:
    fangsong = areas["fangsong"]
    if Scheme.objects.filter(is_demo=True).exists() or not fangsong.children.exists():
        return
    year = timezone.localdate().year
    scheme = actions.create_scheme(
        actor=None,
        area=fangsong,
        subject_kind="committee",
        name=NAME,
        year=year,
        description="按“三率”、志愿服务和街道评议综合考核各居委会，结果用于年度评优。",
    )
    Scheme.objects.filter(pk=scheme.pk).update(is_demo=True)
    scheme.is_demo = True
    for name, weight, target, direction, source, metric, half_goal in INDICATORS:
        indicator = actions.add_indicator(
            actor=None,
            scheme=scheme,
            name=name,
            weight=weight,
            target=target,
            direction=direction,
            source=source,
            metric_key=metric,
        )
        if half_goal is not None:
            actions.set_stage_goal(actor=None, indicator=indicator, stage="H1", target=half_goal)
    actions.activate_scheme(actor=None, scheme=scheme)
    round_ = actions.open_round(actor=None, scheme=scheme, name=f"{year}年度居委会考核（演示）")
    reviewed = scheme.indicators.filter(source=Indicator.Source.REVIEWED)
    for n, subject in enumerate(round_.subjects.order_by("label", "id")):
        for k, indicator in enumerate(reviewed.order_by("position")):
            actions.score_indicator(
                actor=None,
                subject=subject,
                indicator=indicator,
                value=72 + (n * 7) % 27 if k == 0 else 80 + (n * 5) % 19,
                comment=REVIEW_COMMENTS[n % len(REVIEW_COMMENTS)],
                evidence="街道考核组实地查看",
            )
    actions.close_round(actor=None, round_=round_)
