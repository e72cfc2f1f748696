"""Every change in evaluation: schemes and indicators (`schemes`), rounds and scores (`rounds`), and the
results feed into honours and grades (`feeds`). The audit verbs are registered here."""

from django.utils.translation import gettext_lazy

from gongzhi.core import audit

for _verb, _label in [
    ("evaluation.scheme_created", gettext_lazy("evaluation scheme created")),
    ("evaluation.scheme_updated", gettext_lazy("evaluation scheme changed")),
    ("evaluation.indicator_added", gettext_lazy("evaluation indicator added")),
    ("evaluation.indicator_updated", gettext_lazy("evaluation indicator changed")),
    ("evaluation.indicator_removed", gettext_lazy("evaluation indicator removed")),
    ("evaluation.stage_goal_set", gettext_lazy("stage goal set")),
    ("evaluation.scheme_activated", gettext_lazy("evaluation scheme activated")),
    ("evaluation.round_opened", gettext_lazy("evaluation round opened")),
    ("evaluation.round_refreshed", gettext_lazy("computed indicators refreshed")),
    ("evaluation.score_entered", gettext_lazy("evaluation score entered")),
    ("evaluation.round_closed", gettext_lazy("evaluation round closed")),
    ("evaluation.honour_nominated", gettext_lazy("nominated for an honour from an evaluation")),
    ("evaluation.grade_suggested", gettext_lazy("grade suggested from an evaluation")),
    ("evaluation.grade_applied", gettext_lazy("grade applied from an evaluation")),
]:
    audit.register_verb(_verb, _label)

from .feeds import apply_grade, honour_eligibility, nominate_for_honour, suggest_grade  # noqa: E402
from .rounds import close_round, open_round, period_of, refresh_computed, score_indicator, target_for  # noqa: E402
from .schemes import (  # noqa: E402
    activate_scheme,
    add_indicator,
    create_scheme,
    remove_indicator,
    set_stage_goal,
    update_indicator,
    update_scheme,
)

__all__ = [
    "activate_scheme",
    "add_indicator",
    "apply_grade",
    "close_round",
    "create_scheme",
    "honour_eligibility",
    "nominate_for_honour",
    "open_round",
    "period_of",
    "refresh_computed",
    "remove_indicator",
    "score_indicator",
    "set_stage_goal",
    "suggest_grade",
    "target_for",
    "update_indicator",
    "update_scheme",
]
