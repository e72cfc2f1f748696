"""Volunteers app: teams, volunteers and their service hours, neighbourhood points, the volunteer base, brands."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VolunteersConfig(AppConfig):
    name = "gongzhi.volunteers"
    label = "volunteers"
    verbose_name = _("Volunteers")

    def ready(self):
        from gongzhi.core import navigation, workitems

        from . import actions  # noqa: F401  (registers capabilities, audit verbs, figures, subscribers)
        from . import permissions as P
        from .workitems import volunteer_work

        navigation.register(_("Volunteers"), "volunteers:home", P.VIEW, order=50)
        navigation.register(_("My volunteering"), "volunteers:me", P.SELF_SERVICE, order=51)
        workitems.register(volunteer_work)
