"""People app: persons, households and dwellings."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "gongzhi.people"
    label = "people"
    verbose_name = _("People")

    def ready(self):
        from gongzhi.accounts.roles import Role
        from gongzhi.core import navigation, policy

        from . import actions  # noqa: F401  (registers audit verbs and capabilities)

        # Residents, volunteers and members see and correct their own record (the person linked to them).
        policy.register("people.own_record", [Role.RESIDENT, Role.VOLUNTEER, Role.PARTY_MEMBER])
        navigation.register(_("My record"), "people:me", "people.own_record", order=95)
