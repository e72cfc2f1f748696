"""Party app: party organizations, members, dual reporting, three gives, six acts, points, supervision."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartyConfig(AppConfig):
    name = "gongzhi.party"
    label = "party"
    verbose_name = _("Party building")

    def ready(self):
        from gongzhi.accounts.roles import ScopeKind
        from gongzhi.accounts.scopes import register_scope

        register_scope(ScopeKind.PARTY_ORGANIZATION, "party.PartyOrganization")

        from gongzhi.core import navigation, workitems

        from . import (
            actions,  # noqa: F401  (audit verbs, event subscribers, sweep job)
            figures,  # noqa: F401  (rollup figures and the dashboard section)
            importers,  # noqa: F401  (the party_members importer)
        )
        from . import permissions as P
        from .workitems import party_work

        navigation.register(_("Party building"), "party:home", P.VIEW, order=40)
        workitems.register(party_work)
