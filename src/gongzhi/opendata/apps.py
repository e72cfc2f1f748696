"""Open data app: the public open-data page and the downloadable bundle (CSV + JSON + dictionary)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpenDataConfig(AppConfig):
    name = "gongzhi.opendata"
    label = "opendata"
    verbose_name = _("Open data")

    def ready(self):
        # Capability, audit verb and the sweep job register at import; then the menu.
        from gongzhi.core import navigation

        from . import actions  # noqa: F401

        navigation.register(_("Open data"), "opendata:index", None, order=95, group="dashboards")
