"""Template tag for other apps' pages: may this user open the area's dashboard? (the area page's link)."""

from django import template

register = template.Library()


@register.simple_tag
def can_view_dashboard(user, area) -> bool:
    from gongzhi.core import policy
    from gongzhi.reports.dashboard import VIEW

    return bool(getattr(user, "is_authenticated", False)) and policy.can(user, VIEW, area=area)
