"""Cases app: the closed loop on demands and problems — visits, patrols, cases, routing, campaigns, Open311."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "gongzhi.cases"
    label = "cases"
    verbose_name = _("Cases")

    def ready(self):
        # case_app: intake, lifecycle, routing; field_app: visits, patrols, campaigns, KPIs, Open311.
        from . import (  # noqa: F401
            case_app,
            field_app,
            figures_campaigns,  # noqa: F401  (campaign rollup figures and dashboard section)
        )
