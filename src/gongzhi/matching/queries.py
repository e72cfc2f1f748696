"""Read side of matching: scoped lists, the candidates the matcher ranks, and the figures by area."""

from django.db.models import Q
from django.utils import timezone

from gongzhi.accounts.roles import ScopeKind
from gongzhi.areas import paths as area_paths
from gongzhi.areas import queries as area_queries
from gongzhi.areas.models import Area, subtree_q
from gongzhi.core import policy, rollups

from . import actions, matcher
from . import permissions as P
from .models import MatchedProject, Need, Resource

CANDIDATE_LIMIT = 500
NEEDS_ON_PAGE = 50


def scope_areas(user, capability: str = P.VIEW):
    return area_queries.scope_areas(user, capability)


def publisher_q(user) -> Q:
    """Resources of the bodies the user publishes for (through body assignments)."""
    q = Q(pk__in=[])
    for pub_kind, (_label, scope_kind) in actions.PUBLISHER_MODELS.items():
        ids = policy.body_ids(user, P.PUBLISH_RESOURCE, scope_kind)
        if ids:
            q |= Q(publisher_kind=pub_kind, publisher_id__in=ids)
    return q


def can_see_resource(user, resource: Resource) -> bool:
    if policy.can(user, P.VIEW, area=resource.area):
        return True
    _label, scope_kind = actions.PUBLISHER_MODELS[resource.publisher_kind]
    return resource.publisher_id in policy.body_ids(user, P.PUBLISH_RESOURCE, scope_kind)


def can_see_need(user, need: Need) -> bool:
    return policy.can(user, P.VIEW, area=need.area) or (user is not None and need.created_by_id == user.pk)


def can_see_project(user, project: MatchedProject) -> bool:
    return policy.can(user, P.VIEW, area=project.area) or can_see_resource(user, project.resource)


def resources(area: Area | None, *, user=None, state="", kind=""):
    """Resources serving the area's subtree; without an area, the resources of the user's own bodies."""
    qs = Resource.objects.select_related("area")
    qs = qs.filter(subtree_q("area_path", area.path)) if area is not None else qs.filter(publisher_q(user))
    if state:
        qs = qs.filter(state=state)
    if kind:
        qs = qs.filter(kind=kind)
    return qs


def needs(area: Area | None, *, user=None, state="", kind=""):
    """Needs in the area's subtree; without an area, the needs the user published."""
    qs = Need.objects.select_related("area")
    qs = qs.filter(subtree_q("area_path", area.path)) if area is not None else qs.filter(created_by=user)
    if state:
        qs = qs.filter(state=state)
    if kind:
        qs = qs.filter(kind=kind)
    return qs


def projects(area: Area | None, *, user=None, state=""):
    qs = MatchedProject.objects.select_related("area", "resource", "need")
    if area is not None:
        qs = qs.filter(subtree_q("area_path", area.path))
    else:
        ids = resources(None, user=user).values("id")
        qs = qs.filter(Q(resource_id__in=ids) | Q(need__created_by=user))
    if state:
        qs = qs.filter(state=state)
    return qs


def _district_path(path: str) -> str:
    # city = 1 segment, district = 2: "nearby" reaches across the need's district at most.
    return path[: 2 * area_paths.SEGMENT] if len(path) >= 2 * area_paths.SEGMENT else path


def candidate_resources(needs_list, now=None):
    """Published resources that could serve any of the needs: same kinds, still available, serving the
    needs' areas from above or lying in the same district."""
    now = now or timezone.now()
    needs_list = list(needs_list)
    if not needs_list:
        return []
    place = Q(pk__in=[])
    for path in {n.area_path for n in needs_list}:
        place |= Q(area_path__in=[*area_paths.ancestors(path), path]) | subtree_q(
            "area_path", _district_path(path)
        )
    return list(
        Resource.objects.filter(
            place,
            state=Resource.State.PUBLISHED,
            remaining__gt=0,
            available_until__gt=now,
            kind__in={n.kind for n in needs_list},
        )
        .select_related("area")
        .order_by("available_until", "id")[:CANDIDATE_LIMIT]
    )


def ranked_for_need(need: Need, limit=10) -> list[matcher.Pair]:
    return matcher.rank(need, candidate_resources([need]))[:limit]


def ranked_for_resource(resource: Resource, limit=10) -> list[matcher.Pair]:
    """Open needs this resource could serve, best first (needs in the area it serves or nearby)."""
    if resource.state != Resource.State.PUBLISHED or resource.remaining <= 0:
        return []
    open_needs = (
        Need.objects.filter(
            subtree_q("area_path", _district_path(resource.area_path)),
            state=Need.State.OPEN,
            kind=resource.kind,
            wanted_until__gt=resource.available_from,
            wanted_from__lt=resource.available_until,
        )
        .select_related("area")
        .order_by("wanted_from", "id")[:CANDIDATE_LIMIT]
    )
    pairs = [p for n in open_needs if (p := matcher.score(resource, n)) is not None]
    return sorted(pairs, key=lambda p: (-p.score, p.need.wanted_from, p.need.pk))[:limit]


def proposals(area: Area, *, per_need=3, now=None) -> list[dict]:
    """For the open needs of the area (soonest first), the best resources for each, with reasons."""
    now = now or timezone.now()
    open_needs = list(
        Need.objects.filter(subtree_q("area_path", area.path), state=Need.State.OPEN, wanted_until__gt=now)
        .select_related("area")
        .order_by("wanted_from", "id")[:NEEDS_ON_PAGE]
    )
    pool = candidate_resources(open_needs, now)
    return [{"need": n, "pairs": matcher.rank(n, pool)[:per_need]} for n in open_needs]


def figures(area: Area, period_from: str, period_to: str) -> dict:
    """Needs met, resources used (pairs accepted), projects completed for the area's subtree."""
    result = {}
    for key, figure in (
        ("needs_met", actions.NEEDS_MET),
        ("resources_used", actions.RESOURCES_USED),
        ("projects_completed", actions.PROJECTS_COMPLETED),
    ):
        num, _den = rollups.read(area, figure, period_from, period_to, include_pending=True)
        result[key] = int(num)
    return result


def figures_by_child(area: Area, period_from: str, period_to: str, limit=60) -> list[dict]:
    """The same figures for each child area (the "by area" table and chart)."""
    rows = []
    for child in area.children.filter(abolished_on__isnull=True).order_by("path")[:limit]:
        rows.append({"area": child, **figures(child, period_from, period_to)})
    return rows


def publisher_choices(user, area: Area | None = None, limit=200) -> list[tuple[str, str]]:
    """("kind:id", label) of the bodies the user may publish for: their own, and for area staff the
    units and organizations of their areas."""
    from gongzhi.orgs.models import SocialOrganization, StationedUnit

    choices = [(f"{k}:{i}", name) for k, i, name in actions.publishers_for(user)]
    paths = policy.area_paths(user, P.PUBLISH_RESOURCE)
    if paths is None:
        paths = [area.path] if area is not None else [""]
    for path in paths[:10]:
        q = subtree_q("area_path", path) if path else Q()
        for unit in StationedUnit.objects.filter(q, is_active=True).order_by("name")[:limit]:
            choices.append((f"unit:{unit.pk}", str(unit)))
        for org in SocialOrganization.objects.filter(q).order_by("name")[:limit]:
            choices.append((f"organization:{org.pk}", str(org)))
    seen, unique = set(), []
    for value, label in choices:
        if value not in seen:
            seen.add(value)
            unique.append((value, label))
    return unique


def scope_kind_label(kind: str) -> str:
    return dict(ScopeKind.choices).get(kind, kind)
