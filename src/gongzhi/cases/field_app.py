"""Start-up of the field half of the cases app (visits, patrols, campaigns, KPIs, Open311): importing
these modules registers their capabilities, audit verbs, event subscribers, sweeps and menu entries."""

from django.utils.translation import gettext_lazy as _

from gongzhi.core import navigation

from . import kpis  # noqa: F401
from .actions import campaigns, patrols, visits  # noqa: F401
from .open311 import keys  # noqa: F401

navigation.register(_("Visits"), "cases_field:visits", visits.VIEW, order=41)
navigation.register(_("Patrols"), "cases_field:patrols", patrols.VIEW, order=42)
navigation.register(_("Campaigns"), "cases_field:campaigns", campaigns.VIEW, order=43)
navigation.register(_("Case KPIs"), "cases_field:kpis", kpis.VIEW, order=44)
