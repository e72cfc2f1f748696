"""Patrol logs (巡查): a grid or patrol worker records each round; a finding becomes a case in one step."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongzhi.accounts.roles import Role
from gongzhi.areas.models import COMMITTEE_KINDS, AreaKind
from gongzhi.core import audit, policy

from ..models import Case, Patrol
from .visits import _text

STAFF = [
    Role.CITY_ADMIN,
    Role.DISTRICT_ADMIN,
    Role.STREET_ADMIN,
    Role.COMMUNITY_WORKER,
    Role.COMMITTEE_WORKER,
]
RECORD = policy.register("cases.patrols.record", [*STAFF, Role.GRID_WORKER])
VIEW = policy.register("cases.patrols.view", [*STAFF, Role.GRID_WORKER])
CORRECT = policy.register("cases.patrols.correct", STAFF)

audit.register_verb("patrol.started", gettext_lazy("patrol started"))
audit.register_verb("patrol.ended", gettext_lazy("patrol ended"))
audit.register_verb("patrol.finding", gettext_lazy("patrol finding reported as a case"))

# A round covers a grid cell; joint patrol staff of a community may walk a compound or a committee.
PATROL_AREA_KINDS = {AreaKind.GRID, AreaKind.COMPOUND, AreaKind.COMMUNITY, *COMMITTEE_KINDS}


def _check_area(area):
    if area is None:
        raise ValidationError({"area": _("Choose the grid cell patrolled.")})
    if area.kind not in PATROL_AREA_KINDS:
        raise ValidationError({"area": _("Choose a grid cell, compound, committee or community.")})
    if area.abolished_on:
        raise ValidationError({"area": _("This area has been abolished.")})
    return area


def _may_change(actor, patrol: Patrol) -> None:
    """The worker who walked it, or staff over the area (correcting a colleague's log)."""
    if actor is not None and getattr(actor, "pk", None) == patrol.worker_id:
        policy.require(actor, RECORD, area=patrol.area)
    else:
        policy.require(actor, CORRECT, area=patrol.area)


def start_patrol(*, actor, area, started_at: dt.datetime | None = None, route_notes="") -> Patrol:
    started_at = started_at or timezone.now()
    if started_at > timezone.now() + dt.timedelta(minutes=5):
        raise ValidationError({"started_at": _("A patrol cannot start in the future.")})
    with transaction.atomic():
        _check_area(area)
        policy.require(actor, RECORD, area=area)
        if actor is None or not getattr(actor, "pk", None):
            raise ValidationError({"worker": _("A patrol is recorded by the worker who walks it.")})
        patrol = Patrol(
            worker=actor, started_at=started_at, route_notes=_text(route_notes, "route_notes", 5000)
        )
        patrol.set_area(area)
        patrol.save()
        audit.record(actor, "patrol.started", patrol, details={"started_at": started_at})
    return patrol


def end_patrol(
    *, actor, patrol: Patrol, ended_at: dt.datetime | None = None, route_notes=None, findings=""
) -> Patrol:
    ended_at = ended_at or timezone.now()
    with transaction.atomic():
        patrol = Patrol.objects.select_for_update().select_related("area").get(pk=patrol.pk)
        _may_change(actor, patrol)
        if patrol.ended_at is not None:
            raise ValidationError({"ended_at": _("This patrol has already ended.")})
        if ended_at < patrol.started_at:
            raise ValidationError({"ended_at": _("A patrol cannot end before it started.")})
        if ended_at > timezone.now() + dt.timedelta(minutes=5):
            raise ValidationError({"ended_at": _("A patrol cannot end in the future.")})
        patrol.ended_at = ended_at
        if route_notes is not None:
            patrol.route_notes = _text(route_notes, "route_notes", 5000)
        patrol.findings = _text(findings, "findings", 5000)
        patrol.save()
        audit.record(actor, "patrol.ended", patrol, details={"ended_at": ended_at})
    return patrol


def record_patrol(
    *, actor, area, started_at: dt.datetime, ended_at: dt.datetime, route_notes="", findings=""
) -> Patrol:
    """A whole round logged afterwards (start and end at once)."""
    if ended_at is None:
        raise ValidationError({"ended_at": _("Give the time the patrol ended.")})
    with transaction.atomic():
        patrol = start_patrol(actor=actor, area=area, started_at=started_at, route_notes=route_notes)
        return end_patrol(actor=actor, patrol=patrol, ended_at=ended_at, findings=findings)


def report_finding(
    *,
    actor,
    patrol: Patrol,
    category,
    title,
    description,
    area=None,
    address="",
    latitude=None,
    longitude=None,
    coordinate_system="wgs84",
    dwelling=None,
    urgent=False,
    attributes=None,
    files=(),
) -> Case:
    """One step from a finding to a routed case (channel "patrol"), linked to the patrol."""
    from .intake import receive_case

    with transaction.atomic():
        patrol = Patrol.objects.select_related("area").get(pk=patrol.pk)
        policy.require(actor, RECORD, area=patrol.area)
        place = area or (dwelling.area if dwelling is not None else patrol.area)
        if not place.path.startswith(patrol.area.path) and not patrol.area.path.startswith(place.path):
            raise ValidationError({"area": _("The place is not in the patrolled area.")})
        case = receive_case(
            actor=actor,
            category=category,
            area=place,
            channel="patrol",
            title=title,
            description=description,
            address=address,
            latitude=latitude,
            longitude=longitude,
            coordinate_system=coordinate_system,
            reporter_user=actor if getattr(actor, "pk", None) else None,
            reporter_name=str(patrol.worker)[:60],
            dwelling=dwelling,
            urgent=urgent,
            attributes=attributes,
            files=files,
            patrol=patrol,
        )
        audit.record(actor, "patrol.finding", patrol, details={"case": case.number})
    return case
