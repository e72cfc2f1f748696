"""Six acts and six don'ts (commitment, acts confirmed, violations with the member's response) and the
points handbook (rules per organization, automatic entries from recorded activities, manual entries)."""

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.core import audit, events

from .. import figures
from ..models import (
    PartyMember,
    PartyOrganization,
    PointsEntry,
    PointsRule,
    PointsScheme,
    ReportIn,
    SixActsCommitment,
    SixActsRecord,
    Violation,
)
from ..models.practice import Act, ActivityKind, Dont
from ._common import day, decimal, raise_if, require_manage, require_self, text
from ._common import year as check_year
from .reporting import ACTIVITY_EVENT


def _reported_org(member: PartyMember) -> PartyOrganization:
    report = (
        ReportIn.objects.select_related("receiving", "receiving__area")
        .filter(member=member, state=ReportIn.State.ACCEPTED)
        .first()
    )
    if report is None:
        raise ValidationError(
            {"member": _("Only in-service members who have reported in make the six-acts commitment.")}
        )
    return report.receiving


# --- six acts ---------------------------------------------------------------------------------------
@transaction.atomic
def commit_six_acts(*, actor, member: PartyMember, year: int) -> SixActsCommitment:
    require_self(actor, member)
    errors: dict = {}
    year = check_year(errors, year)
    raise_if(errors)
    org = _reported_org(member)
    try:
        with transaction.atomic():
            c = SixActsCommitment.objects.create(
                member=member, organization=org, year=year, committed_at=timezone.now()
            )
            figures.count_commitment(c)
    except IntegrityError:
        raise ValidationError({"year": _("The commitment for this year has already been made.")}) from None
    audit.record(actor, "six_acts.committed", c, area=org.area, details={"year": year})
    return c


@transaction.atomic
def record_six_act(*, actor, commitment: SixActsCommitment, act: int, done_on, evidence) -> SixActsRecord:
    """The committee confirms one of the six acts (date, evidence, who confirmed)."""
    commitment = SixActsCommitment.objects.select_related("organization", "organization__area").get(
        pk=commitment.pk
    )
    require_manage(actor, commitment.organization)
    errors: dict = {}
    try:
        act = int(act)
    except (TypeError, ValueError):
        act = 0
    if act not in Act.values:
        errors["act"] = _("Choose one of the six acts.")
    done_on = day(errors, "done_on", done_on, not_future=True)
    if done_on and done_on.year != commitment.year:
        errors["done_on"] = _("The act must fall within the commitment's year.")
    evidence = text(errors, "evidence", evidence, 300)
    raise_if(errors)
    try:
        with transaction.atomic():
            rec = SixActsRecord.objects.create(
                commitment=commitment,
                act=act,
                done_on=done_on,
                evidence=evidence,
                confirmed_by=actor if getattr(actor, "pk", None) else None,
                confirmed_at=timezone.now(),
            )
            figures.count_six_act(rec)
    except IntegrityError:
        raise ValidationError({"act": _("This act is already recorded for the year.")}) from None
    audit.record(actor, "six_acts.recorded", rec, area=commitment.organization.area, details={"act": act})
    events.publish(
        ACTIVITY_EVENT,
        member_id=commitment.member_id,
        kind=ActivityKind.SIX_ACTS,
        year=commitment.year,
        source_type="party.sixactsrecord",
        source_id=rec.pk,
        label=str(Act(act).label),
    )
    return rec


@transaction.atomic
def record_violation(*, actor, member: PartyMember, dont: int, occurred_on, description) -> Violation:
    org = _reported_org(member)
    require_manage(actor, org)
    errors: dict = {}
    try:
        dont = int(dont)
    except (TypeError, ValueError):
        dont = 0
    if dont not in Dont.values:
        errors["dont"] = _("Choose one of the six don'ts.")
    occurred_on = day(errors, "occurred_on", occurred_on, not_future=True)
    description = text(errors, "description", description, 300)
    raise_if(errors)
    v = Violation.objects.create(
        member=member,
        organization=org,
        dont=dont,
        occurred_on=occurred_on,
        description=description,
        recorded_by=actor if getattr(actor, "pk", None) else None,
    )
    audit.record(actor, "violation.recorded", v, area=org.area, details={"dont": dont})
    return v


@transaction.atomic
def respond_to_violation(*, actor, violation: Violation, response) -> Violation:
    """The member's right to respond: once, in their own words."""
    violation = (
        Violation.objects.select_for_update(of=("self",))
        .select_related("member__person", "organization__area")
        .get(pk=violation.pk)
    )
    require_self(actor, violation.member)
    errors: dict = {}
    response = text(errors, "response", response, 3000)
    raise_if(errors)
    if violation.responded_at:
        raise ValidationError({"response": _("You have already responded to this record.")})
    violation.response = response
    violation.responded_at = timezone.now()
    violation.save(update_fields=["response", "responded_at"])
    audit.record(actor, "violation.responded", violation, area=violation.organization.area)
    return violation


# --- points -----------------------------------------------------------------------------------------
@transaction.atomic
def save_points_scheme(
    *, actor, organization: PartyOrganization, year: int, base_points, rules: dict, manual_cap=10
) -> PointsScheme:
    """`rules`: {activity kind: (points, yearly cap or None)} — replaces the year's rules."""
    require_manage(actor, organization)
    errors: dict = {}
    year = check_year(errors, year)
    base_points = decimal(errors, "base_points", base_points, maximum=Decimal(1000))
    manual_cap = decimal(errors, "manual_cap", manual_cap, maximum=Decimal(1000))
    cleaned = {}
    for kind, spec in (rules or {}).items():
        if kind not in ActivityKind.values or kind == ActivityKind.MANUAL:
            errors[f"rules.{kind}"] = _("Unknown activity kind.")
            continue
        points, cap = spec
        p = decimal(errors, f"rules.{kind}", points, maximum=Decimal(100))
        c = decimal(errors, f"rules.{kind}", cap, maximum=Decimal(1000)) if cap not in (None, "") else None
        cleaned[kind] = (p, c)
    raise_if(errors)
    scheme, _created = PointsScheme.objects.update_or_create(
        organization=organization, year=year, defaults={"base_points": base_points, "manual_cap": manual_cap}
    )
    scheme.rules.all().delete()
    PointsRule.objects.bulk_create(
        [PointsRule(scheme=scheme, activity_kind=k, points=p, yearly_cap=c) for k, (p, c) in cleaned.items()]
    )
    audit.record(
        actor, "points.scheme_saved", scheme, area=organization.area, details={"rules": sorted(cleaned)}
    )
    return scheme


def _scheme_for(member: PartyMember, year: int) -> PointsScheme | None:
    """The rules of the organization the member reported to, else of their own organization."""
    report = ReportIn.objects.filter(member=member, state=ReportIn.State.ACCEPTED).first()
    orgs = [report.receiving_id] if report else []
    orgs.append(member.organization_id)
    for org_id in orgs:
        scheme = PointsScheme.objects.filter(organization_id=org_id, year=year).first()
        if scheme is not None:
            return scheme
    return None


def earned(member: PartyMember, year: int, kind: str) -> Decimal:
    return PointsEntry.objects.filter(member=member, year=year, activity_kind=kind).aggregate(
        s=Sum("points")
    )["s"] or Decimal(0)


@events.subscribe(ACTIVITY_EVENT)
def award_points(event) -> PointsEntry | None:
    """Automatic entry for a recorded activity, by the rules and within the yearly cap (system actor)."""
    member = PartyMember.objects.select_related("organization").get(pk=event["member_id"])
    year = event["year"]
    scheme = _scheme_for(member, year)
    if scheme is None:
        return None
    rule = scheme.rules.filter(activity_kind=event["kind"]).first()
    if rule is None or not rule.points:
        return None
    points = rule.points
    if rule.yearly_cap is not None:
        points = min(points, max(Decimal(0), rule.yearly_cap - earned(member, year, rule.activity_kind)))
    if points <= 0:
        return None
    try:
        with transaction.atomic():
            entry = PointsEntry.objects.create(
                member=member,
                organization=scheme.organization,
                year=year,
                activity_kind=rule.activity_kind,
                points=points,
                reason=str(event.get("label", ""))[:300],
                source_type=event["source_type"],
                source_id=event["source_id"],
            )
            figures.count_points(entry)
    except IntegrityError:
        return None  # delivered twice: already counted
    audit.record(None, "points.earned", entry, area=scheme.organization.area, details={"points": points})
    return entry


@transaction.atomic
def add_manual_points(*, actor, member: PartyMember, year: int, points, reason) -> PointsEntry:
    """Manual entry with a reason; refused outside the organization's rules (no scheme, above the cap)."""
    errors: dict = {}
    year = check_year(errors, year)
    reason = text(errors, "reason", reason, 300)
    value = decimal(errors, "points", points, minimum=Decimal(-100), maximum=Decimal(100))
    raise_if(errors)
    scheme = _scheme_for(member, year)
    if scheme is None:
        raise ValidationError(
            {
                "points": _("No points rules are set for this member's organization in %(year)d.")
                % {"year": year}
            }
        )
    require_manage(actor, scheme.organization)
    if value == 0 or abs(value) > scheme.manual_cap:
        raise ValidationError(
            {
                "points": _("A manual entry must be between −%(cap)s and %(cap)s points, not zero.")
                % {"cap": scheme.manual_cap}
            }
        )
    entry = PointsEntry.objects.create(
        member=member,
        organization=scheme.organization,
        year=year,
        activity_kind=ActivityKind.MANUAL,
        points=value,
        reason=reason,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    figures.count_points(entry)
    audit.record(actor, "points.manual", entry, area=scheme.organization.area, details={"points": value})
    return entry


def handbook(member: PartyMember, year: int) -> dict:
    """The member's handbook for a year: base, entries, total."""
    scheme = _scheme_for(member, year)
    base = scheme.base_points if scheme else Decimal(0)
    entries = list(PointsEntry.objects.filter(member=member, year=year).order_by("created_at", "id"))
    total = base + sum((e.points for e in entries), Decimal(0))
    return {"scheme": scheme, "base": base, "entries": entries, "total": total, "year": year}


def require_handbook_view(actor, member: PartyMember) -> None:
    from .. import permissions as P

    if actor is None or member.person.user_id == actor.pk:
        return
    if not P.can_manage(actor, member.organization) and not (
        member.workplace_organization_id and P.can_manage(actor, member.workplace_organization)
    ):
        raise PermissionDenied(P.VIEW)
