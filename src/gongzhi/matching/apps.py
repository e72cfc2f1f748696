"""Matching app: resource list, need list, the matcher, and project list (资源清单、需求清单、项目清单)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchingConfig(AppConfig):
    name = "gongzhi.matching"
    label = "matching"
    verbose_name = _("Resources and needs")

    def ready(self):
        # Capabilities, audit verbs, notification kind and figures register at import; then the menu.
        from gongzhi.core import navigation

        from . import actions  # noqa: F401
        from . import permissions as P

        navigation.register(_("Resources and needs"), "matching:resources", P.VIEW, order=70)
