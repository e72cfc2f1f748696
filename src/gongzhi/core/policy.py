"""The one permission policy: capabilities granted to roles, checked against role-assignment scopes.

Every page, API operation and admin view asks this module. A capability is held in a place when
one of the user's role assignments (a) has a role that grants the capability and (b) covers the
place: an area assignment covers its whole subtree; a body assignment (organization, unit, party
organization, department, council) covers that body only. Who may grant which role (roles.GRANTABLE)
is decided here too, so that pages, API and admin cannot disagree about it.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.http import Http404

from gongzhi.accounts.roles import GRANTABLE, Role, ScopeKind


@dataclass(frozen=True)
class Grant:
    role: str
    scope_kind: str
    scope_id: int
    area_id: int | None
    area_path: str


CAPABILITIES: dict[str, frozenset[str]] = {}


def register(capability: str, roles) -> str:
    CAPABILITIES[capability] = frozenset(str(r) for r in roles)
    return capability


def roles_for(capability: str) -> frozenset[str]:
    try:
        return CAPABILITIES[capability]
    except KeyError:
        raise ValueError(f"unknown capability {capability!r}") from None


def _is_superuser(user) -> bool:
    return bool(
        user is not None and getattr(user, "is_superuser", False) and getattr(user, "is_active", False)
    )


def grants(user) -> list[Grant]:
    """The user's active role assignments, cached on the user object for the request."""
    if user is None or not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", True):
        return []
    cached = getattr(user, "_gongzhi_grants", None)
    if cached is None:
        from gongzhi.accounts.models import RoleAssignment

        # Read as plain values: every request asks, and models of the rows and their areas were
        # half the read's time.
        rows = (
            RoleAssignment.objects.active()
            .filter(user=user)
            .values_list("role", "scope_kind", "scope_id", "area_id", "area__path")
            .order_by("id")
        )
        cached = [
            Grant(role, kind, scope_id, area_id, path or "") for role, kind, scope_id, area_id, path in rows
        ]
        user._gongzhi_grants = cached
    return cached


def forget(user) -> None:
    if user is not None and hasattr(user, "_gongzhi_grants"):
        del user._gongzhi_grants


def _inside(path: str, ancestor_path: str) -> bool:
    # Paths are fixed-width segments, so a prefix is always a whole ancestor (never "0001" in "00012").
    return bool(path) and bool(ancestor_path) and path.startswith(ancestor_path)


def _covers_area(grant: Grant, path: str) -> bool:
    return grant.scope_kind == ScopeKind.AREA and _inside(path, grant.area_path)


def _covers_body(grant: Grant, kind: str | None, body_id, body_area_path: str) -> bool:
    if kind and grant.scope_kind == kind and grant.scope_id == body_id:
        return True
    return _covers_area(grant, body_area_path)


def _body_kind(body, body_kind):
    kind = body_kind or getattr(body, "scope_kind", None)
    return str(kind) if kind else None


def can(user, capability: str, *, area=None, body=None, body_kind: str | None = None) -> bool:
    """True when the user holds `capability` over `area` (an Area) or `body` (a scoped object).

    A body is covered by an assignment for that very body or by an area assignment whose subtree
    holds the body's area. With neither area nor body, the question is "anywhere at all".
    `user` None is the system itself (demo loader, sweeps, imports from the CLI): always allowed.
    """
    if user is None:
        return True
    allowed = roles_for(capability)  # unknown capabilities are a programming error, even for superusers
    if _is_superuser(user):
        return True
    mine = [g for g in grants(user) if g.role in allowed]
    if not mine:
        return False
    if body is not None:
        kind = _body_kind(body, body_kind)
        body_area = getattr(body, "area", None)
        path = getattr(body_area, "path", "") if body_area is not None else ""
        return any(_covers_body(g, kind, body.pk, path) for g in mine)
    if area is not None:
        return any(_covers_area(g, area.path) for g in mine)
    return True


def require(user, capability: str, **where) -> None:
    if not can(user, capability, **where):
        raise PermissionDenied(capability)


def area_paths(user, capability: str) -> list[str] | None:
    """Area paths where the user holds the capability; None means everywhere (system, superuser)."""
    if user is None or _is_superuser(user):
        return None
    allowed = roles_for(capability)
    paths = sorted(
        {g.area_path for g in grants(user) if g.role in allowed and g.scope_kind == ScopeKind.AREA}
    )
    # Drop paths inside another path: the outer one covers them.
    kept: list[str] = []
    for p in paths:
        if not any(_inside(p, k) for k in kept):
            kept.append(p)
    return kept


def body_ids(user, capability: str, kind: str) -> set[int]:
    allowed = roles_for(capability)
    return {g.scope_id for g in grants(user) if g.role in allowed and g.scope_kind == kind}


def body_scopes(user, capability: str) -> set[tuple[str, int]]:
    """(scope kind, id) of every body assignment through which the user holds the capability."""
    allowed = roles_for(capability)
    return {
        (g.scope_kind, g.scope_id)
        for g in grants(user)
        if g.role in allowed and g.scope_kind != ScopeKind.AREA
    }


def get_object_for_user(user, queryset, pk, capability: str, *, body_kind: str | None = None):
    """Return the object if the user holds the capability over it; 404 if missing, 403 if not allowed.

    The object must expose `area` (an Area) or be a scoped body (`scope_kind`).
    """
    try:
        obj = queryset.get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404 from None
    if getattr(obj, "scope_kind", None) or body_kind:
        require(user, capability, body=obj, body_kind=body_kind)
    else:
        require(user, capability, area=getattr(obj, "area", None) or obj)
    return obj


def roles_of(user) -> set[str]:
    return {g.role for g in grants(user)}


def has_role(user, *roles) -> bool:
    return bool(roles_of(user) & {str(r) for r in roles})


# --- Granting roles ---------------------------------------------------------------------------------


def grantable_roles(user) -> set[str]:
    """Every role the user may grant somewhere (all roles for the system and superusers)."""
    if user is None or _is_superuser(user):
        return set(Role.values)
    return {str(r) for g in grants(user) for r in GRANTABLE.get(g.role, ())}


def can_grant_role(user, role: str, scope_kind: str, scope_id, area) -> bool:
    """The user may grant (or revoke) `role` for the scope when one of their own assignments has a
    role that may grant it and covers the scope: the scope's area lies in their area subtree, or the
    scope is the very body their assignment is for. `area` is the scope's area (the area itself for
    area scopes, the body's area for body scopes; None when a body has no area)."""
    if user is None or _is_superuser(user):
        return True
    target_path = getattr(area, "path", "") if area is not None else ""
    for g in grants(user):
        if str(role) not in GRANTABLE.get(g.role, set()):
            continue
        if _covers_area(g, target_path):
            return True
        if g.scope_kind != ScopeKind.AREA and g.scope_kind == scope_kind and g.scope_id == scope_id:
            return True
    return False


# --- Django admin -----------------------------------------------------------------------------------


def can_use_admin(user) -> bool:
    """The Django admin bypasses actions (and with them scopes and audit): superusers only for now."""
    return _is_superuser(user)


ALL_ROLES = list(Role)
