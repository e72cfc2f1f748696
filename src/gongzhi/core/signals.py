"""Core wiring done at start-up: navigation entries of the platform shell."""

from django.utils.translation import gettext_lazy as _

from . import navigation

navigation.register(_("Home"), "core:home", order=0)
navigation.register(_("Areas"), "areas:tree", "areas.view", order=10)
navigation.register(_("Roles"), "accounts:roles", "accounts.manage_roles", order=80)
navigation.register(_("Audit log"), "core:audit", "core.view_audit", order=90)
