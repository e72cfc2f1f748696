"""Evaluation app (考核评估): schemes with weighted indicators and stage goals, rounds, scores, rankings."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationConfig(AppConfig):
    name = "gongzhi.evaluation"
    label = "evaluation"
    verbose_name = _("Evaluations")

    def ready(self):
        # Capabilities, audit verbs and metrics register at import; then the menu entry.
        from gongzhi.core import navigation

        from . import actions, metrics  # noqa: F401
        from . import permissions as P

        navigation.register(_("Evaluations"), "evaluation:schemes", P.VIEW, order=85)
