"""The one permission policy: capabilities granted to roles, checked against role-assignment scopes.

Every page, API operation and admin view asks this module. A capability is held in a place when
one of the user's role assignments (a) has a role that grants the capability and (b) covers the
place: an area assignment covers its whole subtree; a body assignment (organization, unit, party
organization, department, council) covers that body only.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.http import Http404

from gongzhi.accounts.roles import Role, ScopeKind


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


def grants(user) -> list[Grant]:
    """The user's active role assignments, cached on the user object for the request."""
    if user is None or not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, "_gongzhi_grants", None)
    if cached is None:
        from gongzhi.accounts.models import RoleAssignment

        rows = RoleAssignment.objects.active().filter(user=user).select_related("area")
        cached = [
            Grant(r.role, r.scope_kind, r.scope_id, r.area_id, r.area.path if r.area_id else "") for r in rows
        ]
        user._gongzhi_grants = cached
    return cached


def forget(user) -> None:
    if user is not None and hasattr(user, "_gongzhi_grants"):
        del user._gongzhi_grants


def _covers_area(grant: Grant, path: str) -> bool:
    return grant.scope_kind == ScopeKind.AREA and bool(grant.area_path) and path.startswith(grant.area_path)


def _covers_body(grant: Grant, kind: str, body_id: int, body_area_path: str) -> bool:
    if grant.scope_kind == kind and grant.scope_id == body_id:
        return True
    return _covers_area(grant, body_area_path) if body_area_path else False


def can(user, capability: str, *, area=None, body=None, body_kind: str | None = None) -> bool:
    """True when the user holds `capability` over `area` (an Area) or `body` (a scoped object).

    `user` None is the system itself (demo loader, sweeps, imports from the CLI): always allowed.
    """
    if user is None:
        return True
    if getattr(user, "is_superuser", False) and getattr(user, "is_active", False):
        return True
    allowed = roles_for(capability)
    mine = [g for g in grants(user) if g.role in allowed]
    if not mine:
        return False
    if body is not None:
        kind = body_kind or getattr(body, "scope_kind", None)
        body_area = getattr(body, "area", None)
        path = getattr(body_area, "path", "") if body_area is not None else ""
        return any(_covers_body(g, kind, body.pk, path) for g in mine)
    if area is not None:
        return any(_covers_area(g, area.path) for g in mine)
    return True  # a capability that needs no place (e.g. "see the audit page at all")


def require(user, capability: str, **where) -> None:
    if not can(user, capability, **where):
        raise PermissionDenied(capability)


def area_paths(user, capability: str) -> list[str] | None:
    """Area paths where the user holds the capability; None means everywhere (superuser)."""
    if getattr(user, "is_superuser", False):
        return None
    allowed = roles_for(capability)
    paths = sorted(
        {g.area_path for g in grants(user) if g.role in allowed and g.scope_kind == ScopeKind.AREA}
    )
    # Drop paths inside another path: the outer one covers them.
    kept: list[str] = []
    for p in paths:
        if not any(p.startswith(k) for k in kept):
            kept.append(p)
    return kept


def body_ids(user, capability: str, kind: str) -> set[int]:
    allowed = roles_for(capability)
    return {g.scope_id for g in grants(user) if g.role in allowed and g.scope_kind == kind}


def get_object_for_user(user, queryset, pk, capability: str, *, body_kind: str | None = None):
    """Return the object if the user holds the capability over it; 404 if missing, 403 if not allowed.

    The object must expose `area` (an Area) or be a scoped body (`scope_kind`).
    """
    try:
        obj = queryset.get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
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


ALL_ROLES = list(Role)
