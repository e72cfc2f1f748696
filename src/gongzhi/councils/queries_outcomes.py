"""Read side of votes, resolutions and accountability, agreements, proposals and elections."""

from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q, Sum
from django.utils import timezone

from gongzhi.areas.models import Area, subtree_q
from gongzhi.core import audit, policy

from . import visibility
from .actions import MANAGE, VIEW
from .actions.outcomes import UNFINISHED
from .models import (
    ActionItem,
    ActionUpdate,
    Agreement,
    AgreementItem,
    Ballot,
    Election,
    Motion,
    Proposal,
    Resolution,
)
from .models.votes import Choice

CHOICES = dict(Choice.choices)
RESOLUTION_ORDERING = ("-decided_on",)
AGREEMENT_ORDERING = ("-ends_on",)
PROPOSAL_ORDERING = ("-created_at",)
ELECTION_ORDERING = ("-voting_day",)


def percent(part, whole) -> str | None:
    """One decimal, half-up, computed here (never by a chart)."""
    if not whole:
        return None
    value = (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return f"{value}%"


# --- motions ---------------------------------------------------------------------------------------------
def motions_for(user, item):
    """The item's motions when the user may see the item (confidentiality), else none."""
    if not visibility.can_see_item(user, item):
        return Motion.objects.none()
    return item.motions.order_by("id")


def can_see_motion(user, motion: Motion) -> bool:
    item = motion.item
    return visibility.can_see_meeting(user, item.meeting) and visibility.can_see_item(user, item)


def ballots_shown(motion: Motion) -> list[dict]:
    """Who voted; how only for open ballots (a secret ballot's choice is never linked to the voter)."""
    rows = []
    for b in Ballot.objects.filter(motion=motion).select_related("seat").order_by("seat__holder_name", "id"):
        rows.append(
            {
                "seat_id": b.seat_id,
                "name": b.seat.holder_name,
                "by_proxy": b.by_proxy,
                "choice": "" if motion.secret else b.choice,
                "choice_label": "" if motion.secret else str(CHOICES.get(b.choice, "")),
            }
        )
    return rows


def tally_view(motion: Motion) -> dict:
    t = motion.tally or {}
    cast = motion.yes_count + motion.no_count + motion.abstain_count
    return {
        "yes": motion.yes_count,
        "no": motion.no_count,
        "abstain": motion.abstain_count,
        "cast": cast,
        "present": motion.present_count,
        "members": motion.members_count,
        "yes_share_present": percent(motion.yes_count, motion.present_count),
        "yes_share_members": percent(motion.yes_count, motion.members_count),
        "yes_share_cast": percent(motion.yes_count, cast),
        "yes_area": t.get("yes_area"),
        "total_area": t.get("total_area"),
        "yes_area_share": percent(Decimal(t["yes_area"]), Decimal(t["total_area"]))
        if t.get("yes_area") and t.get("total_area")
        else None,
        "reasons": t.get("reasons", []),
    }


# --- resolutions and accountability ----------------------------------------------------------------------
def public_resolutions(*, area: Area | None = None, council=None):
    qs = Resolution.objects.filter(is_public=True, council__is_public=True)
    if council is not None:
        qs = qs.filter(council=council)
    if area is not None:
        qs = qs.filter(subtree_q("area_path", area.path))
    return qs.select_related("council", "area")


def resolutions_for(user, *, area: Area | None = None, council=None):
    """Public resolutions plus, for staff and members, the non-public ones of councils they may see."""
    if user is None or policy._is_superuser(user):
        qs = Resolution.objects.all()
    elif not getattr(user, "is_authenticated", False):
        return public_resolutions(area=area, council=council)
    else:
        shown = Q(is_public=True, council__is_public=True)
        for path in policy.area_paths(user, VIEW) or []:
            shown |= subtree_q("area_path", path)
        shown |= Q(council__clerk=user)
        shown |= Q(council_id__in={s.council_id for s in visibility.seats_of(user)})
        qs = Resolution.objects.filter(shown)
        # A resolution taken on a confidential item stays inside the item's audience.
        qs = qs.filter(Q(motion__isnull=True) | visibility.item_q(user, "motion__item__"))
    if council is not None:
        qs = qs.filter(council=council)
    if area is not None:
        qs = qs.filter(subtree_q("area_path", area.path))
    return qs.select_related("council", "area")


def can_see_resolution(user, resolution: Resolution) -> bool:
    return resolutions_for(user).filter(pk=resolution.pk).exists()


def with_items(resolutions: list[Resolution]) -> list[Resolution]:
    """Attach action items and a summary (done/total, overdue, mean progress) to each resolution."""
    items = ActionItem.objects.filter(resolution__in=resolutions).order_by("due_on", "id")
    by_res: dict[int, list] = {}
    for i in items:
        by_res.setdefault(i.resolution_id, []).append(i)
    today = timezone.localdate()
    for r in resolutions:
        its = by_res.get(r.pk, [])
        for i in its:
            i.overdue_now = i.status in UNFINISHED and i.due_on < today
        live = [i for i in its if i.status != ActionItem.Status.CANCELLED]
        r.items = its
        r.done = sum(1 for i in live if i.status == ActionItem.Status.DONE)
        r.total = len(live)
        r.overdue = sum(1 for i in its if i.overdue_now)
        r.progress = round(sum(i.progress for i in live) / len(live)) if live else None
    return resolutions


def updates_of(item: ActionItem):
    return ActionUpdate.objects.filter(item=item).select_related("created_by").order_by("created_at", "id")


def my_action_items(user):
    return ActionItem.objects.filter(owner_user=user).select_related("resolution", "resolution__council")


# --- agreements --------------------------------------------------------------------------------------------
def agreements_in(area: Area, *, state: str | None = None):
    qs = Agreement.objects.filter(subtree_q("area_path", area.path)).select_related("area")
    if state:
        qs = qs.filter(state=state)
    return qs


def delivery_status(agreements: list[Agreement]) -> list[Agreement]:
    """Per commitment: delivered quantity and share; per agreement: commitments fully delivered."""
    items = list(
        AgreementItem.objects.filter(agreement__in=agreements)
        .annotate(delivered=Sum("deliveries__quantity"))
        .order_by("side", "id")
    )
    by_agreement: dict[int, list] = {}
    for i in items:
        i.delivered = i.delivered or Decimal(0)
        i.share = percent(min(i.delivered, i.quantity), i.quantity) if i.quantity else None
        i.complete = i.delivered >= i.quantity
        by_agreement.setdefault(i.agreement_id, []).append(i)
    for a in agreements:
        a.commitments = by_agreement.get(a.pk, [])
        a.complete_count = sum(1 for i in a.commitments if i.complete)
        a.delivery_share = percent(a.complete_count, len(a.commitments))
    return agreements


def deliveries_of(agreement: Agreement):
    from .models import DeliveryRecord

    return (
        DeliveryRecord.objects.filter(item__agreement=agreement)
        .select_related("item", "recorded_by")
        .order_by("-delivered_on", "-id")
    )


# --- proposals ------------------------------------------------------------------------------------------------
def proposals_in(area: Area, *, state: str | None = None):
    qs = Proposal.objects.filter(subtree_q("area_path", area.path)).select_related("area")
    if state:
        qs = qs.filter(state=state)
    return qs


def supported_ids(user, proposals) -> set[int]:
    if user is None or not getattr(user, "is_authenticated", False):
        return set()
    from .models import ProposalSupport

    return set(
        ProposalSupport.objects.filter(user=user, proposal__in=proposals).values_list(
            "proposal_id", flat=True
        )
    )


# --- elections -----------------------------------------------------------------------------------------------
def elections_in(area: Area):
    return Election.objects.filter(subtree_q("area_path", area.path)).select_related("area")


def roll_summary(election: Election) -> dict:
    rows = election.roll.aggregate(
        total=Count("id"),
        included=Count("id", filter=Q(included=True)),
        corrected=Count("id", filter=~Q(correction="")),
    )
    rows["voted"] = election.ballots.count()
    rows["turnout"] = percent(rows["voted"], rows["included"])
    return rows


def results(election: Election):
    return election.candidates.select_related("person").order_by("-votes", "name", "id")


def trail(election: Election):
    """The audit trail from roll to result: every event recorded on the election."""
    from gongzhi.core.models import AuditEvent

    return (
        AuditEvent.objects.filter(object_type="councils.election", object_id=str(election.pk))
        .select_related("actor")
        .order_by("id")
    )


def verb_label(verb: str) -> str:
    return str(audit.VERBS.get(verb, verb))


def can_manage_area(user, area: Area) -> bool:
    return policy.can(user, MANAGE, area=area)
