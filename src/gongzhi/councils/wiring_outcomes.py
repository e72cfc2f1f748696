"""Councils B's start-up wiring: capabilities, audit verbs, sweeps and subscribers (by import), menu entries."""

from django.utils.translation import gettext_lazy as _

from gongzhi.core import navigation

from .actions import elections, outcomes, proposals, votes  # noqa: F401 - registers verbs, sweeps, events

navigation.register(_("Accountability"), "councils_outcomes:accountability", None, order=55)
navigation.register(_("Proposals"), "councils_outcomes:proposals", proposals.PROPOSE, order=56)
navigation.register(_("Agreements"), "councils_outcomes:agreements", outcomes.MANAGE, order=57)
navigation.register(_("Elections"), "councils_outcomes:elections", outcomes.MANAGE, order=58)
