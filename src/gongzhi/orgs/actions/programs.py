"""Programme actions: incubation (admission → milestones → graduation or exit) and venture-philanthropy
calls and contests (call → applications → review scores → ranking → awards → funded projects), plus the
capabilities, audit verbs and checks that service contracts (contracts.py) share. One verb-named
function per state change; each checks the policy and writes one audit event.
"""

from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Avg
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongzhi.accounts.roles import Role
from gongzhi.core import audit, events, policy

from .. import permissions as P
from ..models import (
    Incubation,
    IncubationMilestone,
    ReviewScore,
    SocialOrganization,
    VentureApplication,
    VentureCall,
    VentureProject,
)
from ..models.registry import OrgForm, OrgStatus

R = Role
PROGRAM_ROLES = [R.CITY_ADMIN, R.DISTRICT_ADMIN, R.STREET_ADMIN, R.REGISTRY_OFFICER]
# An incubator's own staff run its incubation records; officials in scope may too.
RUN_INCUBATOR = policy.register("orgs.run_incubator", [*PROGRAM_ROLES, R.ORG_STAFF])
# Reviewers of venture calls: officials in the call's area (never the applicants' staff).
REVIEW_VENTURE = policy.register("orgs.review_venture", PROGRAM_ROLES)
# A provider's staff report indicator values of their own contracts.
REPORT_CONTRACT = policy.register("orgs.report_contract", [R.ORG_STAFF])
# Reading programmes: officials in scope and organization staff (their own records).
VIEW_PROGRAMS = policy.register("orgs.view_programs", [*PROGRAM_ROLES, R.COMMUNITY_WORKER, R.ORG_STAFF])

for _verb, _label in (
    ("incubation.admitted", gettext_lazy("start-up admitted to an incubator")),
    ("incubation.milestone_added", gettext_lazy("incubation milestone added")),
    ("incubation.milestone_done", gettext_lazy("incubation milestone reached")),
    ("incubation.graduated", gettext_lazy("start-up graduated")),
    ("incubation.exited", gettext_lazy("start-up left the incubator")),
    ("venture.call_created", gettext_lazy("venture call created")),
    ("venture.call_opened", gettext_lazy("venture call opened")),
    ("venture.review_started", gettext_lazy("venture call closed for review")),
    ("venture.applied", gettext_lazy("venture application submitted")),
    ("venture.withdrawn", gettext_lazy("venture application withdrawn")),
    ("venture.scored", gettext_lazy("venture application scored")),
    ("venture.awarded", gettext_lazy("venture call awarded")),
    ("venture.project_closed", gettext_lazy("funded project closed")),
    ("contract.created", gettext_lazy("service contract created")),
    ("contract.signed", gettext_lazy("service contract signed")),
    ("contract.indicator_reported", gettext_lazy("contract indicator reported")),
    ("contract.evaluated", gettext_lazy("service contract evaluated")),
    ("contract.terminated", gettext_lazy("service contract terminated")),
):
    audit.register_verb(_verb, _label)

CONTRACT_AREA_KINDS = {"district", "street", "town", "community"}
SUPPORT_KEYS = {key for key, _label in Incubation.SUPPORT_KINDS}
CENT = Decimal("0.01")


# --- checks ----------------------------------------------------------------------------------------
def _money(field: str, value, *, required=True) -> Decimal | None:
    if value is None or value == "":
        if required:
            raise ValidationError({field: _("Enter an amount.")})
        return None
    try:
        amount = Decimal(str(value))
    except ArithmeticError:
        raise ValidationError({field: _("Enter an amount.")}) from None
    if not amount.is_finite():
        raise ValidationError({field: _("Enter an amount.")})
    if amount < 0:
        raise ValidationError({field: _("Amounts cannot be negative.")})
    if amount >= Decimal("1e12"):
        raise ValidationError({field: _("The amount is too large.")})
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def _period(start_field, start, end_field, end) -> None:
    if start is None:
        raise ValidationError({start_field: _("Enter a date.")})
    if end is None:
        raise ValidationError({end_field: _("Enter a date.")})
    if end < start:
        raise ValidationError({end_field: _("The end cannot be before the start.")})


def _text(field: str, value, *, required=True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError({field: _("This field is required.")})
    return value


def _user(actor):
    return actor if getattr(actor, "pk", None) else None


def _active_org(field: str, org: SocialOrganization) -> None:
    if org.status == OrgStatus.DEREGISTERED:
        raise ValidationError({field: _("This organization is deregistered.")})


# --- incubation ------------------------------------------------------------------------------------
def admit_incubatee(
    *, actor, incubator, name, admitted_on, support=(), grant_amount=0, organization=None, is_demo=False
) -> Incubation:
    """Admit a start-up organization (not necessarily registered yet) to an incubator."""
    policy.require(actor, RUN_INCUBATOR, body=incubator)
    if incubator.form != OrgForm.INCUBATOR:
        raise ValidationError({"incubator": _("This organization is not recorded as an incubator.")})
    _active_org("incubator", incubator)
    name = _text("name", name)
    if admitted_on is None:
        raise ValidationError({"admitted_on": _("Enter a date.")})
    if admitted_on > timezone.localdate():
        raise ValidationError({"admitted_on": _("The date cannot be in the future.")})
    support = list(dict.fromkeys(support or []))
    unknown = [s for s in support if s not in SUPPORT_KEYS]
    if unknown:
        raise ValidationError({"support": _("Unknown kind of support: %(kind)s.") % {"kind": unknown[0]}})
    grant = _money("grant_amount", grant_amount)
    if grant and "small_grant" not in support:
        support.append("small_grant")
    with transaction.atomic():
        row = Incubation(
            incubator=incubator,
            name=name,
            organization=organization,
            admitted_on=admitted_on,
            support=support,
            grant_amount=grant,
            is_demo=is_demo,
        )
        row.set_area(incubator.area)
        row.full_clean(exclude=["area_path"])
        row.save()
        audit.record(
            actor, "incubation.admitted", row, details={"incubator": incubator.pk, "support": support}
        )
    return row


def _open_incubation(incubation) -> Incubation:
    row = Incubation.objects.select_for_update().select_related("incubator").get(pk=incubation.pk)
    if row.state != Incubation.State.ADMITTED:
        raise ValidationError(_("This incubation has ended."))
    return row


def add_milestone(*, actor, incubation, title, due_on=None, note="") -> IncubationMilestone:
    policy.require(actor, RUN_INCUBATOR, body=incubation.incubator)
    title = _text("title", title)
    if due_on and due_on < incubation.admitted_on:
        raise ValidationError({"due_on": _("A milestone cannot be due before admission.")})
    with transaction.atomic():
        row = _open_incubation(incubation)
        milestone = IncubationMilestone.objects.create(incubation=row, title=title, due_on=due_on, note=note)
        audit.record(actor, "incubation.milestone_added", row, details={"milestone": title})
    return milestone


def complete_milestone(*, actor, milestone, done_on, note=None) -> IncubationMilestone:
    incubation = milestone.incubation
    policy.require(actor, RUN_INCUBATOR, body=incubation.incubator)
    if done_on is None or done_on > timezone.localdate():
        raise ValidationError({"done_on": _("Enter a date that is not in the future.")})
    if done_on < incubation.admitted_on:
        raise ValidationError({"done_on": _("A milestone cannot be reached before admission.")})
    with transaction.atomic():
        _open_incubation(incubation)
        row = IncubationMilestone.objects.select_for_update().get(pk=milestone.pk)
        if row.done_on:
            raise ValidationError(_("This milestone is already reached."))
        row.done_on = done_on
        if note is not None:
            row.note = note
        row.save(update_fields=["done_on", "note"])
        audit.record(actor, "incubation.milestone_done", incubation, details={"milestone": row.title})
    return row


def graduate_incubatee(*, actor, incubation, graduation, ended_on, organization=None) -> Incubation:
    """Graduation (出壳): registered as an organization, or self-sustaining."""
    policy.require(actor, RUN_INCUBATOR, body=incubation.incubator)
    if graduation not in Incubation.Graduation.values:
        raise ValidationError({"graduation": _("Choose registered or self-sustaining.")})
    organization = organization or incubation.organization
    if graduation == Incubation.Graduation.REGISTERED and organization is None:
        raise ValidationError({"organization": _("Name the registered organization the start-up became.")})
    _end_date(incubation, ended_on)
    with transaction.atomic():
        row = _open_incubation(incubation)
        row.state, row.graduation, row.ended_on = Incubation.State.GRADUATED, graduation, ended_on
        row.organization = organization
        row.save(update_fields=["state", "graduation", "ended_on", "organization"])
        audit.record(actor, "incubation.graduated", row, details={"graduation": graduation})
        events.publish("incubation.graduated", incubation_id=row.pk)
    return row


def exit_incubatee(*, actor, incubation, reason, ended_on) -> Incubation:
    policy.require(actor, RUN_INCUBATOR, body=incubation.incubator)
    reason = _text("exit_reason", reason)
    _end_date(incubation, ended_on)
    with transaction.atomic():
        row = _open_incubation(incubation)
        row.state, row.exit_reason, row.ended_on = Incubation.State.EXITED, reason, ended_on
        row.save(update_fields=["state", "exit_reason", "ended_on"])
        audit.record(actor, "incubation.exited", row, details={"reason": reason})
    return row


def _end_date(incubation, ended_on) -> None:
    if ended_on is None:
        raise ValidationError({"ended_on": _("Enter a date.")})
    if ended_on > timezone.localdate():
        raise ValidationError({"ended_on": _("The date cannot be in the future.")})
    if ended_on < incubation.admitted_on:
        raise ValidationError({"ended_on": _("The end cannot be before the start.")})


# --- venture calls ---------------------------------------------------------------------------------
def create_call(
    *,
    actor,
    area,
    title,
    budget,
    criteria,
    opens_on,
    closes_on,
    kind=VentureCall.Kind.VENTURE,
    organizer=None,
    is_demo=False,
) -> VentureCall:
    policy.require(actor, P.MANAGE_PROGRAMS, area=area)
    if area.kind not in CONTRACT_AREA_KINDS | {"city"}:
        raise ValidationError({"area": _("A call is run by a city, district, street/town or community.")})
    if kind not in VentureCall.Kind.values:
        raise ValidationError({"kind": _("Choose venture philanthropy or a contest.")})
    title = _text("title", title)
    criteria = _text("criteria", criteria)
    budget = _money("budget", budget)
    _period("opens_on", opens_on, "closes_on", closes_on)
    with transaction.atomic():
        call = VentureCall(
            kind=kind,
            title=title,
            organizer=organizer,
            budget=budget,
            criteria=criteria,
            opens_on=opens_on,
            closes_on=closes_on,
            is_demo=is_demo,
        )
        call.set_area(area)
        call.full_clean(exclude=["area_path"])
        call.save()
        audit.record(actor, "venture.call_created", call, details={"budget": budget, "kind": kind})
    return call


def _move_call(actor, call, source, target, verb) -> VentureCall:
    policy.require(actor, P.MANAGE_PROGRAMS, area=call.area)
    with transaction.atomic():
        if not VentureCall.objects.filter(pk=call.pk, state=source).update(state=target):
            raise ValidationError(_("The call is not in the right state for this step."))
        call.refresh_from_db()
        audit.record(actor, verb, call)
    return call


def open_call(*, actor, call) -> VentureCall:
    return _move_call(actor, call, VentureCall.State.DRAFT, VentureCall.State.OPEN, "venture.call_opened")


def start_review(*, actor, call) -> VentureCall:
    """Close applications; reviewers may now score."""
    return _move_call(
        actor, call, VentureCall.State.OPEN, VentureCall.State.REVIEWING, "venture.review_started"
    )


def apply_to_call(
    *, actor, call, organization, project_title, summary, requested_amount
) -> VentureApplication:
    policy.require(actor, P.APPLY_VENTURE, body=organization)
    _active_org("organization", organization)
    project_title = _text("project_title", project_title)
    summary = _text("summary", summary)
    amount = _money("requested_amount", requested_amount)
    if amount > call.budget:
        raise ValidationError({"requested_amount": _("The amount exceeds the call's budget.")})
    today = timezone.localdate()
    if call.state != VentureCall.State.OPEN or not (call.opens_on <= today <= call.closes_on):
        raise ValidationError(_("This call is not open for applications."))
    try:
        with transaction.atomic():
            application = VentureApplication.objects.create(
                call=call,
                organization=organization,
                project_title=project_title,
                summary=summary,
                requested_amount=amount,
            )
            audit.record(
                actor,
                "venture.applied",
                application,
                details={"call": call.pk, "amount": amount},
                area=call.area,
            )
    except IntegrityError:
        raise ValidationError(
            {"project_title": _("This organization already applied with this project.")}
        ) from None
    return application


def withdraw_application(*, actor, application) -> VentureApplication:
    policy.require(actor, P.APPLY_VENTURE, body=application.organization)
    with transaction.atomic():
        updated = VentureApplication.objects.filter(
            pk=application.pk,
            state=VentureApplication.State.SUBMITTED,
            call__state__in=[VentureCall.State.OPEN, VentureCall.State.REVIEWING],
        ).update(state=VentureApplication.State.WITHDRAWN)
        if not updated:
            raise ValidationError(_("This application can no longer be withdrawn."))
        application.refresh_from_db()
        audit.record(actor, "venture.withdrawn", application, area=application.call.area)
    return application


def score_application(*, actor, application, score, comment="") -> ReviewScore:
    """A reviewer's score from 0 to 100; scoring again replaces the reviewer's earlier score."""
    call = application.call
    policy.require(actor, REVIEW_VENTURE, area=call.area)
    if actor is None or not getattr(actor, "pk", None):
        raise ValidationError(_("A score needs a named reviewer."))
    try:
        value = Decimal(str(score))
    except ArithmeticError:
        raise ValidationError({"score": _("A score is a number from 0 to 100.")}) from None
    if not value.is_finite() or value < 0 or value > 100:
        raise ValidationError({"score": _("A score is a number from 0 to 100.")})
    value = value.quantize(CENT, rounding=ROUND_HALF_UP)
    if call.state != VentureCall.State.REVIEWING:
        raise ValidationError(_("Scores are given while the call is under review."))
    if application.state != VentureApplication.State.SUBMITTED:
        raise ValidationError(_("Only submitted applications are scored."))
    with transaction.atomic():
        row, created = ReviewScore.objects.update_or_create(
            application=application, reviewer=actor, defaults={"score": value, "comment": comment or ""}
        )
        average = ReviewScore.objects.filter(application=application).aggregate(a=Avg("score"))["a"]
        VentureApplication.objects.filter(pk=application.pk).update(
            average_score=Decimal(average).quantize(CENT, rounding=ROUND_HALF_UP)
        )
        audit.record(
            actor,
            "venture.scored",
            application,
            details={"score": value, "replaced": not created},
            area=call.area,
        )
    return row


def ranking(call) -> list[VentureApplication]:
    """Submitted applications by average score, best first (ties: earlier submission first)."""
    return list(
        call.applications.filter(
            state__in=[VentureApplication.State.SUBMITTED, VentureApplication.State.AWARDED]
        )
        .select_related("organization")
        .order_by("-average_score", "submitted_at", "id")
    )


def award_call(*, actor, call, awards: dict, starts_on, ends_on) -> list[VentureProject]:
    """Rank the applications, award the chosen ones (application id → amount) and fund them as projects.

    The awarded total may not exceed the budget; every other submitted application is not awarded.
    """
    policy.require(actor, P.MANAGE_PROGRAMS, area=call.area)
    if not awards:
        raise ValidationError({"awards": _("Choose at least one application to award.")})
    _period("starts_on", starts_on, "ends_on", ends_on)
    amounts = {int(k): _money("awards", v) for k, v in awards.items()}
    if any(a == 0 for a in amounts.values()):
        raise ValidationError({"awards": _("An award needs an amount above zero.")})
    total = sum(amounts.values(), Decimal(0))
    if total > call.budget:
        raise ValidationError(
            {
                "awards": _("The awards add up to %(total)s yuan, more than the budget of %(budget)s yuan.")
                % {"total": total, "budget": call.budget}
            }
        )
    with transaction.atomic():
        locked = VentureCall.objects.select_for_update().get(pk=call.pk)
        if locked.state != VentureCall.State.REVIEWING:
            raise ValidationError(_("A call is awarded after its review."))
        ranked = ranking(locked)
        by_id = {a.pk: a for a in ranked}
        missing = [k for k in amounts if k not in by_id]
        if missing:
            raise ValidationError({"awards": _("Only submitted applications of this call can be awarded.")})
        for app_id, amount in amounts.items():
            if amount > by_id[app_id].requested_amount:
                raise ValidationError({"awards": _("An award cannot exceed the amount requested.")})
        projects = []
        for position, application in enumerate(ranked, start=1):
            application.rank = position
            if application.pk in amounts:
                application.state = VentureApplication.State.AWARDED
                application.awarded_amount = amounts[application.pk]
                projects.append(
                    VentureProject(
                        application=application,
                        funding=amounts[application.pk],
                        starts_on=starts_on,
                        ends_on=ends_on,
                    )
                )
            else:
                application.state = VentureApplication.State.REJECTED
        VentureApplication.objects.bulk_update(ranked, ["rank", "state", "awarded_amount"])
        VentureProject.objects.bulk_create(projects)
        locked.state = VentureCall.State.AWARDED
        locked.save(update_fields=["state"])
        audit.record(
            actor,
            "venture.awarded",
            locked,
            details={"awards": {str(k): v for k, v in amounts.items()}, "total": total},
        )
        events.publish("venture.awarded", call_id=locked.pk)
    call.refresh_from_db()
    return list(VentureProject.objects.filter(application__call=call).select_related("application"))


def close_project(*, actor, project, state, results) -> VentureProject:
    """A funded project ends: completed with its results, or terminated with the reason."""
    call = project.application.call
    policy.require(actor, P.MANAGE_PROGRAMS, area=call.area)
    if state not in {VentureProject.State.COMPLETED, VentureProject.State.TERMINATED}:
        raise ValidationError({"state": _("Choose completed or terminated.")})
    results = _text("results", results)
    with transaction.atomic():
        updated = VentureProject.objects.filter(pk=project.pk, state=VentureProject.State.RUNNING).update(
            state=state, results=results
        )
        if not updated:
            raise ValidationError(_("This project is already closed."))
        project.refresh_from_db()
        audit.record(
            actor, "venture.project_closed", project.application, details={"state": state}, area=call.area
        )
    return project


__all__ = [
    "add_milestone",
    "admit_incubatee",
    "apply_to_call",
    "award_call",
    "close_project",
    "complete_milestone",
    "create_call",
    "exit_incubatee",
    "graduate_incubatee",
    "open_call",
    "score_application",
    "start_review",
    "withdraw_application",
]
