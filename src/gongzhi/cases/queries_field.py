"""Read side of the field pages: scoped lists of visits, patrols, campaigns, and the campaign board."""

from collections import defaultdict

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, Sum

from gongzhi.accounts.roles import ScopeKind
from gongzhi.areas import queries as area_queries
from gongzhi.areas.models import Area, subtree_q
from gongzhi.core import policy, rollups

from .models import Campaign, CampaignTarget, Case, Patrol, Visit


def scope_filter(user, capability: str) -> Q | None:
    """Rows inside the user's areas for the capability; None = everywhere (system, superuser)."""
    paths = policy.area_paths(user, capability)
    if paths is None:
        return None
    q = Q(pk__in=[])
    for p in paths:
        q |= subtree_q("area_path", p)
    return q


def scope_areas(user, capability: str):
    return area_queries.scope_areas(user, capability)


def in_area(qs, user, capability: str, area: Area | None):
    if area is not None:
        if not policy.can(user, capability, area=area):
            raise PermissionDenied(capability)
        return qs.filter(subtree_q("area_path", area.path))
    q = scope_filter(user, capability)
    return qs if q is None else qs.filter(q)


def visits_for(user, area: Area | None, capability: str):
    qs = Visit.objects.select_related("area", "unit", "household")
    # A unit's liaison sees the visits to their unit(s) only.
    units = policy.body_ids(user, capability, ScopeKind.STATIONED_UNIT) if user is not None else set()
    if area is None and units and not policy.area_paths(user, capability):
        return qs.filter(unit_id__in=units)
    return in_area(qs, user, capability, area)


def patrols_for(user, area: Area | None, capability: str, *, mine_only=False):
    qs = in_area(Patrol.objects.select_related("area", "worker"), user, capability, area)
    return qs.filter(worker=user) if mine_only else qs


def campaigns_for(user, area: Area | None, capability: str):
    """Campaigns placed in the user's areas, and those above whose targets lie in them."""
    qs = Campaign.objects.select_related("area", "category")
    if area is not None:
        if not policy.can(user, capability, area=area):
            raise PermissionDenied(capability)
        return qs.filter(subtree_q("area_path", area.path) | Q(area__path__in=_ancestor_paths(area.path)))
    paths = policy.area_paths(user, capability)
    if paths is None:
        return qs
    q = Q(pk__in=[])
    for p in paths:
        q |= subtree_q("area_path", p) | Q(area_path__in=_ancestor_paths(p))
    return qs.filter(q)


def _ancestor_paths(path: str) -> list[str]:
    from gongzhi.areas import paths as area_paths

    return list(area_paths.ancestors(path))


def cases_of_visit(visit: Visit):
    return Case.objects.filter(visit=visit).select_related("category").order_by("received_at", "id")


def board(campaign: Campaign) -> dict:
    """Locked, rectified, rectification rate and rebounds: the whole campaign, by community and by committee.

    A campaign's targets are a short list (one index range on campaign, state), so these are aggregates.
    """
    targets = CampaignTarget.objects.filter(campaign=campaign)
    locked = Campaign.objects.filter(pk=campaign.pk).exclude(state=Campaign.State.DRAFT).exists()

    def _figures(rows):
        total = sum(r["n"] for r in rows)
        rectified = sum(r["n"] for r in rows if r["state"] == CampaignTarget.State.RECTIFIED)
        rebounds = sum(r["rebounds"] or 0 for r in rows)
        by_state = defaultdict(int)
        for r in rows:
            by_state[r["state"]] += r["n"]
        return {
            "locked": total if locked else 0,
            "listed": total,
            "rectified": rectified,
            "rate": rollups.rate_display(rectified, total if locked else 0),
            "rate_value": rollups.rate(rectified, total if locked else 0),
            "rebounds": rebounds,
            "in_progress": by_state[CampaignTarget.State.IN_PROGRESS],
            "awaiting_check": by_state[CampaignTarget.State.AWAITING_CHECK],
        }

    def _grouped(column):
        rows = targets.values(column, "state").annotate(n=Count("id"), rebounds=Sum("rebound_count"))
        groups = defaultdict(list)
        for r in rows:
            groups[r[column]].append(r)
        names = dict(Area.objects.filter(pk__in=[k for k in groups if k]).values_list("id", "name"))
        out = [{"id": k, "name": names.get(k, "—"), **_figures(v)} for k, v in groups.items()]
        return sorted(out, key=lambda r: r["name"])

    all_rows = list(targets.values("state").annotate(n=Count("id"), rebounds=Sum("rebound_count")))
    return {
        "total": _figures(all_rows),
        "by_community": _grouped("community_id")
        if targets.filter(community_id__isnull=False).exists()
        else [],
        "by_committee": _grouped("committee_id"),
    }
