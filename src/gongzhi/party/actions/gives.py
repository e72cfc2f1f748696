"""Three gives (三给): representative seats (the ≥ half rule lives on the councils roster), community
tasks with sign-up and completion, honours with the eligibility rule (创先争优)."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.core import audit, events
from gongzhi.councils import actions as council_actions
from gongzhi.councils.models import Seat

from .. import permissions as P
from ..models import (
    CommunityTask,
    Honour,
    PartyMember,
    PartyOrganization,
    ReportIn,
    ServiceRecord,
    TaskSignup,
)
from ._common import day, raise_if, require_manage, require_self, text
from .organizations import _council_actor
from .reporting import ACTIVITY_EVENT


# --- seats ------------------------------------------------------------------------------------------
def _assembly(org: PartyOrganization):
    if org.representative_council_id is None:
        raise ValidationError(
            {
                "council": _(
                    "Link the community members' representative meeting to this working committee first."
                )
            }
        )
    return org.representative_council


@transaction.atomic
def give_seat(
    *,
    actor,
    organization: PartyOrganization,
    holder_name,
    represents,
    represents_label="",
    term_start,
    term_end=None,
) -> Seat:
    """A seat on the community members' representative meeting; councils refuse a change that would
    leave units' representatives below half of a published roster (nothing is written then)."""
    require_manage(actor, organization)
    council = _assembly(organization)
    seat = council_actions.add_seat(
        actor=_council_actor(actor, council.area),
        council=council,
        holder_name=holder_name,
        represents=represents,
        represents_label=represents_label,
        position=Seat.Position.REPRESENTATIVE,
        tenure=Seat.Tenure.PART_TIME,
        term_start=term_start,
        term_end=term_end,
    )
    audit.record(actor, "party_seat.given", organization, details={"seat": seat.pk, "represents": represents})
    return seat


@transaction.atomic
def end_given_seat(*, actor, organization: PartyOrganization, seat: Seat, on: dt.date) -> Seat:
    require_manage(actor, organization)
    council = _assembly(organization)
    if seat.council_id != council.pk:
        raise ValidationError({"seat": _("This seat is not on the representative meeting.")})
    seat = council_actions.end_seat(actor=_council_actor(actor, council.area), seat=seat, on=on)
    audit.record(actor, "party_seat.ended", organization, details={"seat": seat.pk, "on": on})
    return seat


# --- tasks ------------------------------------------------------------------------------------------
@transaction.atomic
def publish_task(
    *,
    actor,
    organization: PartyOrganization,
    title,
    due_on,
    description="",
    goal="",
    audience=CommunityTask.Audience.BOTH,
    need=None,
) -> CommunityTask:
    require_manage(actor, organization)
    errors: dict = {}
    title = text(errors, "title", title, 160)
    description = text(errors, "description", description, 5000, required=False)
    goal = text(errors, "goal", goal, 200, required=False)
    due_on = day(errors, "due_on", due_on)
    if due_on and due_on < timezone.localdate():
        errors["due_on"] = _("The due date cannot lie in the past.")
    if audience not in CommunityTask.Audience.values:
        errors["audience"] = _("Choose units, members or both.")
    raise_if(errors)
    task = CommunityTask(
        organization=organization,
        title=title,
        description=description,
        goal=goal,
        due_on=due_on,
        audience=audience,
        need=need,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    task.set_area(organization.area)
    task.save()
    audit.record(actor, "task.published", task, details={"audience": audience})
    return task


def _open_task(task) -> CommunityTask:
    task = (
        CommunityTask.objects.select_for_update(of=("self",))
        .select_related("organization", "area")
        .get(pk=task.pk)
    )
    if task.state != CommunityTask.State.OPEN:
        raise ValidationError({"task": _("This task is closed for sign-up.")})
    return task


@transaction.atomic
def sign_up_member(*, actor, task: CommunityTask, member: PartyMember) -> TaskSignup:
    require_self(actor, member)
    task = _open_task(task)
    if task.audience == CommunityTask.Audience.UNITS:
        raise ValidationError({"task": _("This task is for units' party organizations.")})
    try:
        with transaction.atomic():
            signup = TaskSignup.objects.create(task=task, member=member)
    except IntegrityError:
        raise ValidationError({"task": _("You have already signed up for this task.")}) from None
    audit.record(actor, "task.signed_up", signup, details={"task": task.pk}, area=task.area)
    return signup


@transaction.atomic
def sign_up_unit(*, actor, task: CommunityTask, unit_organization: PartyOrganization) -> TaskSignup:
    if actor is not None and not P.can_act_for_unit(actor, unit_organization):
        raise PermissionDenied(P.UNIT_ACT)
    task = _open_task(task)
    if task.audience == CommunityTask.Audience.MEMBERS:
        raise ValidationError({"task": _("This task is for party members.")})
    if not unit_organization.is_unit_kind:
        raise ValidationError(
            {"unit_organization": _("Only units' and organizations' party organizations sign up as units.")}
        )
    try:
        with transaction.atomic():
            signup = TaskSignup.objects.create(task=task, unit_organization=unit_organization)
    except IntegrityError:
        raise ValidationError({"task": _("This organization has already signed up for this task.")}) from None
    audit.record(actor, "task.signed_up", signup, details={"task": task.pk}, area=task.area)
    return signup


@transaction.atomic
def complete_signup(*, actor, signup: TaskSignup, note) -> TaskSignup:
    signup = (
        TaskSignup.objects.select_for_update(of=("self",))
        .select_related("task", "task__organization", "task__area")
        .get(pk=signup.pk)
    )
    require_manage(actor, signup.task.organization)
    errors: dict = {}
    note = text(errors, "note", note, 300)
    raise_if(errors)
    if signup.state == TaskSignup.State.COMPLETED:
        raise ValidationError({"signup": _("This sign-up is already completed.")})
    signup.state = TaskSignup.State.COMPLETED
    signup.completed_at = timezone.now()
    signup.completion_note = note
    signup.confirmed_by = actor if getattr(actor, "pk", None) else None
    signup.save()
    audit.record(actor, "task.completed", signup, area=signup.task.area, details={"task": signup.task_id})
    if signup.member_id:
        events.publish(
            ACTIVITY_EVENT,
            member_id=signup.member_id,
            kind="task",
            year=timezone.localdate(signup.completed_at).year,
            source_type="party.tasksignup",
            source_id=signup.pk,
            label=signup.task.title,
        )
    return signup


# --- honours ----------------------------------------------------------------------------------------
def eligibility(organization: PartyOrganization, year: int) -> tuple[bool, str]:
    """创先争优: an organization that did not take part in community party building in the year —
    none of its reported members active and no community task done — may not be nominated."""
    reported = ReportIn.objects.filter(state=ReportIn.State.ACCEPTED).filter(
        member__workplace_organization=organization
    ) | ReportIn.objects.filter(state=ReportIn.State.ACCEPTED, member__organization=organization)
    member_ids = reported.values("member_id")
    active = ServiceRecord.objects.filter(member_id__in=member_ids, served_on__year=year).exists()
    tasks_done = TaskSignup.objects.filter(
        unit_organization=organization, state=TaskSignup.State.COMPLETED, completed_at__year=year
    ).exists()
    if active or tasks_done:
        return True, ""
    return False, _(
        "%(org)s did not take part in community party building in %(year)d: none of its reported members "
        "recorded an activity and it completed no community task."
    ) % {"org": organization.name, "year": year}


@transaction.atomic
def nominate_honour(
    *, actor, awarded_by: PartyOrganization, year: int, title, organization=None, member=None, citation=""
) -> Honour:
    require_manage(actor, awarded_by)
    errors: dict = {}
    title = text(errors, "title", title, 120)
    citation = text(errors, "citation", citation, 3000, required=False)
    if (organization is None) == (member is None):
        errors["organization"] = _("Nominate either an organization or a member.")
    raise_if(errors)
    if organization is not None:
        ok, reason = eligibility(organization, year)
        if not ok:
            raise ValidationError({"organization": reason})
    if member is not None and member.violations.filter(occurred_on__year=year).exists():
        raise ValidationError(
            {"member": _("A member with a recorded violation in the year cannot be nominated.")}
        )
    honour = Honour(
        awarded_by=awarded_by,
        year=year,
        title=title,
        organization=organization,
        member=member,
        citation=citation,
        nominated_by=actor if getattr(actor, "pk", None) else None,
    )
    honour.set_area(awarded_by.area)
    honour.save()
    audit.record(actor, "honour.nominated", honour, details={"year": year})
    return honour


@transaction.atomic
def award_honour(*, actor, honour: Honour) -> Honour:
    honour = (
        Honour.objects.select_for_update(of=("self",)).select_related("awarded_by", "area").get(pk=honour.pk)
    )
    require_manage(actor, honour.awarded_by)
    if honour.state == Honour.State.AWARDED:
        raise ValidationError({"state": _("This honour has already been awarded.")})
    honour.state = Honour.State.AWARDED
    honour.awarded_at = timezone.now()
    honour.save(update_fields=["state", "awarded_at"])
    audit.record(actor, "honour.awarded", honour)
    return honour
