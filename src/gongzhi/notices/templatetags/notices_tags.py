"""Template tags of the notification core: the unread badge of the navbar bell."""

from django import template

from ..queries import badge, unread_count

register = template.Library()


@register.simple_tag(takes_context=True)
def notices_unread(context) -> int:
    """Unread count for the signed-in user (capped at 100): from the context processor when it is
    installed, otherwise one indexed query here."""
    cached = context.get("notices_unread")
    if cached is not None:
        return cached() if callable(cached) else int(cached)
    user = context.get("user")
    if user is None and context.get("request") is not None:
        user = context["request"].user
    return unread_count(user)


@register.filter
def notices_badge(count) -> str:
    """99+ for more than 99."""
    return badge(int(count or 0))
