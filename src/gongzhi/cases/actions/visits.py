"""Visit loop (上门走访 → 了解诉求 → 解决问题 → 及时反馈): plan and log visits, raise cases, report back.

The same log serves community staff visiting stationed units and deputies (party congress, people's
congress, CPPCC) or units' party organizations visiting committees, compounds and households. Staff
record the visit; a demand learned becomes a case linked to the visit; the feedback given to the
visited unit is written on the visit and sent to the unit's liaison.
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongzhi.accounts.roles import Role, ScopeKind
from gongzhi.areas.models import COMMITTEE_KINDS, Area, AreaKind
from gongzhi.core import audit, policy
from gongzhi.core.strings import has_control_chars
from gongzhi.notices.actions import notify, register_kind

from ..models import Case, Visit

STAFF = [
    Role.CITY_ADMIN,
    Role.DISTRICT_ADMIN,
    Role.STREET_ADMIN,
    Role.COMMUNITY_WORKER,
    Role.COMMITTEE_WORKER,
]
MANAGE = policy.register("cases.visits.manage", STAFF)
# Grid workers read the log of their area; a unit's liaison reads the visits to the unit (body scope).
VIEW = policy.register("cases.visits.view", [*STAFF, Role.GRID_WORKER, Role.UNIT_LIAISON])

audit.register_verb("visit.planned", gettext_lazy("visit planned"))
audit.register_verb("visit.logged", gettext_lazy("visit logged"))
audit.register_verb("visit.cancelled", gettext_lazy("visit cancelled"))
audit.register_verb("visit.case_raised", gettext_lazy("case raised from a visit"))
audit.register_verb("visit.feedback", gettext_lazy("feedback given to the visited"))

KIND_FEEDBACK = register_kind("cases.visit_feedback", gettext_lazy("feedback on a visit to your unit"))

TARGET_AREA_KINDS = {
    Visit.TargetKind.COMMITTEE: set(COMMITTEE_KINDS),
    Visit.TargetKind.COMPOUND: {AreaKind.COMPOUND},
}


def _text(value, field, limit, *, required=False) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError({field: _("This field is required.")})
    if len(value) > limit:
        raise ValidationError({field: _("At most %(n)d characters.") % {"n": limit}})
    if has_control_chars(value):
        raise ValidationError({field: _("Text must not contain NUL or other control characters.")})
    return value


def _place(target_kind, *, area=None, unit=None, household=None) -> Area:
    """The area of the visit: the unit's, the household's, or the committee/compound visited."""
    if target_kind == Visit.TargetKind.UNIT:
        if unit is None:
            raise ValidationError({"unit": _("Choose the stationed unit visited.")})
        if not unit.is_active:
            raise ValidationError({"unit": _("This unit is no longer active.")})
        return unit.area
    if target_kind == Visit.TargetKind.HOUSEHOLD:
        if household is None:
            raise ValidationError({"household": _("Choose the household visited.")})
        return household.area
    if target_kind in TARGET_AREA_KINDS:
        if area is None:
            raise ValidationError({"area": _("Choose the committee or compound visited.")})
        if area.kind not in TARGET_AREA_KINDS[target_kind]:
            raise ValidationError({"area": _("The area chosen is not of the kind visited.")})
        if area.abolished_on:
            raise ValidationError({"area": _("This area has been abolished.")})
        return area
    raise ValidationError({"target_kind": _("Choose what was visited.")})


def _visit(
    actor,
    *,
    target_kind,
    visitor_kind,
    visitor_name,
    area,
    unit,
    household,
    topics,
    planned_on=None,
) -> Visit:
    if visitor_kind not in Visit.VisitorKind.values:
        raise ValidationError({"visitor_kind": _("Choose who visited.")})
    place = _place(target_kind, area=area, unit=unit, household=household)
    policy.require(actor, MANAGE, area=place)
    visit = Visit(
        visitor_kind=visitor_kind,
        visitor_user=actor if getattr(actor, "pk", None) else None,
        visitor_name=_text(visitor_name or (str(actor) if actor else ""), "visitor_name", 60, required=True),
        target_kind=target_kind,
        unit=unit if target_kind == Visit.TargetKind.UNIT else None,
        household=household if target_kind == Visit.TargetKind.HOUSEHOLD else None,
        planned_on=planned_on,
        topics=_text(topics, "topics", 200),
    )
    visit.set_area(place)
    return visit


def plan_visit(
    *,
    actor,
    target_kind,
    planned_on: dt.date,
    visitor_kind=Visit.VisitorKind.STAFF,
    visitor_name="",
    area=None,
    unit=None,
    household=None,
    topics="",
) -> Visit:
    """A visit put in the plan (who will visit whom, when, about what)."""
    if planned_on is None:
        raise ValidationError({"planned_on": _("Give the planned date.")})
    with transaction.atomic():
        visit = _visit(
            actor,
            target_kind=target_kind,
            visitor_kind=visitor_kind,
            visitor_name=visitor_name,
            area=area,
            unit=unit,
            household=household,
            topics=topics,
            planned_on=planned_on,
        )
        visit.save()
        audit.record(actor, "visit.planned", visit, details={"planned_on": planned_on, "target": target_kind})
    return visit


def log_visit(
    *,
    actor,
    visit: Visit | None = None,
    visited_at: dt.datetime | None = None,
    topics="",
    notes="",
    target_kind=None,
    visitor_kind=Visit.VisitorKind.STAFF,
    visitor_name="",
    area=None,
    unit=None,
    household=None,
) -> Visit:
    """Record that a visit took place: a planned one (`visit`) or one logged afterwards (new)."""
    visited_at = visited_at or timezone.now()
    if visited_at > timezone.now() + dt.timedelta(minutes=5):
        raise ValidationError({"visited_at": _("A visit cannot be logged in the future.")})
    notes = _text(notes, "notes", 5000)
    with transaction.atomic():
        if visit is None:
            visit = _visit(
                actor,
                target_kind=target_kind,
                visitor_kind=visitor_kind,
                visitor_name=visitor_name,
                area=area,
                unit=unit,
                household=household,
                topics=topics,
            )
        else:
            visit = Visit.objects.select_for_update().get(pk=visit.pk)
            policy.require(actor, MANAGE, area=visit.area)
            if visit.state != Visit.State.PLANNED:
                raise ValidationError({"state": _("Only a planned visit can be logged.")})
            if topics:
                visit.topics = _text(topics, "topics", 200)
        visit.visited_at = visited_at
        visit.notes = notes
        visit.state = Visit.State.DONE
        visit.save()
        audit.record(actor, "visit.logged", visit, details={"visited_at": visited_at})
    return visit


def cancel_visit(*, actor, visit: Visit, reason="") -> Visit:
    with transaction.atomic():
        visit = Visit.objects.select_for_update().get(pk=visit.pk)
        policy.require(actor, MANAGE, area=visit.area)
        if visit.state != Visit.State.PLANNED:
            raise ValidationError({"state": _("Only a planned visit can be cancelled.")})
        reason = _text(reason, "reason", 500)
        visit.state = Visit.State.CANCELLED
        if reason:
            visit.notes = reason
        visit.save(update_fields=["state", "notes"])
        audit.record(actor, "visit.cancelled", visit, details={"reason": reason})
    return visit


def raise_case(
    *,
    actor,
    visit: Visit,
    category,
    title,
    description,
    urgent=False,
    address="",
    attributes=None,
    files=(),
) -> Case:
    """A demand learned on the visit becomes a case (channel "visit"), linked to the visit, routed as usual."""
    from .intake import receive_case

    with transaction.atomic():
        visit = (
            Visit.objects.select_for_update(of=("self",)).select_related("unit", "household").get(pk=visit.pk)
        )
        policy.require(actor, MANAGE, area=visit.area)
        if visit.state != Visit.State.DONE:
            raise ValidationError({"state": _("Log the visit before raising cases from it.")})
        reporter = visit.unit.name if visit.unit_id else visit.visitor_name
        case = receive_case(
            actor=actor,
            category=category,
            area=visit.area,
            channel="visit",
            title=title,
            description=description,
            address=address or (visit.unit.address if visit.unit_id else ""),
            reporter_name=reporter[:60],
            reporter_user=visit.unit.liaison if visit.unit_id and visit.unit.liaison_id else None,
            urgent=urgent,
            attributes=attributes,
            files=files,
            visit=visit,
        )
        audit.record(actor, "visit.case_raised", visit, details={"case": case.number})
    return case


def give_feedback(*, actor, visit: Visit, feedback) -> Visit:
    """及时反馈: what was told to the visited unit or household about its demands (sent to the liaison)."""
    feedback = _text(feedback, "feedback", 5000, required=True)
    with transaction.atomic():
        visit = Visit.objects.select_for_update(of=("self",)).select_related("unit").get(pk=visit.pk)
        policy.require(actor, MANAGE, area=visit.area)
        if visit.state != Visit.State.DONE:
            raise ValidationError({"state": _("Log the visit before giving feedback.")})
        visit.feedback = feedback
        visit.save(update_fields=["feedback"])
        audit.record(actor, "visit.feedback", visit, details={"length": len(feedback)})
        if visit.unit_id and visit.unit.liaison_id:
            unit_id, liaison_id = visit.unit_id, visit.unit.liaison_id

            def _tell():
                notify(
                    actor=actor,
                    recipients=[liaison_id],
                    kind=KIND_FEEDBACK,
                    title=_("Feedback on the visit to your unit"),
                    body=feedback[:1000],
                    url=f"/field/units/{unit_id}/",
                )

            transaction.on_commit(_tell)
    return visit


def can_view_unit(user, unit) -> bool:
    """Staff over the unit's area and the unit's own liaison (a stationed-unit scope)."""
    return policy.can(user, VIEW, body=unit, body_kind=ScopeKind.STATIONED_UNIT)
