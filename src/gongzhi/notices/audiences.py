"""Audiences of notices and surveys: one resolver per kind, each turning (kind, id) into users.

Audiences resolve through role assignments (and for councils, through seats), so "the residents of
an area" are the users holding the resident role over a place inside that area's subtree, and "the
units of an area" are the liaisons of the stationed units located there. Each resolver gives:

- `target(audience_id)` → (the audience object (an Area, a Council …), its area, its label);
- `user_ids(audience_id)` → a queryset of user ids (one query, no rows in Python);
- the capability check is the caller's (bulletins.py / surveys.py), against `target`'s object.
"""

from dataclasses import dataclass

from django.apps import apps
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.accounts.models import RoleAssignment
from gongzhi.accounts.roles import Role, ScopeKind
from gongzhi.areas.models import Area, subtree_q

from .models_bulletins import Audience


@dataclass
class Target:
    obj: object  # an Area, a Council or a party organization
    area: Area
    label: str
    body_kind: str | None = None  # for policy checks against a body


def _area(audience_id) -> Area:
    try:
        area = Area.objects.get(pk=int(audience_id))
    except (Area.DoesNotExist, TypeError, ValueError, OverflowError):
        raise ValidationError({"audience_id": _("Unknown area.")}) from None
    if area.abolished_on:
        raise ValidationError({"audience_id": _("This area has been abolished.")})
    return area


def _area_role_users(area: Area, roles, scope_kinds=None):
    """Users holding one of the roles for a scope whose area lies in the subtree (body scopes carry their
    body's area, so units and organizations located in the area count too)."""
    qs = RoleAssignment.objects.active().filter(
        subtree_q("area__path", area.path), role__in=[str(r) for r in roles]
    )
    if scope_kinds:
        qs = qs.filter(scope_kind__in=[str(k) for k in scope_kinds])
    return qs.values_list("user_id", flat=True).distinct()


class AreaResolver:
    roles: tuple = ()
    scope_kinds: tuple | None = None
    label_format = "%(area)s"

    def target(self, audience_id) -> Target:
        area = _area(audience_id)
        return Target(area, area, (self.label() % {"area": area.name})[:160])

    def label(self) -> str:
        return self.label_format

    def user_ids(self, audience_id):
        return _area_role_users(_area(audience_id), self.roles, self.scope_kinds)

    def includes(self, audience_id, user_id) -> bool:
        return (
            _area_role_users(_area(audience_id), self.roles, self.scope_kinds)
            .filter(user_id=user_id)
            .exists()
        )


class Residents(AreaResolver):
    roles = (Role.RESIDENT,)
    scope_kinds = (ScopeKind.AREA,)

    def label(self):
        return _("Residents of %(area)s")


class PartyMembers(AreaResolver):
    roles = (Role.PARTY_MEMBER, Role.PARTY_SECRETARY)

    def label(self):
        return _("Party members of %(area)s")


class Units(AreaResolver):
    roles = (Role.UNIT_LIAISON,)
    scope_kinds = (ScopeKind.STATIONED_UNIT,)

    def label(self):
        return _("Stationed units of %(area)s")


class Organizations(AreaResolver):
    roles = (Role.ORG_STAFF,)
    scope_kinds = (ScopeKind.SOCIAL_ORGANIZATION,)

    def label(self):
        return _("Social organizations of %(area)s")


class PartyOrganization:
    """The members of one party organization (assignments scoped to it); needs the party app."""

    def _model(self):
        try:
            return apps.get_model("party", "PartyOrganization")
        except LookupError:
            raise ValidationError(
                {
                    "audience_kind": _(
                        "Party organizations are not available yet; choose the party members of an area."
                    )
                }
            ) from None

    def target(self, audience_id) -> Target:
        model = self._model()
        try:
            org = model.objects.select_related("area").get(pk=int(audience_id))
        except (model.DoesNotExist, TypeError, ValueError, OverflowError):
            raise ValidationError({"audience_id": _("Unknown party organization.")}) from None
        return Target(
            org, org.area, (_("Members of %(org)s") % {"org": org})[:160], ScopeKind.PARTY_ORGANIZATION
        )

    def user_ids(self, audience_id):
        return (
            RoleAssignment.objects.active()
            .filter(scope_kind=ScopeKind.PARTY_ORGANIZATION, scope_id=int(audience_id))
            .values_list("user_id", flat=True)
            .distinct()
        )

    def includes(self, audience_id, user_id) -> bool:
        return self.user_ids(audience_id).filter(user_id=user_id).exists()


class CouncilMembers:
    """The holders of a council's current seats, and its clerk."""

    def target(self, audience_id) -> Target:
        from gongzhi.councils.models import Council

        try:
            council = Council.objects.select_related("area").get(pk=int(audience_id), is_active=True)
        except (Council.DoesNotExist, TypeError, ValueError, OverflowError):
            raise ValidationError({"audience_id": _("Unknown council.")}) from None
        return Target(council, council.area, (_("Members of %(council)s") % {"council": council})[:160])

    def user_ids(self, audience_id):
        from django.db.models import Q

        from gongzhi.councils.models import Council, Seat

        today = timezone.localdate()
        seats = Seat.objects.filter(
            Q(term_end__isnull=True) | Q(term_end__gte=today),
            council_id=int(audience_id),
            term_start__lte=today,
            holder_user__isnull=False,
        ).values_list("holder_user_id", flat=True)
        clerk = Council.objects.filter(pk=int(audience_id), clerk__isnull=False).values_list(
            "clerk_id", flat=True
        )
        return seats.union(clerk)

    def includes(self, audience_id, user_id) -> bool:
        from django.db.models import Q

        from gongzhi.councils.models import Council, Seat

        today = timezone.localdate()
        if Council.objects.filter(pk=int(audience_id), clerk_id=user_id).exists():
            return True
        return Seat.objects.filter(
            Q(term_end__isnull=True) | Q(term_end__gte=today),
            council_id=int(audience_id),
            term_start__lte=today,
            holder_user_id=user_id,
        ).exists()


RESOLVERS = {
    Audience.AREA_RESIDENTS: Residents(),
    Audience.AREA_PARTY_MEMBERS: PartyMembers(),
    Audience.PARTY_ORGANIZATION: PartyOrganization(),
    Audience.AREA_UNITS: Units(),
    Audience.AREA_ORGANIZATIONS: Organizations(),
    Audience.COUNCIL: CouncilMembers(),
}


def resolver(kind: str):
    try:
        return RESOLVERS[kind]
    except KeyError:
        raise ValidationError({"audience_kind": _("Choose who the audience is.")}) from None


def target(kind: str, audience_id) -> Target:
    return resolver(kind).target(audience_id)


def user_ids(kind: str, audience_id) -> list[int]:
    return sorted(set(resolver(kind).user_ids(audience_id)))


def includes(kind: str, audience_id, user) -> bool:
    """Whether the user belongs to the audience now."""
    if user is None or not getattr(user, "pk", None):
        return False
    return resolver(kind).includes(audience_id, user.pk)
