"""Orgs app: social organizations, filed teams, stationed units, inspections, incubation, venture calls, contracts."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgsConfig(AppConfig):
    name = "gongzhi.orgs"
    label = "orgs"
    verbose_name = _("Social organizations")

    def ready(self):
        from gongzhi.accounts.roles import ScopeKind
        from gongzhi.accounts.scopes import register_scope

        register_scope(ScopeKind.SOCIAL_ORGANIZATION, "orgs.SocialOrganization")
        register_scope(ScopeKind.STATIONED_UNIT, "orgs.StationedUnit")

        from gongzhi.core import navigation, workitems

        from . import (
            actions,  # noqa: F401  (registers audit verbs)
            figures,  # noqa: F401  (rollup figures, subscribers, dashboard section)
        )
        from . import permissions as P
        from .workitems import inspection_work

        navigation.register(_("Organizations"), "orgs:list", P.VIEW_REGISTRY, order=30)
        navigation.register(_("Annual inspection"), "orgs:inspections", P.VIEW_INSPECTIONS, order=31)
        navigation.register(_("Filed teams"), "orgs:teams", P.VIEW_TEAMS, order=32)
        navigation.register(_("Stationed units"), "orgs:units", P.VIEW_UNITS, order=33)
        workitems.register(inspection_work)
