"""Read side of accounts: the role assignments a user may see and manage."""

from django.db.models import Q

from gongzhi.areas.models import subtree_q
from gongzhi.core import policy

from .models import RoleAssignment


def assignments_in_scope(user, capability: str = "accounts.manage_roles"):
    """Active assignments inside the user's scopes for `capability`: those whose area lies in one of
    the user's area subtrees (body assignments carry their body's area) and those for a body the
    user holds an assignment for. One index range per scope; no table scan."""
    qs = RoleAssignment.objects.active().select_related("user", "area", "granted_by")
    paths = policy.area_paths(user, capability)
    if paths is None:
        return qs
    q = Q(pk__in=[])
    for p in paths:
        q |= subtree_q("area__path", p)
    for kind, scope_id in policy.body_scopes(user, capability):
        q |= Q(scope_kind=kind, scope_id=scope_id)
    return qs.filter(q)
