"""Core app: audit, personal data, policy, paging, events, rollups, calendar, imports, the shell."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "gongzhi.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self):
        from . import audit, import_jobs, signals  # noqa: F401  (registers verbs, subscribers, sweeps)
