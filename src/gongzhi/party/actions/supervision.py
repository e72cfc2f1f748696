"""Committee meetings and major-matter votes through the councils engine, the deliberation month,
petitions with working-day deadlines, assessments that hear the party organization's opinion,
reception days, members' pledges, and party-building projects."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongzhi.core import audit, calendar, policy, sweeps
from gongzhi.councils import actions as council_actions
from gongzhi.councils.actions import votes as vote_actions
from gongzhi.councils.models import AgendaItem, Meeting
from gongzhi.notices.actions import notify, register_kind

from .. import permissions as P
from ..models import (
    Assessment,
    Deliberation,
    MajorMatter,
    PartyMember,
    PartyOrganization,
    PartyProject,
    Petition,
    Pledge,
    ProjectMilestone,
    ReceptionAppointment,
    ReceptionDay,
)
from ._common import day, raise_if, require_manage, require_self, text
from ._common import organization as org_or_error
from .reporting import secretaries_of

PETITION_NOTICE = register_kind("party.petition", gettext_lazy("party petitions"))
PETITION_DAYS = 15  # working days to answer (members' supervision rules)


# --- committee meetings (councils engine) -------------------------------------------------------------
@transaction.atomic
def convene_committee_meeting(
    *, actor, organization: PartyOrganization, title, starts_at, ends_at, place="", items=()
) -> Meeting:
    """A committee meeting: `items` are (title, category); personnel items are for full-time members
    only (AgendaItem.audience), development items for all members — the rule lives in councils."""
    if organization.council_id is None:
        raise ValidationError({"organization": _("This organization has no committee.")})
    council = organization.council
    meeting = council_actions.create_meeting(
        actor=actor,
        council=council,
        kind=Meeting.Kind.ORDINARY,
        title=title,
        starts_at=starts_at,
        ends_at=ends_at,
        place=place,
        is_public=False,
    )
    for item_title, category in items:
        if category not in AgendaItem.Category.values:
            raise ValidationError({"items": _("Choose personnel, development or general for each item.")})
        audience = (
            AgendaItem.Audience.FULL_TIME_MEMBERS
            if category == AgendaItem.Category.PERSONNEL
            else AgendaItem.Audience.MEMBERS
        )
        council_actions.add_agenda_item(
            actor=actor, meeting=meeting, title=item_title, audience=audience, category=category
        )
    council_actions.schedule_meeting(actor=actor, meeting=meeting)
    return meeting


@transaction.atomic
def table_major_matter(
    *, actor, organization: PartyOrganization, title, motion_text, starts_at, ends_at, place=""
) -> MajorMatter:
    """票决: a branch meeting with one agenda item and a major-matter motion (two thirds of members)."""
    require_manage(actor, organization)
    if organization.council_id is None:
        raise ValidationError({"organization": _("This organization has no committee.")})
    errors: dict = {}
    title = text(errors, "title", title, 200)
    motion_text = text(errors, "motion_text", motion_text, 3000)
    raise_if(errors)
    # The party action authorized the secretary; the councils engine records the meeting as theirs when
    # they chair or clerk the body, otherwise as the system's.
    c_actor = (
        actor if actor is None or council_actions.visibility.can_manage(actor, organization.council) else None
    )
    meeting = council_actions.create_meeting(
        actor=c_actor,
        council=organization.council,
        kind=Meeting.Kind.ORDINARY,
        title=title,
        starts_at=starts_at,
        ends_at=ends_at,
        place=place,
        is_public=False,
    )
    item = council_actions.add_agenda_item(
        actor=c_actor, meeting=meeting, title=title, audience=AgendaItem.Audience.MEMBERS
    )
    motion = vote_actions.create_motion(
        actor=c_actor, item=item, text=motion_text, threshold="members_two_thirds", is_major=True
    )
    council_actions.schedule_meeting(actor=c_actor, meeting=meeting)
    matter = MajorMatter.objects.create(
        organization=organization, title=title, meeting=meeting, item=item, motion=motion
    )
    audit.record(
        actor, "major_matter.tabled", matter, area=organization.area, details={"meeting": meeting.pk}
    )
    return matter


@transaction.atomic
def record_deliberation(
    *, actor, organization: PartyOrganization, month, topic, participants, conclusions=""
) -> Deliberation:
    require_manage(actor, organization)
    errors: dict = {}
    topic = text(errors, "topic", topic, 200)
    conclusions = text(errors, "conclusions", conclusions, 5000, required=False)
    month = (month or "").strip()
    try:
        dt.date.fromisoformat(month + "-01")
    except ValueError:
        errors["month"] = _("Give the month as YYYY-MM.")
    try:
        participants = int(participants)
        if participants < 0:
            raise ValueError
    except (TypeError, ValueError):
        errors["participants"] = _("Give a whole number, zero or more.")
    raise_if(errors)
    try:
        with transaction.atomic():
            d = Deliberation.objects.create(
                organization=organization,
                month=month,
                topic=topic,
                participants=participants,
                conclusions=conclusions,
                recorded_by=actor if getattr(actor, "pk", None) else None,
            )
    except IntegrityError:
        raise ValidationError({"month": _("This month's deliberation is already recorded.")}) from None
    audit.record(actor, "deliberation.recorded", d, area=organization.area)
    return d


# --- petitions --------------------------------------------------------------------------------------
def route_for(member: PartyMember, kind: str) -> PartyOrganization:
    """Reports and accusations travel one level up (never to the organization concerned itself)."""
    org = member.organization
    if kind in Petition.RESTRICTED and org.parent_id:
        return org.parent
    return org


@transaction.atomic
def submit_petition(*, actor, member: PartyMember, kind, title, body, organization=None) -> Petition:
    require_self(actor, member)
    if actor is not None:
        policy.require(actor, P.ACT_AS_MEMBER)
    errors: dict = {}
    if kind not in Petition.Kind.values:
        errors["kind"] = _("Choose opinion, criticism, report, accusation, question or evaluation.")
    title = text(errors, "title", title, 160)
    body = text(errors, "body", body, 5000)
    raise_if(errors)
    org = org_or_error(organization) if organization not in (None, "") else route_for(member, kind)
    now = timezone.now()
    petition = Petition(
        kind=kind,
        organization=org,
        submitter=actor if getattr(actor, "pk", None) else member.person.user,
        submitter_name=member.person.name,
        title=title,
        body=body,
        submitted_at=now,
        due_at=calendar.add_working_days(now, PETITION_DAYS),
    )
    petition.set_area(org.area)
    petition.save()
    # Restricted kinds name nothing in the log that staff outside the handling secretary could read.
    audit.record(
        actor,
        "petition.submitted",
        petition if not petition.is_restricted else None,
        area=org.area,
        details={"kind": kind, "petition": petition.pk},
    )
    users = secretaries_of(org)
    if users:
        t = _("New %(kind)s for %(org)s, answer due %(due)s") % {
            "kind": petition.get_kind_display(),
            "org": org.name,
            "due": timezone.localtime(petition.due_at).strftime("%Y-%m-%d"),
        }
        url = reverse("party:petition", args=[petition.pk])
        transaction.on_commit(
            lambda: notify(actor=actor, recipients=users, kind=PETITION_NOTICE, title=t[:200], url=url)
        )
    return petition


def can_see_petition(user, petition: Petition) -> bool:
    if user is None:
        return True
    if petition.submitter_id and petition.submitter_id == user.pk:
        return True
    if petition.is_restricted:
        return P.is_secretary_of(user, petition.organization)
    return P.can_manage(user, petition.organization)


@transaction.atomic
def answer_petition(*, actor, petition: Petition, answer) -> Petition:
    petition = (
        Petition.objects.select_for_update(of=("self",))
        .select_related("organization", "organization__area", "organization__parent")
        .get(pk=petition.pk)
    )
    allowed = (
        P.is_secretary_of(actor, petition.organization)
        if petition.is_restricted
        else (actor is None or P.can_manage(actor, petition.organization))
    )
    if not allowed:
        raise PermissionDenied(P.MANAGE)
    errors: dict = {}
    answer = text(errors, "answer", answer, 5000)
    raise_if(errors)
    if petition.state == Petition.State.ANSWERED:
        raise ValidationError({"answer": _("This petition has already been answered.")})
    petition.state = Petition.State.ANSWERED
    petition.answer = answer
    petition.answered_at = timezone.now()
    petition.answered_by = actor if getattr(actor, "pk", None) else None
    petition.save()
    audit.record(
        actor,
        "petition.answered",
        petition if not petition.is_restricted else None,
        area=petition.area,
        details={"petition": petition.pk, "late": petition.answered_at > petition.due_at},
    )
    if petition.submitter_id:
        t = _("Your %(kind)s has been answered") % {"kind": petition.get_kind_display()}
        url = reverse("party:petition", args=[petition.pk])
        recipients = [petition.submitter]
        transaction.on_commit(
            lambda: notify(actor=actor, recipients=recipients, kind=PETITION_NOTICE, title=t, url=url)
        )
    return petition


@sweeps.register("party.petitions_overdue")
def flag_overdue_petitions(now=None) -> int:
    """Flag unanswered petitions past their deadline (one UPDATE) and tell the handling secretaries."""
    now = now or timezone.now()
    with transaction.atomic():
        rows = list(
            Petition.objects.select_for_update(of=("self",))
            .filter(state=Petition.State.SUBMITTED, overdue=False, due_at__lt=now)
            .values_list("id", "organization_id")
        )
        Petition.objects.filter(pk__in=[r[0] for r in rows]).update(overdue=True)
        for org in PartyOrganization.objects.filter(pk__in={r[1] for r in rows}):
            users = secretaries_of(org)
            n = sum(1 for r in rows if r[1] == org.pk)
            if users:
                notify(
                    actor=None,
                    recipients=users,
                    kind=PETITION_NOTICE,
                    title=_("%(n)d petition(s) to %(org)s are overdue") % {"n": n, "org": org.name},
                    url=reverse("party:petitions"),
                )
        if rows:
            audit.record(None, "petition.overdue_flagged", None, details={"count": len(rows)})
    return len(rows)


# --- assessments (听取意见) ---------------------------------------------------------------------------
@transaction.atomic
def request_assessment_opinion(
    *, actor, opinion_organization: PartyOrganization, kind, leader_name, leader_position, unit_name
) -> Assessment:
    if actor is not None and not (
        P.can_manage(actor, opinion_organization)
        or policy.can(actor, P.ORGANIZE, area=opinion_organization.area)
    ):
        raise PermissionDenied(P.ORGANIZE)
    errors: dict = {}
    if kind not in Assessment.Kind.values:
        errors["kind"] = _("Choose year-end, mid-term, election-time or promotion.")
    leader_name = text(errors, "leader_name", leader_name, 60)
    leader_position = text(errors, "leader_position", leader_position, 120)
    unit_name = text(errors, "unit_name", unit_name, 120)
    if opinion_organization.kind not in (
        PartyOrganization.Kind.UNIT,
        PartyOrganization.Kind.ADMINISTRATIVE_GROUP,
        PartyOrganization.Kind.SOCIAL_ORGANIZATION,
    ):
        errors["opinion_organization"] = _(
            "Ask the unit's party organization or the administrative party group."
        )
    raise_if(errors)
    a = Assessment.objects.create(
        kind=kind,
        leader_name=leader_name,
        leader_position=leader_position,
        unit_name=unit_name,
        opinion_organization=opinion_organization,
        requested_by=actor if getattr(actor, "pk", None) else None,
        requested_at=timezone.now(),
    )
    audit.record(actor, "assessment.requested", a, area=opinion_organization.area)
    return a


def _locked_assessment(a) -> Assessment:
    return (
        Assessment.objects.select_for_update(of=("self",))
        .select_related("opinion_organization", "opinion_organization__area")
        .get(pk=a.pk)
    )


@transaction.atomic
def give_opinion(*, actor, assessment: Assessment, opinion) -> Assessment:
    a = _locked_assessment(assessment)
    require_manage(actor, a.opinion_organization)
    errors: dict = {}
    opinion = text(errors, "opinion", opinion, 5000)
    raise_if(errors)
    if a.state != Assessment.State.REQUESTED:
        raise ValidationError({"state": _("The opinion has already been given or waived.")})
    a.opinion, a.state = opinion, Assessment.State.OPINION_GIVEN
    a.save(update_fields=["opinion", "state"])
    audit.record(actor, "assessment.opinion_given", a, area=a.opinion_organization.area)
    return a


@transaction.atomic
def waive_opinion(*, actor, assessment: Assessment, reason) -> Assessment:
    a = _locked_assessment(assessment)
    if actor is not None and not policy.can(actor, P.ORGANIZE, area=a.opinion_organization.area):
        raise PermissionDenied(P.ORGANIZE)
    errors: dict = {}
    reason = text(errors, "reason", reason, 300)
    raise_if(errors)
    if a.state != Assessment.State.REQUESTED:
        raise ValidationError({"state": _("The opinion has already been given or waived.")})
    a.waiver_reason, a.state = reason, Assessment.State.WAIVED
    a.save(update_fields=["waiver_reason", "state"])
    audit.record(
        actor, "assessment.opinion_waived", a, area=a.opinion_organization.area, details={"reason": reason}
    )
    return a


@transaction.atomic
def complete_assessment(*, actor, assessment: Assessment, result) -> Assessment:
    a = _locked_assessment(assessment)
    if actor is not None and not policy.can(actor, P.ORGANIZE, area=a.opinion_organization.area):
        raise PermissionDenied(P.ORGANIZE)
    if a.state == Assessment.State.REQUESTED:
        raise ValidationError(
            {
                "state": _(
                    "The party organization's opinion has not been given; give it or formally waive it with a reason first."
                )
            }
        )
    if a.state == Assessment.State.COMPLETED:
        raise ValidationError({"state": _("This assessment is already completed.")})
    errors: dict = {}
    result = text(errors, "result", result, 5000)
    raise_if(errors)
    a.result, a.state, a.completed_at = result, Assessment.State.COMPLETED, timezone.now()
    a.save(update_fields=["result", "state", "completed_at"])
    audit.record(actor, "assessment.completed", a, area=a.opinion_organization.area)
    return a


# --- care: reception days and pledges ----------------------------------------------------------------
@transaction.atomic
def schedule_reception(
    *,
    actor,
    organization: PartyOrganization,
    host_name,
    starts_at,
    ends_at,
    place,
    capacity,
    kind=ReceptionDay.Kind.RECEPTION,
) -> ReceptionDay:
    require_manage(actor, organization)
    errors: dict = {}
    host_name = text(errors, "host_name", host_name, 60)
    place = text(errors, "place", place, 200)
    if kind not in ReceptionDay.Kind.values:
        errors["kind"] = _("Choose reception or counselling.")
    if not (isinstance(starts_at, dt.datetime) and isinstance(ends_at, dt.datetime)) or ends_at <= starts_at:
        errors["ends_at"] = _("The reception must end after it starts.")
    try:
        capacity = int(capacity)
        if capacity < 1:
            raise ValueError
    except (TypeError, ValueError):
        errors["capacity"] = _("Give at least one appointment.")
    raise_if(errors)
    r = ReceptionDay.objects.create(
        organization=organization,
        kind=kind,
        host_name=host_name,
        starts_at=starts_at,
        ends_at=ends_at,
        place=place,
        capacity=capacity,
    )
    audit.record(actor, "reception.scheduled", r, area=organization.area)
    return r


@transaction.atomic
def book_reception(*, actor, reception: ReceptionDay, matter) -> ReceptionAppointment:
    if actor is None or not getattr(actor, "is_authenticated", False):
        raise PermissionDenied(_("Sign in to book an appointment."))
    errors: dict = {}
    matter = text(errors, "matter", matter, 300)
    raise_if(errors)
    # Capacity by a conditional UPDATE: two bookings at once never exceed it.
    if not ReceptionDay.objects.filter(
        pk=reception.pk, booked__lt=F("capacity"), starts_at__gt=timezone.now()
    ).update(booked=F("booked") + 1):
        raise ValidationError({"reception": _("This reception day is fully booked or already past.")})
    try:
        with transaction.atomic():
            appt = ReceptionAppointment.objects.create(reception=reception, user=actor, matter=matter)
    except IntegrityError:
        raise ValidationError({"reception": _("You already have an appointment on this day.")}) from None
    audit.record(actor, "reception.booked", appt, area=reception.organization.area)
    return appt


@transaction.atomic
def raise_matter_as_petition(
    *, actor, appointment: ReceptionAppointment, kind=Petition.Kind.OPINION
) -> Petition:
    """A matter raised at a reception becomes a petition (tracked to an answer, with a deadline)."""
    appt = (
        ReceptionAppointment.objects.select_for_update(of=("self",))
        .select_related("reception__organization__area", "user")
        .get(pk=appointment.pk)
    )
    org = appt.reception.organization
    require_manage(actor, org)
    if appt.petition_id:
        raise ValidationError({"appointment": _("This matter is already tracked as a petition.")})
    if kind not in Petition.Kind.values:
        raise ValidationError({"kind": _("Choose a kind of petition.")})
    now = timezone.now()
    p = Petition(
        kind=kind,
        organization=org,
        submitter=appt.user,
        submitter_name=str(appt.user)[:60],
        title=appt.matter[:160],
        body=appt.matter,
        submitted_at=now,
        due_at=calendar.add_working_days(now, PETITION_DAYS),
    )
    p.set_area(org.area)
    p.save()
    appt.petition = p
    appt.save(update_fields=["petition"])
    audit.record(
        actor,
        "petition.from_reception",
        None,
        area=org.area,
        details={"petition": p.pk, "appointment": appt.pk},
    )
    return p


@transaction.atomic
def make_pledge(*, actor, member: PartyMember, text_, due_on) -> Pledge:
    require_self(actor, member)
    errors: dict = {}
    text_ = text(errors, "text", text_, 300)
    due_on = day(errors, "due_on", due_on)
    if due_on and due_on < timezone.localdate():
        errors["due_on"] = _("The due date cannot lie in the past.")
    raise_if(errors)
    p = Pledge.objects.create(member=member, text=text_, due_on=due_on)
    audit.record(actor, "pledge.made", p, area=member.area)
    return p


@transaction.atomic
def fulfil_pledge(*, actor, pledge: Pledge, fulfilment) -> Pledge:
    pledge = (
        Pledge.objects.select_for_update(of=("self",))
        .select_related("member__organization__area", "member__person", "member__area")
        .get(pk=pledge.pk)
    )
    require_manage(actor, pledge.member.organization)
    errors: dict = {}
    fulfilment = text(errors, "fulfilment", fulfilment, 300)
    raise_if(errors)
    if pledge.fulfilled_on:
        raise ValidationError({"pledge": _("This pledge is already fulfilled.")})
    pledge.fulfilled_on, pledge.fulfilment = timezone.localdate(), fulfilment
    pledge.save(update_fields=["fulfilled_on", "fulfilment"])
    audit.record(actor, "pledge.fulfilled", pledge, area=pledge.member.area)
    return pledge


# --- projects ---------------------------------------------------------------------------------------
@transaction.atomic
def create_project(
    *, actor, organization: PartyOrganization, title, goal, methods=(), participants=(), milestones=()
) -> PartyProject:
    """`milestones`: (title, due date) pairs; `methods`: any of the 三联 methods."""
    require_manage(actor, organization)
    errors: dict = {}
    title = text(errors, "title", title, 160)
    goal = text(errors, "goal", goal, 5000)
    methods = list(dict.fromkeys(methods or ()))
    if not set(methods) <= set(PartyProject.Method.values):
        errors["methods"] = _("Tag with self-governance, co-governance or joint rectification.")
    raise_if(errors)
    project = PartyProject(organization=organization, title=title, goal=goal, methods=methods)
    project.set_area(organization.area)
    project.save()
    project.participants.set(list(participants))
    for m_title, due in milestones:
        e: dict = {}
        due = day(e, "milestones", due)
        m_title = text(e, "milestones", m_title, 160)
        raise_if(e)
        ProjectMilestone.objects.create(project=project, title=m_title, due_on=due)
    audit.record(actor, "party_project.created", project, details={"methods": methods})
    return project


@transaction.atomic
def complete_milestone(*, actor, milestone: ProjectMilestone, done_on=None) -> ProjectMilestone:
    milestone = ProjectMilestone.objects.select_related("project__organization__area").get(pk=milestone.pk)
    require_manage(actor, milestone.project.organization)
    errors: dict = {}
    done_on = day(errors, "done_on", done_on or timezone.localdate(), not_future=True)
    raise_if(errors)
    milestone.done_on = done_on
    milestone.save(update_fields=["done_on"])
    PartyProject.objects.filter(pk=milestone.project_id, state=PartyProject.State.PLANNED).update(
        state=PartyProject.State.RUNNING
    )
    audit.record(
        actor, "party_project.milestone_done", milestone.project, details={"milestone": milestone.pk}
    )
    return milestone


@transaction.atomic
def complete_project(*, actor, project: PartyProject, results, evidence="") -> PartyProject:
    project = (
        PartyProject.objects.select_for_update(of=("self",))
        .select_related("organization__area")
        .get(pk=project.pk)
    )
    require_manage(actor, project.organization)
    errors: dict = {}
    results = text(errors, "results", results, 5000)
    evidence = text(errors, "evidence", evidence, 5000, required=False)
    raise_if(errors)
    if project.state == PartyProject.State.COMPLETED:
        raise ValidationError({"state": _("This project is already completed.")})
    project.state, project.results, project.evidence = PartyProject.State.COMPLETED, results, evidence
    project.save(update_fields=["state", "results", "evidence"])
    audit.record(actor, "party_project.completed", project)
    return project
