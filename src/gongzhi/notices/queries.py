"""Read side of the notification core: the centre, the unread count, webhooks and their delivery log."""

from django.core.cache import cache
from django.db.models import Q

from gongzhi.accounts.roles import ScopeKind
from gongzhi.areas.models import subtree_q
from gongzhi.core import policy

from .actions import MANAGE_WEBHOOKS, unread_key
from .models import Delivery, Notification, NotificationPreference, Webhook

UNREAD_CAP = 99
# The bell is on every page: its count is kept in the shared cache and dropped by every action that
# adds or reads notifications (actions.forget_unread). The lifetime only bounds the rare race of a
# count read just before another process's commit and stored just after its drop.
UNREAD_SECONDS = 60


def notifications_for(user, *, unread_only: bool = False):
    qs = Notification.objects.filter(recipient=user)
    return qs.filter(read_at__isnull=True) if unread_only else qs


def unread_count(user, cap: int = UNREAD_CAP) -> int:
    """Unread notifications, counted up to cap + 1 only (one short index range, never a full count).

    Returns at most cap + 1; show "99+" when it exceeds cap.
    """
    if user is None or not getattr(user, "is_authenticated", False):
        return 0
    if cap != UNREAD_CAP:
        return _count_unread(user, cap)
    key = unread_key(user.pk)
    count = cache.get(key)
    if count is None:
        count = _count_unread(user, cap)
        cache.set(key, count, UNREAD_SECONDS)
    return count


def _count_unread(user, cap: int) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).order_by()[: cap + 1].count()


def badge(count: int, cap: int = UNREAD_CAP) -> str:
    return f"{cap}+" if count > cap else str(count)


def preferences_for(user):
    return NotificationPreference.objects.filter(user=user).order_by("kind")


def webhooks_for(user):
    """Webhooks the user may manage: inside their area subtrees, or of the departments they hold."""
    qs = Webhook.objects.select_related("area")
    paths = policy.area_paths(user, MANAGE_WEBHOOKS)
    if paths is None:
        return qs
    q = Q(pk__in=[])
    for p in paths:
        q |= subtree_q("area__path", p)
    departments = policy.body_ids(user, MANAGE_WEBHOOKS, ScopeKind.DEPARTMENT)
    if departments:
        q |= Q(scope_kind=ScopeKind.DEPARTMENT, scope_id__in=departments)
    return qs.filter(q)


def deliveries_for_webhook(webhook):
    return Delivery.objects.filter(webhook=webhook)
