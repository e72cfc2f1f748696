"""Volunteer teams, volunteer registration, team membership and the star-level rule."""

import uuid

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Case, IntegerField, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongzhi.areas.models import Area, AreaKind
from gongzhi.core import audit, events, policy, rollups

from .. import permissions as P
from ..models import OrganizerKind, StarLevel, TeamMembership, Volunteer, VolunteerTeam
from .base import clean_list, clean_text, count_team, resolve_area, star_thresholds, team_cell

audit.register_verb("volunteers.team_created", gettext_lazy("volunteer team created"))
audit.register_verb("volunteers.team_updated", gettext_lazy("volunteer team updated"))
audit.register_verb("volunteers.volunteer_registered", gettext_lazy("volunteer registered"))
audit.register_verb("volunteers.volunteer_updated", gettext_lazy("volunteer updated"))
audit.register_verb("volunteers.member_added", gettext_lazy("volunteer joined a team"))
audit.register_verb("volunteers.member_removed", gettext_lazy("volunteer left a team"))
audit.register_verb("volunteers.star_levels_set", gettext_lazy("star levels changed"))

TEAM_FIELDS = (
    "name",
    "organizer_kind",
    "organizer_label",
    "leader",
    "service_fields",
    "grids",
    "founded_on",
    "is_active",
)


def _grids(team_area: Area, grids) -> list[Area]:
    """Grid cells inside the team's area (volunteer grid self-governance)."""
    if not grids:
        return []
    ids = [g.pk if isinstance(g, Area) else g for g in grids]
    try:
        ids = [int(i) for i in ids]
    except (TypeError, ValueError):
        raise ValidationError({"grids": _("Choose grid cells from the list.")}) from None
    found = list(Area.objects.subtree(team_area).filter(pk__in=ids, kind=AreaKind.GRID))
    if len(found) != len(set(ids)):
        raise ValidationError({"grids": _("Only grid cells inside the team's area can be covered.")})
    return found


def _leader(leader, area: Area):
    from gongzhi.people.models import Person

    if leader in (None, ""):
        return None
    if not isinstance(leader, Person):
        leader = Person.objects.filter(pk=leader).first()
    if leader is None:
        raise ValidationError({"leader": _("No such person.")})
    return leader


def _apply_team(team: VolunteerTeam, values: dict) -> list[Area] | None:
    if "name" in values:
        team.name = clean_text(values["name"], "name", required=True, max_length=120)
    if "organizer_kind" in values:
        if values["organizer_kind"] not in OrganizerKind.values:
            raise ValidationError({"organizer_kind": _("Choose who organizes the team.")})
        team.organizer_kind = values["organizer_kind"]
    if "organizer_label" in values:
        team.organizer_label = clean_text(
            values["organizer_label"], "organizer_label", required=True, max_length=120
        )
    if "organizer_id" in values:
        team.organizer_id = values["organizer_id"] or None
    if "leader" in values:
        team.leader = _leader(values["leader"], team.area)
    if "service_fields" in values:
        team.service_fields = clean_list(values["service_fields"], "service_fields")
    if "founded_on" in values:
        if values["founded_on"] and values["founded_on"] > timezone.localdate():
            raise ValidationError({"founded_on": _("The founding date cannot be in the future.")})
        team.founded_on = values["founded_on"]
    if "is_active" in values:
        team.is_active = bool(values["is_active"])
    return _grids(team.area, values["grids"]) if "grids" in values else None


def create_team(
    *,
    actor,
    area,
    name,
    organizer_kind=OrganizerKind.COMMITTEE,
    organizer_label="",
    organizer_id=None,
    leader=None,
    service_fields=(),
    grids=(),
    founded_on=None,
    is_demo=False,
) -> VolunteerTeam:
    area = resolve_area(area)
    policy.require(actor, P.MANAGE, area=area)
    with transaction.atomic():
        team = VolunteerTeam(is_demo=is_demo)
        team.set_area(area)
        grid_list = _apply_team(
            team,
            {
                "name": name,
                "organizer_kind": organizer_kind,
                "organizer_label": organizer_label or area.name,
                "organizer_id": organizer_id,
                "leader": leader,
                "service_fields": service_fields,
                "grids": grids,
                "founded_on": founded_on,
            },
        )
        team.save()
        team.grids.set(grid_list or [])
        count_team(None, team)
        audit.record(
            actor, "volunteers.team_created", team, details={"grids": [g.pk for g in grid_list or []]}
        )
    return team


def update_team(*, actor, team: VolunteerTeam, **changes) -> VolunteerTeam:
    unknown = set(changes) - set(TEAM_FIELDS) - {"organizer_id"}
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    policy.require(actor, P.MANAGE, area=team.area)
    with transaction.atomic():
        team = VolunteerTeam.objects.select_for_update().select_related("area").get(pk=team.pk)
        before = team_cell(team)
        grid_list = _apply_team(team, changes)
        team.save()
        count_team(before, team)
        if grid_list is not None:
            team.grids.set(grid_list)
        audit.record(actor, "volunteers.team_updated", team, details={"changed": sorted(changes)})
    return team


# --- volunteers --------------------------------------------------------------------------------------------
def _number_for(volunteer: Volunteer) -> str:
    # Issued by the platform from the record id: never derived from (or equal to) the ID number.
    return f"ZY{volunteer.registered_on:%Y}{volunteer.pk:08d}"


def register_volunteer(
    *, actor, person, skills=(), availability="", registered_on=None, is_demo=False
) -> Volunteer:
    """Register a person as a volunteer in the person's own area; one registration per person."""
    area = person.area
    policy.require(actor, P.MANAGE, area=area)
    registered_on = registered_on or timezone.localdate()
    if registered_on > timezone.localdate():
        raise ValidationError({"registered_on": _("The registration date cannot be in the future.")})
    skills = clean_list(skills, "skills")
    availability = clean_text(availability, "availability", max_length=200)
    if Volunteer.objects.filter(person=person).exists():
        raise ValidationError({"person": _("This person is already registered as a volunteer.")})
    with transaction.atomic():
        volunteer = Volunteer(
            person=person,
            number=f"T{uuid.uuid4().hex[:18]}",
            skills=skills,
            availability=availability,
            registered_on=registered_on,
            is_demo=is_demo,
        )
        volunteer.set_area(area)
        try:
            with transaction.atomic():
                volunteer.save()
        except IntegrityError:
            raise ValidationError(
                {"person": _("This person is already registered as a volunteer.")}
            ) from None
        volunteer.number = _number_for(volunteer)
        volunteer.save(update_fields=["number"])
        audit.record(
            actor, "volunteers.volunteer_registered", volunteer, details={"number": volunteer.number}
        )
        events.publish(
            "volunteers.registered", area_id=area.pk, period=rollups.period_of(registered_on), count=1
        )
    return volunteer


def update_volunteer(*, actor, volunteer: Volunteer, **changes) -> Volunteer:
    unknown = set(changes) - {"skills", "availability", "is_active"}
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    policy.require(actor, P.MANAGE, area=volunteer.area)
    with transaction.atomic():
        volunteer = (
            Volunteer.objects.select_for_update().select_related("area", "person").get(pk=volunteer.pk)
        )
        if "skills" in changes:
            volunteer.skills = clean_list(changes["skills"], "skills")
        if "availability" in changes:
            volunteer.availability = clean_text(changes["availability"], "availability", max_length=200)
        if "is_active" in changes:
            volunteer.is_active = bool(changes["is_active"])
        volunteer.save()
        audit.record(actor, "volunteers.volunteer_updated", volunteer, details={"changed": sorted(changes)})
    return volunteer


def add_team_member(*, actor, team: VolunteerTeam, volunteer: Volunteer, is_leader=False, joined_on=None):
    policy.require(actor, P.MANAGE, area=team.area)
    if not volunteer.is_active:
        raise ValidationError({"volunteer": _("This volunteer is not active.")})
    joined_on = joined_on or timezone.localdate()
    with transaction.atomic():
        if TeamMembership.objects.filter(team=team, volunteer=volunteer).exists():
            raise ValidationError({"volunteer": _("This volunteer is already a member of the team.")})
        try:
            with transaction.atomic():
                membership = TeamMembership.objects.create(
                    team=team, volunteer=volunteer, joined_on=joined_on, is_leader=bool(is_leader)
                )
        except IntegrityError:
            raise ValidationError(
                {"volunteer": _("This volunteer is already a member of the team.")}
            ) from None
        audit.record(
            actor,
            "volunteers.member_added",
            team,
            details={"volunteer": volunteer.number, "leader": bool(is_leader)},
        )
    return membership


def remove_team_member(*, actor, team: VolunteerTeam, volunteer: Volunteer) -> None:
    policy.require(actor, P.MANAGE, area=team.area)
    with transaction.atomic():
        deleted, _rows = TeamMembership.objects.filter(team=team, volunteer=volunteer).delete()
        if not deleted:
            raise ValidationError({"volunteer": _("This volunteer is not a member of the team.")})
        audit.record(actor, "volunteers.member_removed", team, details={"volunteer": volunteer.number})


# --- star levels ---------------------------------------------------------------------------------------------
def set_star_levels(*, actor, hours: dict) -> list[tuple[int, int]]:
    """Set the cumulative hours for stars 1–5 (strictly increasing) and re-grade every volunteer."""
    policy.require(actor, P.CONFIGURE_STARS)
    cleaned = {}
    for stars in range(1, 6):
        raw = hours.get(stars, hours.get(str(stars)))
        try:
            value = int(raw)
        except (TypeError, ValueError):
            raise ValidationError({f"stars_{stars}": _("Give the hours as a whole number.")}) from None
        if value <= 0:
            raise ValidationError({f"stars_{stars}": _("The hours must be more than zero.")})
        cleaned[stars] = value
    for stars in range(2, 6):
        if cleaned[stars] <= cleaned[stars - 1]:
            raise ValidationError(
                {f"stars_{stars}": _("Each star level needs more hours than the one below it.")}
            )
    with transaction.atomic():
        before = dict(star_thresholds())
        for stars, value in cleaned.items():
            StarLevel.objects.update_or_create(stars=stars, defaults={"hours": value})
        # One UPDATE for all volunteers: the highest threshold reached wins.
        whens = [When(total_hours__gte=cleaned[s], then=Value(s)) for s in range(5, 0, -1)]
        Volunteer.objects.update(star_level=Case(*whens, default=Value(0), output_field=IntegerField()))
        audit.record(actor, "volunteers.star_levels_set", None, details={"before": before, "after": cleaned})
    return sorted(cleaned.items())
