"""Areas app: the administrative area tree and each area's yearly facts."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AreasConfig(AppConfig):
    name = "gongzhi.areas"
    label = "areas"
    verbose_name = _("Areas")

    def ready(self):
        from . import actions  # noqa: F401  (registers audit verbs and capabilities)
