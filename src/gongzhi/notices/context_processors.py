"""Context processor: `notices_unread`, the signed-in user's unread count, computed only if a page uses it.

Optional: add "gongzhi.notices.context_processors.notices" to TEMPLATES' context_processors; without it
the bell's template tag runs the same indexed query itself.
"""

from functools import cache

from .queries import unread_count


def notices(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    @cache
    def count() -> int:
        return unread_count(user)

    return {"notices_unread": count}
