"""Notices app: notifications, announcements, surveys and the suggestion box."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NoticesConfig(AppConfig):
    name = "gongzhi.notices"
    label = "notices"
    verbose_name = _("Notices")

    def ready(self):
        # Capabilities, audit verbs and kinds; the retry and digest sweeps; the task; the menu entry.
        from gongzhi.core import navigation

        from . import actions, delivery, tasks  # noqa: F401

        navigation.register(_("Webhooks"), "notices:webhooks", actions.MANAGE_WEBHOOKS, order=85)

        # Notices with receipts, surveys and the suggestion box (the modules register their capabilities).
        from . import bulletins, suggestions, surveys  # noqa: F401 - surveys registers notices.run_survey

        navigation.register(_("Notices"), "bulletins:notices", bulletins.RECEIVE, order=80)
        navigation.register(_("Surveys"), "bulletins:surveys", bulletins.RECEIVE, order=81)
        navigation.register(_("Suggestions"), "bulletins:suggestions", suggestions.HANDLE, order=82)
        navigation.register(_("Suggestion box"), "bulletins:suggest", None, order=95)
