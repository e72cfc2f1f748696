"""Neighbourhood points (睦邻点) and brand projects (一社一品): records, members, indicators, results."""

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongzhi.core import audit, policy

from .. import permissions as P
from ..models import BrandIndicator, BrandProject, NeighbourhoodPoint, VolunteerTeam
from .base import clean_list, clean_text, resolve_area

audit.register_verb("volunteers.point_created", gettext_lazy("neighbourhood point created"))
audit.register_verb("volunteers.point_updated", gettext_lazy("neighbourhood point updated"))
audit.register_verb("volunteers.point_member_added", gettext_lazy("resident joined a neighbourhood point"))
audit.register_verb("volunteers.point_member_removed", gettext_lazy("resident left a neighbourhood point"))
audit.register_verb("volunteers.brand_created", gettext_lazy("brand project created"))
audit.register_verb("volunteers.brand_updated", gettext_lazy("brand project updated"))
audit.register_verb("volunteers.indicator_set", gettext_lazy("brand project indicator set"))

POINT_FIELDS = ("name", "interest", "host", "schedule", "is_active")
BRAND_FIELDS = (
    "name",
    "slogan",
    "goals",
    "starts_on",
    "ends_on",
    "partners",
    "results",
    "is_public",
    "teams",
)


def _apply_point(point: NeighbourhoodPoint, values: dict) -> None:
    limits = {"name": 120, "interest": 60, "host": 120, "schedule": 120}
    for field, limit in limits.items():
        if field in values:
            setattr(point, field, clean_text(values[field], field, required=True, max_length=limit))
    if "is_active" in values:
        point.is_active = bool(values["is_active"])


def create_neighbourhood_point(
    *, actor, area, name, interest, host, schedule, is_demo=False
) -> NeighbourhoodPoint:
    area = resolve_area(area)
    policy.require(actor, P.MANAGE, area=area)
    with transaction.atomic():
        point = NeighbourhoodPoint(is_demo=is_demo)
        point.set_area(area)
        _apply_point(point, {"name": name, "interest": interest, "host": host, "schedule": schedule})
        point.save()
        audit.record(actor, "volunteers.point_created", point)
    return point


def update_neighbourhood_point(*, actor, point: NeighbourhoodPoint, **changes) -> NeighbourhoodPoint:
    unknown = set(changes) - set(POINT_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    policy.require(actor, P.MANAGE, area=point.area)
    with transaction.atomic():
        point = NeighbourhoodPoint.objects.select_for_update().select_related("area").get(pk=point.pk)
        _apply_point(point, changes)
        point.save()
        audit.record(actor, "volunteers.point_updated", point, details={"changed": sorted(changes)})
    return point


def add_point_member(*, actor, point: NeighbourhoodPoint, person) -> None:
    policy.require(actor, P.MANAGE, area=point.area)
    with transaction.atomic():
        if point.members.filter(pk=person.pk).exists():
            raise ValidationError({"person": _("This resident is already a member.")})
        point.members.add(person)
        audit.record(actor, "volunteers.point_member_added", point, details={"person": person.pk})


def remove_point_member(*, actor, point: NeighbourhoodPoint, person) -> None:
    policy.require(actor, P.MANAGE, area=point.area)
    with transaction.atomic():
        if not point.members.filter(pk=person.pk).exists():
            raise ValidationError({"person": _("This resident is not a member.")})
        point.members.remove(person)
        audit.record(actor, "volunteers.point_member_removed", point, details={"person": person.pk})


# --- brand projects ------------------------------------------------------------------------------------
def _teams(area, teams) -> list[VolunteerTeam]:
    if not teams:
        return []
    ids = []
    for t in teams:
        try:
            ids.append(t.pk if isinstance(t, VolunteerTeam) else int(t))
        except (TypeError, ValueError):
            raise ValidationError({"teams": _("Choose teams from the list.")}) from None
    # Teams of the whole street/town may join a community's brand (not only teams inside it).
    found = list(VolunteerTeam.objects.filter(pk__in=ids))
    if len(found) != len(set(ids)):
        raise ValidationError({"teams": _("Choose teams from the list.")})
    return found


def _apply_brand(project: BrandProject, values: dict):
    if "name" in values:
        project.name = clean_text(values["name"], "name", required=True, max_length=120)
    if "slogan" in values:
        project.slogan = clean_text(values["slogan"], "slogan", max_length=200)
    if "goals" in values:
        project.goals = clean_text(values["goals"], "goals", required=True, max_length=4000)
    if "results" in values:
        project.results = clean_text(values["results"], "results", max_length=8000)
    if "partners" in values:
        project.partners = clean_list(values["partners"], "partners", max_items=40, max_length=120)
    if "is_public" in values:
        project.is_public = bool(values["is_public"])
    if "starts_on" in values:
        if not isinstance(values["starts_on"], dt.date):
            raise ValidationError({"starts_on": _("Give the start date.")})
        project.starts_on = values["starts_on"]
    if "ends_on" in values:
        project.ends_on = values["ends_on"] or None
    if project.ends_on and project.starts_on and project.ends_on < project.starts_on:
        raise ValidationError({"ends_on": _("The end date cannot be before the start date.")})
    return _teams(project.area, values["teams"]) if "teams" in values else None


def create_brand_project(
    *,
    actor,
    area,
    name,
    goals,
    starts_on,
    ends_on=None,
    slogan="",
    partners=(),
    teams=(),
    results="",
    is_public=True,
    is_demo=False,
) -> BrandProject:
    area = resolve_area(area)
    policy.require(actor, P.MANAGE, area=area)
    with transaction.atomic():
        project = BrandProject(is_demo=is_demo)
        project.set_area(area)
        team_list = _apply_brand(
            project,
            {
                "name": name,
                "slogan": slogan,
                "goals": goals,
                "starts_on": starts_on,
                "ends_on": ends_on,
                "partners": partners,
                "results": results,
                "is_public": is_public,
                "teams": teams,
            },
        )
        if BrandProject.objects.filter(area=area, name=project.name).exists():
            raise ValidationError({"name": _("This community already runs a project with this name.")})
        project.save()
        project.teams.set(team_list or [])
        audit.record(actor, "volunteers.brand_created", project)
    return project


def update_brand_project(*, actor, project: BrandProject, **changes) -> BrandProject:
    unknown = set(changes) - set(BRAND_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    policy.require(actor, P.MANAGE, area=project.area)
    with transaction.atomic():
        project = BrandProject.objects.select_for_update().select_related("area").get(pk=project.pk)
        team_list = _apply_brand(project, changes)
        project.save()
        if team_list is not None:
            project.teams.set(team_list)
        audit.record(actor, "volunteers.brand_updated", project, details={"changed": sorted(changes)})
    return project


def _amount(value, field) -> Decimal:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        raise ValidationError({field: _("Give a number.")}) from None
    if not amount.is_finite():
        raise ValidationError({field: _("Give a number.")})
    if amount < 0:
        raise ValidationError({field: _("The value cannot be negative.")})
    if amount >= Decimal("10000000000"):
        raise ValidationError({field: _("The value is too large.")})
    return amount.quantize(Decimal("0.01"))


def set_indicator(
    *,
    actor,
    project: BrandProject,
    name,
    target,
    achieved=0,
    unit="",
    indicator: BrandIndicator | None = None,
) -> BrandIndicator:
    """Add an indicator (target and achieved) to a brand project, or update one."""
    policy.require(actor, P.MANAGE, area=project.area)
    name = clean_text(name, "name", required=True, max_length=120)
    unit = clean_text(unit, "unit", max_length=20)
    target, achieved = _amount(target, "target"), _amount(achieved, "achieved")
    with transaction.atomic():
        if indicator is None:
            if project.indicators.filter(name=name).exists():
                raise ValidationError({"name": _("This project already has an indicator with this name.")})
            indicator = BrandIndicator(project=project)
        elif indicator.project_id != project.pk:
            raise ValidationError({"indicator": _("This indicator belongs to another project.")})
        before = {"target": indicator.target, "achieved": indicator.achieved} if indicator.pk else None
        indicator.name, indicator.unit, indicator.target, indicator.achieved = name, unit, target, achieved
        indicator.save()
        audit.record(
            actor,
            "volunteers.indicator_set",
            project,
            details={"indicator": name, "before": before, "after": {"target": target, "achieved": achieved}},
        )
    return indicator
