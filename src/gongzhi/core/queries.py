"""Read side of core: the audit log as the viewer may see it."""

from django.db.models import Q

from gongzhi.areas import paths as area_paths
from gongzhi.areas.models import Area

from . import policy
from .models import AuditEvent


def _path_q(path: str) -> Q:
    lower, upper = area_paths.subtree_range(path)
    return Q(area_path__gte=lower, area_path__lt=upper)


def audit_events_for(
    user, *, area_id=None, actor_id=None, object_type=None, object_id=None, since=None, until=None
):
    """Events in the viewer's areas; events without an area are visible to superusers only."""
    qs = AuditEvent.objects.all()
    allowed = policy.area_paths(user, "core.view_audit")
    if allowed is not None:
        q = Q(pk__in=[])
        for p in allowed:
            q |= _path_q(p)
        qs = qs.filter(q)
    if area_id:
        area = Area.objects.filter(pk=area_id).first()
        qs = qs.filter(_path_q(area.path)) if area else qs.none()
    if actor_id:
        qs = qs.filter(actor_id=actor_id)
    if object_type:
        qs = qs.filter(object_type=object_type)
    if object_id:
        qs = qs.filter(object_id=object_id)
    if since:
        qs = qs.filter(created_at__gte=since)
    if until:
        qs = qs.filter(created_at__lte=until)
    return qs.select_related("actor")
