"""Reports app: statistics and report builders (page, PDF, XLSX, JSON, the `gongzhi report` command)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "gongzhi.reports"
    label = "reports"
    verbose_name = _("Reports")

    def ready(self):
        from gongzhi.core import navigation
        from gongzhi.orgs import permissions as P
        from gongzhi.orgs.actions.programs import VIEW_PROGRAMS

        # The programme pages live in the orgs app (Orgs B's part); their menu entry is registered here.
        navigation.register(_("Programmes"), "orgs_programs:index", VIEW_PROGRAMS, order=34)
        navigation.register(_("Reports"), "reports:orgs", P.VIEW_REPORT, order=90)

        from . import dashboard, sections  # noqa: F401  (the dashboard capability; cases/volunteers/matching sections)

        navigation.register(
            _("Area dashboard"), "reports:dashboard_home", dashboard.VIEW, order=80, group="dashboards"
        )
