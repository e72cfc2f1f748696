"""Values every page's shell needs: the navigation for this user and the site name."""

from django.conf import settings

from . import navigation


def shell(request):
    user = getattr(request, "user", None)
    nav = navigation.for_user(user, request.path) if user is not None and user.is_authenticated else []
    return {"nav_items": nav, "nav_menus": navigation.grouped(nav), "site_name": settings.GONGZHI_SITE_NAME}
