"""Read side of volunteers: scoped lists, a volunteer's record, team and area figures."""

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, Sum
from django.utils import timezone

from gongzhi.areas import queries as area_queries
from gongzhi.areas.models import Area, subtree_q
from gongzhi.core import policy, rollups

from . import permissions as P
from .actions.base import ACTIVE, HOURS, REGISTERED, own_person, own_volunteer, star_thresholds
from .models import (
    Activity,
    Booking,
    BrandProject,
    NeighbourhoodPoint,
    ServiceRecord,
    ServiceSlot,
    SignUp,
    SkillService,
    Volunteer,
    VolunteerTeam,
)

TEAM_ORDERING = ("area_path", "name")
VOLUNTEER_ORDERING = ("area_path", "number")
ACTIVITY_ORDERING = ("-starts_at",)


def scope_q(user, capability: str = P.VIEW, field="area_path") -> Q | None:
    """Rows inside the user's areas for the capability; None means no restriction."""
    paths = policy.area_paths(user, capability)
    if paths is None:
        return None
    q = Q(pk__in=[])
    for p in paths:
        q |= subtree_q(field, p)
    return q


def scoped(qs, user, area: Area | None = None, capability: str = P.VIEW):
    if area is not None:
        if not policy.can(user, capability, area=area):
            raise PermissionDenied
        return qs.filter(subtree_q("area_path", area.path))
    q = scope_q(user, capability)
    return qs if q is None else qs.filter(q)


def scope_areas(user, capability: str = P.VIEW):
    return area_queries.scope_areas(user, capability)


def teams_for(user, area=None, *, name_prefix=None):
    qs = scoped(VolunteerTeam.objects.select_related("area", "leader"), user, area)
    if name_prefix:
        qs = qs.filter(name__startswith=name_prefix)
    return qs


def volunteers_for(user, area=None, *, number=None, team=None):
    qs = scoped(Volunteer.objects.select_related("area", "person"), user, area)
    if number:
        qs = qs.filter(number__startswith=number)
    if team is not None:
        qs = qs.filter(memberships__team=team)
    return qs


def activities_for(user, area=None, *, state=None, upcoming=False):
    qs = scoped(Activity.objects.select_related("area", "team"), user, area)
    if state:
        qs = qs.filter(state=state)
    if upcoming:
        qs = qs.filter(ends_at__gte=timezone.now())
    return qs


def open_activities_for_volunteer(volunteer: Volunteer):
    """Published, not yet started activities in the volunteer's street/town or above their area."""
    from gongzhi.areas import paths as area_paths

    q = Q(area_path__in=[*area_paths.ancestors(volunteer.area_path), volunteer.area_path])
    if volunteer.street_id:
        q |= Q(street_id=volunteer.street_id)
    return (
        Activity.objects.filter(q, state=Activity.State.PUBLISHED, starts_at__gt=timezone.now())
        .select_related("area", "team")
        .order_by("starts_at", "id")
    )


def signups_of(volunteer: Volunteer):
    return (
        SignUp.objects.filter(volunteer=volunteer)
        .exclude(state=SignUp.State.CANCELLED)
        .select_related("activity")
        .order_by("-activity__starts_at")
    )


def records_of(volunteer: Volunteer, *, include_void=False):
    qs = ServiceRecord.objects.filter(volunteer=volunteer).select_related("activity", "corrects")
    return qs if include_void else qs.filter(voided=False)


def next_star(volunteer: Volunteer) -> dict | None:
    """The next star level and the hours still needed, or None at the top."""
    for stars, needed in star_thresholds():
        if volunteer.total_hours < needed:
            return {"stars": stars, "hours": needed, "missing": Decimal(needed) - volunteer.total_hours}
    return None


def points_for(user, area=None):
    return scoped(NeighbourhoodPoint.objects.select_related("area"), user, area)


def brands_for(user, area=None):
    return scoped(BrandProject.objects.select_related("area"), user, area)


def public_brands():
    return BrandProject.objects.filter(is_public=True).select_related("area")


def services_for(user, area=None):
    return scoped(SkillService.objects.select_related("area", "provider__person"), user, area)


def services_for_resident(user):
    """Active services of the street/town where the signed-in resident lives (or its committee)."""
    person = own_person(user)
    if person is None:
        return SkillService.objects.none()
    q = Q(street_id=person.street_id) if person.street_id else Q(area_id=person.area_id)
    return SkillService.objects.filter(q, is_active=True).select_related("area", "provider__person")


def open_slots(service: SkillService):
    return service.slots.filter(starts_at__gt=timezone.now()).order_by("starts_at")


def bookings_of_person(person):
    return Booking.objects.filter(person=person).select_related("slot__service").order_by("-slot__starts_at")


def bookings_of_service(service: SkillService):
    return (
        Booking.objects.filter(slot__service=service)
        .exclude(state=Booking.State.CANCELLED)
        .select_related("slot", "person")
        .order_by("slot__starts_at", "id")
    )


def slot_for(pk) -> ServiceSlot:
    return ServiceSlot.objects.select_related("service__provider__person", "service__area").get(pk=pk)


def my_volunteer(user):
    return own_volunteer(user)


# --- figures -----------------------------------------------------------------------------------------
def months_back(n: int, today: dt.date | None = None) -> list[str]:
    today = today or timezone.localdate()
    year, month = today.year, today.month
    out = []
    for _i in range(n):
        out.append(f"{year:04d}-{month:02d}")
        month -= 1
        if month == 0:
            year, month = year - 1, 12
    return list(reversed(out))


def area_figures(area: Area, months: int = 12) -> dict:
    """Teams (a count of the small team table), registrations, active volunteers and hours per month (rollups)."""
    periods = months_back(months)
    rows = []
    for period in periods:
        hours, _d = rollups.read(area, HOURS, period, include_pending=True)
        active, _d = rollups.read(area, ACTIVE, period, include_pending=True)
        registered, _d = rollups.read(area, REGISTERED, period, include_pending=True)
        rows.append({"period": period, "hours": hours, "active": int(active), "registered": int(registered)})
    total_registered, _d = rollups.read(area, REGISTERED, "1990-01", periods[-1], include_pending=True)
    teams = VolunteerTeam.objects.filter(subtree_q("area_path", area.path), is_active=True).count()
    return {
        "rows": rows,
        "teams": teams,
        "registered": int(total_registered),
        "hours": sum((r["hours"] for r in rows), Decimal(0)),
        "max_hours": max([r["hours"] for r in rows] + [Decimal(1)]),
    }


def team_figures(team: VolunteerTeam) -> dict:
    members = team.memberships.count()
    sums = ServiceRecord.objects.filter(activity__team=team, voided=False).aggregate(
        hours=Sum("hours"), volunteers=Count("volunteer", distinct=True)
    )
    return {
        "members": members,
        "hours": sums["hours"] or Decimal(0),
        "active": sums["volunteers"] or 0,
        "activities": team.activities.exclude(state=Activity.State.CANCELLED).count(),
    }
