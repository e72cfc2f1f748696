"""Councils app: the one meeting-and-voting engine — bodies, seats, meetings, agenda, votes, resolutions."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CouncilsConfig(AppConfig):
    name = "gongzhi.councils"
    label = "councils"
    verbose_name = _("Councils")

    def ready(self):
        from gongzhi.accounts.roles import ScopeKind
        from gongzhi.accounts.scopes import register_scope

        register_scope(ScopeKind.COUNCIL, "councils.Council")

        from gongzhi.core import navigation, workitems

        from . import actions  # noqa: F401  (registers capabilities, audit verbs, notification kinds)
        from .workitems import pending_invitations

        navigation.register(_("Councils"), "councils:list", actions.VIEW, order=50)
        navigation.register(_("Meetings"), "councils:meetings", None, order=51)
        workitems.register(pending_invitations)
        from . import (
            figures,  # noqa: F401  (rollup figures, subscribers, dashboard section)
            wiring_outcomes,  # noqa: F401 - votes, elections, outcomes, proposals (Councils B)
        )
