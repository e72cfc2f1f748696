"""Values every page's shell needs: the navigation for this user and the site name."""

from django.conf import settings
from django.utils.functional import SimpleLazyObject

from . import navigation


def shell(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": [], "nav_bar": "", "site_name": settings.GONGZHI_SITE_NAME}
    return {
        # The entries as a list only for the pages that show them (the home page's links).
        "nav_items": SimpleLazyObject(lambda: navigation.for_user(user, request.path)),
        "nav_bar": navigation.bar_for(user, request.path),
        "site_name": settings.GONGZHI_SITE_NAME,
    }
