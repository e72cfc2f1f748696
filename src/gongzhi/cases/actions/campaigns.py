"""Campaigns (专项整治): lock a list of target dwellings, route a case for each, verify, watch for rebound.

A target moves locked → in_progress (its case is received and routed) → awaiting_check (the case was
resolved; a re-inspection falls due `reinspection_days` later) → rectified (the re-inspection
confirmed it). A failed re-inspection, or the problem found again at a rectified target (rebound,
反弹), opens a new case within the campaign and sends the target back to in_progress; a rebound
also counts in `rebound_count`. Case events reach targets through subscribers (after commit).
"""

import datetime as dt
import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongzhi.accounts.roles import Role
from gongzhi.areas.models import COMMITTEE_KINDS, AreaKind
from gongzhi.core import audit, events, policy, sweeps, workitems
from gongzhi.notices.actions import notify, register_kind

from .. import figures_campaigns
from ..models import Campaign, CampaignTarget, Case
from .visits import _text

logger = logging.getLogger(__name__)

ADMINS = [Role.CITY_ADMIN, Role.DISTRICT_ADMIN, Role.STREET_ADMIN]
STAFF = [*ADMINS, Role.COMMUNITY_WORKER, Role.COMMITTEE_WORKER]
MANAGE = policy.register("cases.campaigns.manage", [*ADMINS, Role.COMMUNITY_WORKER])
# Re-inspection and rebound reports come from the street: committee staff and grid workers too.
REINSPECT = policy.register("cases.campaigns.reinspect", [*STAFF, Role.GRID_WORKER])
VIEW = policy.register("cases.campaigns.view", [*STAFF, Role.GRID_WORKER])

for _verb, _label in {
    "campaign.created": gettext_lazy("campaign created"),
    "campaign.target_added": gettext_lazy("campaign target added"),
    "campaign.target_removed": gettext_lazy("campaign target removed"),
    "campaign.locked": gettext_lazy("campaign target list locked"),
    "campaign.closed": gettext_lazy("campaign closed"),
    "campaign.awaiting_check": gettext_lazy("campaign target awaits re-inspection"),
    "campaign.reinspected": gettext_lazy("campaign target re-inspected"),
    "campaign.rebound": gettext_lazy("campaign target rebounded"),
    "campaign.case_reopened": gettext_lazy("campaign target's case reopened"),
}.items():
    audit.register_verb(_verb, _label)

KIND_REINSPECTION = register_kind("cases.reinspection_due", gettext_lazy("campaign re-inspection due"))

CAMPAIGN_AREA_KINDS = {
    AreaKind.DISTRICT,
    AreaKind.STREET,
    AreaKind.TOWN,
    AreaKind.COMMUNITY,
    *COMMITTEE_KINDS,
}
FOUND_BY_CHANNEL = {"patrol": "patrol", "property_company": "property_company", "resident": "resident_web"}
FOUND_BY_CHOICES = [
    ("patrol", gettext_lazy("grid patrol")),
    ("property_company", gettext_lazy("property company")),
    ("resident", gettext_lazy("resident report")),
    ("other", gettext_lazy("other")),
]
SOURCE_TYPE = "campaign_target"


def _today() -> dt.date:
    return timezone.localdate()


def _locked_campaign(campaign: Campaign) -> Campaign:
    return Campaign.objects.select_for_update().select_related("area", "category").get(pk=campaign.pk)


# --- the campaign ---------------------------------------------------------------------------------
def create_campaign(
    *,
    actor,
    area,
    category,
    title,
    year: int,
    starts_on: dt.date,
    ends_on: dt.date,
    reinspection_days: int = 30,
) -> Campaign:
    from .intake import resolve_category

    errors = {}
    if area is None or area.kind not in CAMPAIGN_AREA_KINDS:
        errors["area"] = [_("Choose a district, street/town, community or committee.")]
    try:
        category = resolve_category(category)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    try:
        title = _text(title, "title", 160, required=True)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if starts_on is None or ends_on is None:
        errors["ends_on"] = [_("Give the start and end dates.")]
    elif ends_on < starts_on:
        errors["ends_on"] = [_("The campaign cannot end before it starts.")]
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        errors["year"] = [_("Give the campaign's year.")]
    if not isinstance(reinspection_days, int) or not 1 <= reinspection_days <= 365:
        errors["reinspection_days"] = [_("Re-inspect between 1 and 365 days after resolution.")]
    if errors:
        raise ValidationError(errors)
    policy.require(actor, MANAGE, area=area)
    with transaction.atomic():
        campaign = Campaign(
            title=title,
            category=category,
            year=year,
            starts_on=starts_on,
            ends_on=ends_on,
            reinspection_days=reinspection_days,
            created_by=actor if getattr(actor, "pk", None) else None,
        )
        campaign.set_area(area)
        campaign.save()
        audit.record(actor, "campaign.created", campaign, details={"category": category.code, "year": year})
    return campaign


def add_target(*, actor, campaign: Campaign, dwelling, found_by="patrol") -> CampaignTarget:
    """A dwelling on the draft list (found by patrol, the property company, a resident …)."""
    if found_by not in dict(FOUND_BY_CHOICES):
        raise ValidationError({"found_by": _("Choose who found it.")})
    with transaction.atomic():
        campaign = _locked_campaign(campaign)
        policy.require(actor, MANAGE, area=campaign.area)
        if campaign.state != Campaign.State.DRAFT:
            raise ValidationError({"dwelling": _("The target list is locked; no target can be added.")})
        if dwelling is None:
            raise ValidationError({"dwelling": _("Choose a dwelling.")})
        if not dwelling.area_path.startswith(campaign.area_path):
            raise ValidationError({"dwelling": _("The dwelling is outside the campaign's area.")})
        if CampaignTarget.objects.filter(campaign=campaign, dwelling=dwelling).exists():
            raise ValidationError({"dwelling": _("This dwelling is already a target of the campaign.")})
        target = CampaignTarget(campaign=campaign, dwelling=dwelling, found_by=found_by)
        target.set_area(dwelling.area)
        target.save()
        audit.record(actor, "campaign.target_added", target, details={"campaign": campaign.pk})
    return target


def remove_target(*, actor, target: CampaignTarget) -> None:
    with transaction.atomic():
        campaign = _locked_campaign(target.campaign)
        policy.require(actor, MANAGE, area=campaign.area)
        if campaign.state != Campaign.State.DRAFT:
            raise ValidationError({"dwelling": _("The target list is locked; no target can be removed.")})
        audit.record(actor, "campaign.target_removed", target, details={"campaign": campaign.pk})
        target.delete()


def _open_case(actor, target: CampaignTarget, campaign: Campaign, *, note: str, found_by: str) -> Case:
    from .intake import receive_case

    return receive_case(
        actor=actor,
        category=campaign.category,
        area=target.area,
        channel=FOUND_BY_CHANNEL.get(found_by, "patrol"),
        title=f"{campaign.title}: {target.dwelling}"[:120],
        description=note or _("Target of the campaign “%(title)s”.") % {"title": campaign.title},
        address=str(target.dwelling)[:200],
        dwelling=target.dwelling,
        source_type=SOURCE_TYPE,
        source_id=target.pk,
    )


def lock_campaign(*, actor, campaign: Campaign) -> Campaign:
    """Lock the list: no more targets; each target gets a case, routed by the rules."""
    with transaction.atomic():
        campaign = _locked_campaign(campaign)
        policy.require(actor, MANAGE, area=campaign.area)
        if campaign.state != Campaign.State.DRAFT:
            raise ValidationError({"state": _("The target list is already locked.")})
        targets = list(campaign.targets.select_related("dwelling", "dwelling__area", "area").order_by("id"))
        if not targets:
            raise ValidationError({"state": _("Add at least one target before locking the list.")})
        for target in targets:
            case = _open_case(actor, target, campaign, note="", found_by=target.found_by)
            target.case = case
            target.state = CampaignTarget.State.IN_PROGRESS
            target.save(update_fields=["case", "state"])
        campaign.state = Campaign.State.LOCKED
        campaign.locked_at = timezone.now()
        campaign.save(update_fields=["state", "locked_at"])
        audit.record(actor, "campaign.locked", campaign, details={"targets": len(targets)})
        events.publish(
            "campaign.locked",
            campaign_id=campaign.pk,
            snapshots=[figures_campaigns.target_snapshot(t, campaign) for t in targets],
        )
    return campaign


def close_campaign(*, actor, campaign: Campaign) -> Campaign:
    with transaction.atomic():
        campaign = _locked_campaign(campaign)
        policy.require(actor, MANAGE, area=campaign.area)
        if campaign.state != Campaign.State.LOCKED:
            raise ValidationError({"state": _("Only a campaign with a locked list can be closed.")})
        campaign.state = Campaign.State.CLOSED
        campaign.save(update_fields=["state"])
        audit.record(actor, "campaign.closed", campaign)
    return campaign


# --- targets --------------------------------------------------------------------------------------
def _locked_target(target: CampaignTarget) -> CampaignTarget:
    return (
        CampaignTarget.objects.select_for_update()
        .select_related("campaign", "campaign__category", "dwelling", "dwelling__area", "area")
        .get(pk=target.pk)
    )


def await_reinspection(
    *, actor, target: CampaignTarget, resolved_on: dt.date | None = None
) -> CampaignTarget:
    """The target's case was resolved: the re-inspection falls due `reinspection_days` later."""
    with transaction.atomic():
        target = _locked_target(target)
        policy.require(actor, REINSPECT, area=target.area)
        if target.state != CampaignTarget.State.IN_PROGRESS:
            return target
        resolved_on = resolved_on or _today()
        target.state = CampaignTarget.State.AWAITING_CHECK
        target.rectified_on = resolved_on
        target.reinspect_due_on = resolved_on + dt.timedelta(days=target.campaign.reinspection_days)
        target.save(update_fields=["state", "rectified_on", "reinspect_due_on"])
        audit.record(actor, "campaign.awaiting_check", target, details={"due": target.reinspect_due_on})
    return target


def record_reinspection(*, actor, target: CampaignTarget, confirmed: bool, note="") -> CampaignTarget:
    """The re-inspection: confirmed → rectified and verified; not confirmed → a new case, back to work."""
    note = _text(note, "note", 2000)
    with transaction.atomic():
        target = _locked_target(target)
        policy.require(actor, REINSPECT, area=target.area)
        if target.state != CampaignTarget.State.AWAITING_CHECK:
            raise ValidationError({"state": _("This target is not awaiting re-inspection.")})
        before = figures_campaigns.target_snapshot(target)
        if confirmed:
            if target.reinspect_due_on and _today() < target.reinspect_due_on:
                raise ValidationError(
                    {
                        "confirmed": _("The rectification can be confirmed from %(date)s on.")
                        % {"date": target.reinspect_due_on.isoformat()}
                    }
                )
            target.state = CampaignTarget.State.RECTIFIED
            target.verified_on = _today()
            target.save(update_fields=["state", "verified_on"])
        else:
            if not note:
                raise ValidationError({"note": _("Say what the re-inspection found.")})
            case = _open_case(actor, target, target.campaign, note=note, found_by="other")
            target.case = case
            target.state = CampaignTarget.State.IN_PROGRESS
            target.rectified_on = None
            target.reinspect_due_on = None
            target.save(update_fields=["case", "state", "rectified_on", "reinspect_due_on"])
        audit.record(
            actor, "campaign.reinspected", target, details={"confirmed": bool(confirmed), "note": note}
        )
        events.publish(
            "campaign.target_changed",
            target_id=target.pk,
            before=before,
            after=figures_campaigns.target_snapshot(target),
        )
    return target


def report_rebound(
    *, actor, target: CampaignTarget, note, found_by="patrol", case: Case | None = None
) -> CampaignTarget:
    """反弹: the problem is back at a rectified target; it reopens within the campaign with a case
    (the one given — e.g. a new report at the dwelling — or a new one) and counts as a rebound."""
    note = _text(note, "note", 2000, required=case is None)
    with transaction.atomic():
        target = _locked_target(target)
        policy.require(actor, REINSPECT, area=target.area)
        if target.campaign.state == Campaign.State.DRAFT:
            raise ValidationError({"state": _("The campaign's list is not locked yet.")})
        if target.state not in (CampaignTarget.State.RECTIFIED, CampaignTarget.State.AWAITING_CHECK):
            raise ValidationError({"state": _("Only a rectified target can rebound.")})
        before = figures_campaigns.target_snapshot(target)
        if case is None:
            case = _open_case(actor, target, target.campaign, note=note, found_by=found_by)
        target.case = case
        target.state = CampaignTarget.State.IN_PROGRESS
        target.rebound_count += 1
        target.rectified_on = None
        target.verified_on = None
        target.reinspect_due_on = None
        target.save(
            update_fields=[
                "case",
                "state",
                "rebound_count",
                "rectified_on",
                "verified_on",
                "reinspect_due_on",
            ]
        )
        audit.record(actor, "campaign.rebound", target, details={"case": case.number, "note": note})
        events.publish(
            "campaign.target_changed",
            target_id=target.pk,
            before=before,
            after=figures_campaigns.target_snapshot(target),
        )
    return target


# --- reactions to case events (after the case action commits) ---------------------------------------
def _targets_of_case(case_id) -> list[CampaignTarget]:
    return list(CampaignTarget.objects.filter(case_id=case_id).exclude(campaign__state=Campaign.State.DRAFT))


@events.subscribe("case.resolved")
@events.subscribe("case.resolve")
def _on_case_resolved(event):
    for target in _targets_of_case(event["case_id"]):
        case = Case.objects.get(pk=event["case_id"])
        resolved_on = timezone.localdate(case.resolved_at) if case.resolved_at else None
        await_reinspection(actor=None, target=target, resolved_on=resolved_on)


@events.subscribe("case.reopened")
@events.subscribe("case.reopen")
def _on_case_reopened(event):
    for target in _targets_of_case(event["case_id"]):
        with transaction.atomic():
            target = _locked_target(target)
            if target.state != CampaignTarget.State.AWAITING_CHECK:
                continue
            target.state = CampaignTarget.State.IN_PROGRESS
            target.rectified_on = None
            target.reinspect_due_on = None
            target.save(update_fields=["state", "rectified_on", "reinspect_due_on"])
            audit.record(None, "campaign.case_reopened", target, details={"case": event.get("number")})


def _may_rebound(event) -> bool:
    """Only a report at a dwelling, not made by a campaign itself, may be a rebound (most have none)."""
    return bool(event.get("dwelling_id", True)) and event.get("source_type") != SOURCE_TYPE


@events.subscribe("case.received", when=_may_rebound)
def _on_case_received(event):
    """A new report of the campaign's problem at a rectified target's dwelling is a rebound."""
    case = Case.objects.filter(pk=event["case_id"]).first()
    if case is None or not case.dwelling_id or case.source_type == SOURCE_TYPE:
        return
    targets = CampaignTarget.objects.filter(
        dwelling_id=case.dwelling_id,
        campaign__category_id=case.category_id,
        campaign__state=Campaign.State.LOCKED,
        state__in=[CampaignTarget.State.RECTIFIED, CampaignTarget.State.AWAITING_CHECK],
    )
    for target in targets:
        report_rebound(actor=None, target=target, note=case.title, case=case)


# --- the re-inspection sweep and the to-do count ----------------------------------------------------
@sweeps.register("cases.campaign_reinspections")
def notify_reinspections_due(now=None) -> int:
    """On the day a re-inspection falls due, tell the office of the target's place and the campaign's owner."""
    from .common import dispatcher_users

    today = timezone.localdate(now) if now else _today()
    due = CampaignTarget.objects.filter(
        state=CampaignTarget.State.AWAITING_CHECK, reinspect_due_on=today
    ).select_related("campaign", "dwelling", "dwelling__area", "case")
    sent = 0
    for target in due:
        recipients = set(dispatcher_users(target.case)) if target.case_id else set()
        if target.campaign.created_by_id:
            recipients.add(target.campaign.created_by_id)
        if not recipients:
            continue
        notify(
            actor=None,
            recipients=sorted(recipients),
            kind=KIND_REINSPECTION,
            title=_("Re-inspection due: %(target)s") % {"target": target.dwelling},
            body=target.campaign.title,
            url=f"/field/campaigns/{target.campaign_id}/",
        )
        sent += 1
    return sent


def reinspections_due_for(user):
    """Targets awaiting a re-inspection that is due, inside the user's areas (indexed on area_path)."""
    from gongzhi.areas.models import subtree_q

    paths = policy.area_paths(user, REINSPECT)
    qs = CampaignTarget.objects.filter(
        state=CampaignTarget.State.AWAITING_CHECK, reinspect_due_on__lte=_today()
    )
    if paths is None:
        return qs
    if not paths:
        return qs.none()
    q = subtree_q("area_path", paths[0])
    for p in paths[1:]:
        q |= subtree_q("area_path", p)
    return qs.filter(q)


@workitems.register
def _reinspection_work(user):
    if user is None or not getattr(user, "is_authenticated", False) or not policy.can(user, REINSPECT):
        return []
    count = reinspections_due_for(user)[:100].count()
    if not count:
        return []
    return [
        workitems.WorkItem(
            label=_("%(n)d campaign re-inspections due") % {"n": count},
            count=count,
            url="/field/campaigns/",
            app="cases",
        )
    ]
