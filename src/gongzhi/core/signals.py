"""Core wiring done at start-up: navigation entries of the platform shell."""

from django.utils.translation import gettext_lazy as _

from . import calendar_actions, navigation, rollups  # noqa: F401  (capabilities and sweep jobs)

navigation.register(_("Home"), "core:home", order=0)
navigation.register(_("Areas"), "areas:tree", "areas.view", order=10)
navigation.register(_("Roles"), "accounts:roles", "accounts.manage_roles", order=80)
navigation.register(_("Calendar"), "core:calendar", "core.edit_calendar", order=85)
navigation.register(_("Audit log"), "core:audit", "core.view_audit", order=90)
navigation.register(_("People"), "people:list", "people.view", order=20)

from . import imports  # noqa: E402  (registers the "core.import" capability)

navigation.register(_("Imports"), "core:imports", imports.IMPORT, order=70)
