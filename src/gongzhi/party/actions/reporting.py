"""Dual reporting (双报到): unit report slips with resources, members' report slips, receipts that close
the loop at the workplace organization, service records, quarterly statements back to the workplace."""

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongzhi.accounts.models import RoleAssignment, User
from gongzhi.accounts.roles import Role, ScopeKind
from gongzhi.core import audit, events, policy
from gongzhi.matching import actions as matching_actions
from gongzhi.matching import permissions as matching_permissions
from gongzhi.notices.actions import notify, register_kind

from .. import figures
from .. import permissions as P
from ..models import (
    PartyMember,
    PartyOrganization,
    QuarterlyStatement,
    Receipt,
    ReportIn,
    ServiceRecord,
    SixActsRecord,
    UnitReport,
)
from ._common import day, decimal, raise_if, require_manage, require_self, text

RECEIPT_NOTICE = register_kind("party.receipt", gettext_lazy("party report-in receipts"))
STATEMENT_NOTICE = register_kind("party.statement", gettext_lazy("members' quarterly service records"))
ACTIVITY_EVENT = "party.activity_recorded"


def secretaries_of(org: PartyOrganization) -> list[User]:
    ids = (
        RoleAssignment.objects.active()
        .filter(scope_kind=ScopeKind.PARTY_ORGANIZATION, scope_id=org.pk, role=Role.PARTY_SECRETARY)
        .values_list("user_id", flat=True)
    )
    return list(User.objects.filter(pk__in=list(ids), is_active=True))


def _not_addressed(actor, org) -> Exception:
    # A secretary elsewhere gets a clear message; someone with no party office at all is simply refused.
    if actor is not None and policy.can(actor, P.MANAGE):
        return ValidationError({"report": _("This report slip is not addressed to your organization.")})
    return PermissionDenied(P.MANAGE)


# --- units ------------------------------------------------------------------------------------------
@transaction.atomic
def submit_unit_report(
    *,
    actor,
    organization: PartyOrganization,
    receiving: PartyOrganization,
    year,
    contact_person,
    contact_phone,
    tasks,
    resources=(),
) -> UnitReport:
    """`resources`: dicts for matching.publish_resource (kind, title, capacity, available_from/until …)."""
    if actor is not None and not P.can_act_for_unit(actor, organization):
        raise PermissionDenied(P.UNIT_ACT)
    errors: dict = {}
    if not organization.is_unit_kind:
        errors["organization"] = _(
            "Only a unit's or social organization's party organization reports as a unit."
        )
    if receiving.kind not in (
        PartyOrganization.Kind.WORKING_COMMITTEE,
        PartyOrganization.Kind.COMPREHENSIVE_COMMITTEE,
    ):
        errors["receiving"] = _(
            "A unit reports to the community working committee or comprehensive committee."
        )
    contact_person = text(errors, "contact_person", contact_person, 60)
    contact_phone = text(errors, "contact_phone", contact_phone, 30)
    tasks = text(errors, "tasks", tasks, 3000)
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        errors["year"] = _("Give a year between 2000 and 2100.")
    raise_if(errors)
    if UnitReport.objects.filter(organization=organization, receiving=receiving, year=year).exists():
        raise ValidationError({"year": _("This organization has already reported for this year.")})
    report = UnitReport.objects.create(
        organization=organization,
        receiving=receiving,
        year=year,
        contact_person=contact_person,
        contact_phone=contact_phone,
        tasks=tasks,
        submitted_by=actor if getattr(actor, "pk", None) else None,
    )
    publisher_actor = (
        actor
        if actor is not None
        and policy.can(
            actor,
            matching_permissions.PUBLISH_RESOURCE,
            body=organization,
            body_kind=ScopeKind.PARTY_ORGANIZATION,
        )
        else None
    )
    for i, spec in enumerate(resources or ()):
        try:
            resource = matching_actions.publish_resource(
                actor=publisher_actor,
                publisher_kind="party_organization",
                publisher_id=organization.pk,
                area=receiving.area,
                **spec,
            )
        except ValidationError as exc:
            raise ValidationError(
                {f"resources.{i}.{k}": v for k, v in exc.message_dict.items()}
                if hasattr(exc, "error_dict")
                else {"resources": exc.messages}
            ) from None
        report.resources.add(resource)
    audit.record(actor, "unit_report.submitted", report, details={"resources": len(resources or ())})
    return report


@transaction.atomic
def confirm_unit_report(*, actor, report: UnitReport) -> UnitReport:
    report = (
        UnitReport.objects.select_for_update(of=("self",))
        .select_related("receiving", "receiving__area")
        .get(pk=report.pk)
    )
    if actor is not None and not P.can_manage(actor, report.receiving):
        raise _not_addressed(actor, report.receiving)
    if report.state != UnitReport.State.SUBMITTED:
        raise ValidationError({"state": _("This report slip has already been confirmed.")})
    report.state = UnitReport.State.CONFIRMED
    report.confirmed_by = actor if getattr(actor, "pk", None) else None
    report.confirmed_at = timezone.now()
    report.save()
    audit.record(actor, "unit_report.confirmed", report)
    return report


# --- members ----------------------------------------------------------------------------------------
@transaction.atomic
def report_in(
    *,
    actor,
    member: PartyMember,
    receiving: PartyOrganization,
    contact_phone,
    workplace_name="",
    skills="",
    service_wishes="",
) -> ReportIn:
    """An in-service member reports to the residential-area organization where they live."""
    require_self(actor, member)
    if actor is not None:
        policy.require(actor, P.ACT_AS_MEMBER)
    errors: dict = {}
    if member.status != PartyMember.Status.IN_SERVICE:
        errors["member"] = _("Only in-service members report in to where they live.")
    if not receiving.is_residential:
        errors["receiving"] = _("Report in to a residential-area party organization.")
    elif not member.area_path.startswith(receiving.area_path):
        errors["receiving"] = _("Report in to the residential-area organization where you live.")
    workplace_name = text(errors, "workplace_name", workplace_name or member.workplace_name, 120)
    skills = text(errors, "skills", skills or member.skills, 300, required=False)
    service_wishes = text(
        errors, "service_wishes", service_wishes or member.service_wishes, 300, required=False
    )
    from gongzhi.core import pii

    try:
        contact_phone = pii.validate_phone(contact_phone or "")
    except ValidationError as exc:
        errors["contact_phone"] = exc.messages[0]
    raise_if(errors)
    if ReportIn.objects.filter(member=member, state__in=ReportIn.ACTIVE).exists():
        raise ValidationError(
            {"member": _("You have already reported in; a second report slip is not needed.")}
        )
    report = ReportIn(
        member=member,
        receiving=receiving,
        workplace_organization=member.workplace_organization,
        workplace_name=workplace_name,
        contact_phone=contact_phone,
        skills=skills,
        service_wishes=service_wishes,
        submitted_by=actor if getattr(actor, "pk", None) else None,
        submitted_at=timezone.now(),
    )
    report.set_area(member.area)
    try:
        with transaction.atomic():
            report.save()
    except IntegrityError:
        raise ValidationError(
            {"member": _("You have already reported in; a second report slip is not needed.")}
        ) from None
    audit.record(actor, "report_in.submitted", report, details={"receiving": receiving.pk})
    return report


def _locked_report(report) -> ReportIn:
    return (
        ReportIn.objects.select_for_update(of=("self",))
        .select_related("receiving", "receiving__area", "member", "member__person", "workplace_organization")
        .get(pk=report.pk)
    )


@transaction.atomic
def issue_receipt(*, actor, report: ReportIn) -> Receipt:
    """Accept the slip and issue the receipt (回执); the workplace organization's secretaries are told."""
    report = _locked_report(report)
    if actor is not None and not P.can_manage(actor, report.receiving):
        raise _not_addressed(actor, report.receiving)
    if report.state != ReportIn.State.SUBMITTED:
        raise ValidationError({"state": _("This report slip has already been decided.")})
    now = timezone.now()
    before = figures.member_snapshot(report.member)
    report.state = ReportIn.State.ACCEPTED
    report.decided_at = now
    report.save(update_fields=["state", "decided_at"])
    figures.member_changed(before, report.member)
    receipt = Receipt.objects.create(
        report=report,
        number=f"HZ{timezone.localdate(now).year}-{report.pk:07d}",
        issued_by=actor if getattr(actor, "pk", None) else None,
        issued_at=now,
    )
    audit.record(actor, "receipt.issued", receipt, area=report.area, details={"report": report.pk})
    recipients = [u for u in [report.member.person.user] if u is not None]
    if report.workplace_organization_id:
        recipients += secretaries_of(report.workplace_organization)
    if recipients:
        title = _("Report-in receipt %(number)s: %(name)s reported to %(org)s") % {
            "number": receipt.number,
            "name": report.member.person.name,
            "org": report.receiving.name,
        }
        url = reverse("party:receipt", args=[receipt.pk])
        transaction.on_commit(
            lambda: notify(
                actor=actor, recipients=recipients, kind=RECEIPT_NOTICE, title=title[:200], url=url
            )
        )
    return receipt


@transaction.atomic
def return_report(*, actor, report: ReportIn, reason) -> ReportIn:
    report = _locked_report(report)
    if actor is not None and not P.can_manage(actor, report.receiving):
        raise _not_addressed(actor, report.receiving)
    errors: dict = {}
    reason = text(errors, "reason", reason, 300)
    raise_if(errors)
    if report.state != ReportIn.State.SUBMITTED:
        raise ValidationError({"state": _("This report slip has already been decided.")})
    report.state = ReportIn.State.RETURNED
    report.return_reason = reason
    report.decided_at = timezone.now()
    report.save(update_fields=["state", "return_reason", "decided_at"])
    audit.record(actor, "report_in.returned", report, details={"reason": reason})
    return report


@transaction.atomic
def acknowledge_receipt(*, actor, receipt: Receipt) -> Receipt:
    """The workplace organization confirms it has the receipt: the loop is closed."""
    receipt = (
        Receipt.objects.select_for_update(of=("self",))
        .select_related("report__workplace_organization")
        .get(pk=receipt.pk)
    )
    workplace = receipt.report.workplace_organization
    if workplace is None:
        raise ValidationError(
            {"receipt": _("The member's workplace does not use the platform; print the receipt.")}
        )
    require_manage(actor, workplace)
    if receipt.acknowledged_at:
        raise ValidationError({"receipt": _("This receipt has already been acknowledged.")})
    receipt.acknowledged_at = timezone.now()
    receipt.acknowledged_by = actor if getattr(actor, "pk", None) else None
    receipt.save(update_fields=["acknowledged_at", "acknowledged_by"])
    audit.record(actor, "receipt.acknowledged", receipt)
    return receipt


@transaction.atomic
def record_service(
    *, actor, member: PartyMember, served_on, hours, description, kind=ServiceRecord.Kind.SERVICE
) -> ServiceRecord:
    """The receiving organization records a reported member's community activity."""
    report = (
        ReportIn.objects.select_related("receiving", "receiving__area")
        .filter(member=member, state=ReportIn.State.ACCEPTED)
        .first()
    )
    if report is None:
        raise ValidationError(
            {"member": _("Only members who have reported in (receipt issued) get service records here.")}
        )
    require_manage(actor, report.receiving)
    errors: dict = {}
    served_on = day(errors, "served_on", served_on, not_future=True)
    hours = decimal(errors, "hours", hours, minimum=Decimal("0.5"), maximum=Decimal(24))
    description = text(errors, "description", description, 300)
    if kind not in ServiceRecord.Kind.values:
        errors["kind"] = _("Choose a kind of activity.")
    raise_if(errors)
    record = ServiceRecord(
        member=member,
        organization=report.receiving,
        kind=kind,
        served_on=served_on,
        hours=hours,
        description=description,
        recorded_by=actor if getattr(actor, "pk", None) else None,
    )
    record.set_area(member.area)
    record.save()
    figures.count_service(record)
    audit.record(actor, "service.recorded", record, details={"hours": hours, "kind": kind})
    events.publish(
        ACTIVITY_EVENT,
        member_id=member.pk,
        kind=kind,
        year=served_on.year,
        source_type="party.servicerecord",
        source_id=record.pk,
        label=description,
    )
    return record


def quarter_range(year: int, quarter: int) -> tuple[dt.date, dt.date]:
    start = dt.date(year, 3 * quarter - 2, 1)
    end = dt.date(year + (quarter == 4), 1 if quarter == 4 else 3 * quarter + 1, 1) - dt.timedelta(days=1)
    return start, end


@transaction.atomic
def send_quarterly_statements(*, actor, organization: PartyOrganization, year: int, quarter: int) -> int:
    """Send each reported member's service record of the quarter back to their workplace organization."""
    require_manage(actor, organization)
    if quarter not in (1, 2, 3, 4):
        raise ValidationError({"quarter": _("A quarter is 1, 2, 3 or 4.")})
    if not 2000 <= int(year) <= 2100:
        raise ValidationError({"year": _("Give a year between 2000 and 2100.")})
    start, end = quarter_range(year, quarter)
    reports = list(
        ReportIn.objects.filter(receiving=organization, state=ReportIn.State.ACCEPTED).select_related(
            "member", "workplace_organization"
        )
    )
    now = timezone.now()
    by_workplace: dict[int, int] = {}
    for r in reports:
        agg = ServiceRecord.objects.filter(member=r.member, served_on__range=(start, end)).aggregate(
            n=Count("id"), h=Sum("hours")
        )
        acts = SixActsRecord.objects.filter(commitment__member=r.member, commitment__year=year).count()
        QuarterlyStatement.objects.update_or_create(
            member=r.member,
            year=year,
            quarter=quarter,
            defaults={
                "workplace_organization": r.workplace_organization,
                "sender": organization,
                "service_count": agg["n"] or 0,
                "service_hours": agg["h"] or 0,
                "six_acts_done": acts,
                "sent_at": now,
            },
        )
        if r.workplace_organization_id:
            by_workplace[r.workplace_organization_id] = by_workplace.get(r.workplace_organization_id, 0) + 1
    audit.record(
        actor,
        "statements.sent",
        organization,
        details={"year": year, "quarter": quarter, "members": len(reports)},
    )
    for org in PartyOrganization.objects.filter(pk__in=by_workplace):
        users = secretaries_of(org)
        if users:
            title = _("%(org)s sent the %(year)d Q%(q)d service records of %(n)d of your members") % {
                "org": organization.name,
                "year": year,
                "q": quarter,
                "n": by_workplace[org.pk],
            }
            url = reverse("party:workplace", args=[org.pk])
            transaction.on_commit(
                lambda users=users, title=title, url=url: notify(
                    actor=actor, recipients=users, kind=STATEMENT_NOTICE, title=title[:200], url=url
                )
            )
    return len(reports)
