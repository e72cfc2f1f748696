"""Scheme actions: create and edit a scheme, its indicators (weights, targets, sources) and stage goals,
and activate it (the weights must sum to 100). Only draft schemes change; an active scheme is fixed,
so every round of it is scored against the same indicators."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.areas.models import Area
from gongzhi.core import audit, policy

from .. import metrics
from .. import permissions as P
from ..models import Indicator, Scheme, Stage, StageGoal, SubjectKind
from ._common import check_year, number, raise_if, text, user_or_none

OWNER_KINDS = {"city", "district", "street", "town"}
HUNDRED = Decimal(100)


def _require_manage(actor, scheme: Scheme) -> None:
    policy.require(actor, P.MANAGE, area=scheme.area)


def _require_draft(scheme: Scheme) -> None:
    if scheme.state != Scheme.State.DRAFT:
        raise ValidationError({"state": _("An active scheme cannot be changed.")})


def create_scheme(
    *, actor, area: Area, subject_kind: str, name: str, year: int, description: str = ""
) -> Scheme:
    """A new draft scheme run by `area` (a city, district or street/town) for one kind of subject."""
    if not isinstance(area, Area):
        raise ValidationError({"area": _("Choose the owner area.")})
    policy.require(actor, P.MANAGE, area=area)
    errors: dict = {}
    if area.kind not in OWNER_KINDS:
        errors["area"] = _("A scheme is run by a city, a district or a street/town.")
    if subject_kind not in SubjectKind.values:
        errors["subject_kind"] = _(
            "Choose the subjects: communities, residents' committees, social organizations or party organizations."
        )
    name = text(errors, "name", name, 120)
    the_year = check_year(errors, "year", year)
    description = text(errors, "description", description, 5000, required=False)
    raise_if(errors)
    if Scheme.objects.filter(area=area, year=the_year, name=name).exists():
        raise ValidationError({"name": _("This area already has a scheme of that name for the year.")})
    with transaction.atomic():
        scheme = Scheme(
            name=name,
            year=the_year,
            subject_kind=subject_kind,
            description=description,
            created_by=user_or_none(actor),
        )
        scheme.set_area(area)
        scheme.save()
        audit.record(actor, "evaluation.scheme_created", scheme, area=area, details={"year": the_year})
    return scheme


def update_scheme(*, actor, scheme: Scheme, name: str, year: int, description: str = "") -> Scheme:
    _require_manage(actor, scheme)
    _require_draft(scheme)
    errors: dict = {}
    name = text(errors, "name", name, 120)
    the_year = check_year(errors, "year", year)
    description = text(errors, "description", description, 5000, required=False)
    raise_if(errors)
    if Scheme.objects.filter(area=scheme.area, year=the_year, name=name).exclude(pk=scheme.pk).exists():
        raise ValidationError({"name": _("This area already has a scheme of that name for the year.")})
    with transaction.atomic():
        scheme.name, scheme.year, scheme.description = name, the_year, description
        scheme.save(update_fields=["name", "year", "description"])
        audit.record(actor, "evaluation.scheme_updated", scheme, area=scheme.area)
    return scheme


def _indicator_fields(errors, scheme, *, name, weight, target, direction, source, metric_key, description):
    name = text(errors, "name", name, 120)
    weight = number(errors, "weight", weight, low=Decimal("0.01"), high=HUNDRED)
    if direction not in Indicator.Direction.values:
        errors["direction"] = _("Choose whether higher or lower is better.")
    target = number(
        errors,
        "target",
        target,
        low=Decimal("0.01") if direction == Indicator.Direction.HIGHER else Decimal(0),
    )
    if source not in Indicator.Source.values:
        errors["source"] = _("Choose whether the indicator is computed or scored by reviewers.")
    metric_key = (metric_key or "").strip()
    if source == Indicator.Source.COMPUTED:
        metric = metrics.METRICS.get(metric_key)
        if metric is None:
            errors["metric_key"] = _("Choose a metric for a computed indicator.")
        elif scheme.subject_kind not in metric.kinds:
            errors["metric_key"] = _("This metric does not apply to the scheme's subjects.")
    else:
        metric_key = ""
    description = text(errors, "description", description, 3000, required=False)
    return {
        "name": name,
        "weight": weight,
        "target": target,
        "direction": direction,
        "source": source,
        "metric_key": metric_key,
        "description": description,
    }


def add_indicator(
    *,
    actor,
    scheme: Scheme,
    name: str,
    weight,
    target,
    direction: str = "higher",
    source: str,
    metric_key: str = "",
    description: str = "",
) -> Indicator:
    """An indicator with its weight (points out of 100), target and source (a metric, or reviewers)."""
    _require_manage(actor, scheme)
    _require_draft(scheme)
    errors: dict = {}
    fields = _indicator_fields(
        errors,
        scheme,
        name=name,
        weight=weight,
        target=target,
        direction=direction,
        source=source,
        metric_key=metric_key,
        description=description,
    )
    raise_if(errors)
    try:
        with transaction.atomic():
            position = (scheme.indicators.aggregate(m=Max("position"))["m"] or 0) + 1
            indicator = Indicator.objects.create(scheme=scheme, position=position, **fields)
            audit.record(
                actor,
                "evaluation.indicator_added",
                scheme,
                area=scheme.area,
                details={"indicator": indicator.name, "weight": fields["weight"], "source": fields["source"]},
            )
    except IntegrityError:
        raise ValidationError({"name": _("The scheme already has an indicator of that name.")}) from None
    return indicator


def update_indicator(
    *,
    actor,
    indicator: Indicator,
    name: str,
    weight,
    target,
    direction: str,
    source: str,
    metric_key: str = "",
    description: str = "",
) -> Indicator:
    scheme = indicator.scheme
    _require_manage(actor, scheme)
    _require_draft(scheme)
    errors: dict = {}
    fields = _indicator_fields(
        errors,
        scheme,
        name=name,
        weight=weight,
        target=target,
        direction=direction,
        source=source,
        metric_key=metric_key,
        description=description,
    )
    raise_if(errors)
    try:
        with transaction.atomic():
            for key, value in fields.items():
                setattr(indicator, key, value)
            indicator.save()
            audit.record(
                actor,
                "evaluation.indicator_updated",
                scheme,
                area=scheme.area,
                details={"indicator": indicator.name},
            )
    except IntegrityError:
        raise ValidationError({"name": _("The scheme already has an indicator of that name.")}) from None
    return indicator


def remove_indicator(*, actor, indicator: Indicator) -> None:
    scheme = indicator.scheme
    _require_manage(actor, scheme)
    _require_draft(scheme)
    with transaction.atomic():
        name = indicator.name
        indicator.delete()
        audit.record(
            actor, "evaluation.indicator_removed", scheme, area=scheme.area, details={"indicator": name}
        )


def set_stage_goal(*, actor, indicator: Indicator, stage: str, target) -> StageGoal | None:
    """The indicator's target for a quarter or half-year (or the whole year); an empty target removes it."""
    scheme = indicator.scheme
    _require_manage(actor, scheme)
    _require_draft(scheme)
    errors: dict = {}
    if stage not in Stage.values:
        errors["stage"] = _("Choose a quarter, a half-year or the whole year.")
    low = Decimal("0.01") if indicator.direction == Indicator.Direction.HIGHER else Decimal(0)
    value = number(errors, "target", target, low=low, required=False)
    raise_if(errors)
    with transaction.atomic():
        if value is None:
            StageGoal.objects.filter(indicator=indicator, stage=stage).delete()
            goal = None
        else:
            goal, _created = StageGoal.objects.update_or_create(
                indicator=indicator, stage=stage, defaults={"target": value}
            )
        audit.record(
            actor,
            "evaluation.stage_goal_set",
            scheme,
            area=scheme.area,
            details={"indicator": indicator.name, "stage": stage, "target": value},
        )
    return goal


def activate_scheme(*, actor, scheme: Scheme) -> Scheme:
    """Fix the scheme so rounds can be opened: it needs indicators whose weights sum to exactly 100."""
    _require_manage(actor, scheme)
    _require_draft(scheme)
    with transaction.atomic():
        _require_draft(Scheme.objects.select_for_update().get(pk=scheme.pk))
        weights = scheme.indicators.aggregate(s=Sum("weight"))["s"]
        if weights is None:
            raise ValidationError({"indicators": _("Add at least one indicator first.")})
        if weights != HUNDRED:
            raise ValidationError(
                {
                    "weight": _("The weights must sum to 100; they sum to %(sum)s.")
                    % {"sum": format(weights.normalize(), "f")}
                }
            )
        scheme.state = Scheme.State.ACTIVE
        scheme.activated_at = timezone.now()
        scheme.save(update_fields=["state", "activated_at"])
        audit.record(actor, "evaluation.scheme_activated", scheme, area=scheme.area)
    return scheme
