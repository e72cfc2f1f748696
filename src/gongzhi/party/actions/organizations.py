"""Organizations, committee seats (through the councils app) and members."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from gongzhi.areas.models import Area
from gongzhi.core import audit, policy
from gongzhi.councils import actions as council_actions
from gongzhi.councils.models import Council, Seat
from gongzhi.people.models import Person

from .. import figures
from .. import permissions as P
from ..models import PartyMember, PartyOrganization
from ._common import organization, raise_if, require_manage, text

K = PartyOrganization.Kind
COUNCIL_KIND = {
    K.WORKING_COMMITTEE: Council.Kind.PARTY_WORKING_COMMITTEE,
    K.ADMINISTRATIVE_GROUP: Council.Kind.PARTY_COMMITTEE,
    K.COMPREHENSIVE_COMMITTEE: Council.Kind.PARTY_COMMITTEE,
    K.RESIDENTIAL_COMMITTEE: Council.Kind.PARTY_COMMITTEE,
    K.RESIDENTIAL_GENERAL_BRANCH: Council.Kind.PARTY_COMMITTEE,
    K.RESIDENTIAL_BRANCH: Council.Kind.PARTY_BRANCH,
    K.UNIT: Council.Kind.PARTY_BRANCH,
    K.SOCIAL_ORGANIZATION: Council.Kind.PARTY_BRANCH,
}
# Which kinds may sit under which (None: a root).
PARENT_KINDS = {
    K.WORKING_COMMITTEE: {None},
    K.ADMINISTRATIVE_GROUP: {K.WORKING_COMMITTEE},
    K.COMPREHENSIVE_COMMITTEE: {K.WORKING_COMMITTEE},
    K.RESIDENTIAL_COMMITTEE: {K.WORKING_COMMITTEE},
    K.RESIDENTIAL_GENERAL_BRANCH: {K.WORKING_COMMITTEE, K.RESIDENTIAL_COMMITTEE},
    K.RESIDENTIAL_BRANCH: {K.WORKING_COMMITTEE, K.RESIDENTIAL_COMMITTEE, K.RESIDENTIAL_GENERAL_BRANCH},
    K.UNIT: {K.COMPREHENSIVE_COMMITTEE, K.ADMINISTRATIVE_GROUP, K.WORKING_COMMITTEE, None},
    K.SOCIAL_ORGANIZATION: {K.COMPREHENSIVE_COMMITTEE, K.WORKING_COMMITTEE, None},
}


def _council_actor(actor, area):
    # The councils app audits its own change; the party action has authorized it already, so the
    # council change is recorded as the system's unless the actor holds councils.manage there too.
    return actor if actor is not None and policy.can(actor, council_actions.MANAGE, area=area) else None


@transaction.atomic
def create_organization(
    *,
    actor,
    name,
    kind,
    area,
    parent=None,
    stationed_unit=None,
    social_organization=None,
    secretary_name="",
    clerk=None,
) -> PartyOrganization:
    errors: dict = {}
    name = text(errors, "name", name, 120)
    secretary_name = text(errors, "secretary_name", secretary_name, 60, required=False)
    if kind not in K.values:
        errors["kind"] = _("Choose a kind of party organization.")
    if not isinstance(area, Area):
        errors["area"] = _("Choose an existing area.")
    raise_if(errors)
    parent = organization(parent, "parent") if parent not in (None, "") else None
    if parent is not None:
        require_manage(actor, parent)
    else:
        policy.require(actor, P.ORGANIZE, area=area)
    if (parent.kind if parent else None) not in PARENT_KINDS[kind]:
        raise ValidationError({"parent": _("This kind of organization cannot sit under the chosen one.")})
    if kind == K.UNIT and stationed_unit is None:
        raise ValidationError({"stationed_unit": _("A unit's party organization names its stationed unit.")})
    if kind == K.SOCIAL_ORGANIZATION and social_organization is None:
        raise ValidationError({"social_organization": _("Name the social organization.")})
    if PartyOrganization.objects.filter(area=area, name=name).exists():
        raise ValidationError({"name": _("A party organization of this name exists in this area.")})
    org = PartyOrganization(
        name=name,
        kind=kind,
        parent=parent,
        stationed_unit=stationed_unit if kind == K.UNIT else None,
        social_organization=social_organization if kind == K.SOCIAL_ORGANIZATION else None,
        secretary_name=secretary_name,
    )
    org.set_area(area)
    org.save()
    org.council = council_actions.create_council(
        actor=_council_actor(actor, area),
        area=area,
        kind=COUNCIL_KIND[kind],
        name=name[:120],
        purpose=_("Committee of %(name)s") % {"name": name},
        clerk=clerk,
        is_public=False,
    )
    org.save(update_fields=["council"])
    audit.record(
        actor, "party_org.created", org, details={"kind": kind, "parent": parent.pk if parent else None}
    )
    return org


def _council_of(org: PartyOrganization) -> Council:
    if org.council_id is None:
        raise ValidationError({"council": _("This organization has no committee yet.")})
    return org.council


@transaction.atomic
def add_committee_member(
    *,
    actor,
    organization: PartyOrganization,
    holder_name="",
    holder_user=None,
    holder_person=None,
    position=Seat.Position.MEMBER,
    tenure=Seat.Tenure.PART_TIME,
    represents=Seat.Represents.PARTY_ORGANIZATION,
    represents_label="",
    term_start=None,
    term_end=None,
) -> Seat:
    """A seat on the committee's council — the one record of who sits there, full-time or part-time."""
    require_manage(actor, organization)
    council = _council_of(organization)
    seat = council_actions.add_seat(
        actor=_council_actor(actor, organization.area),
        council=council,
        holder_name=holder_name,
        holder_user=holder_user,
        holder_person=holder_person,
        position=position,
        tenure=tenure,
        represents=represents,
        represents_label=represents_label,
        term_start=term_start,
        term_end=term_end,
    )
    audit.record(
        actor,
        "party_org.seat_added",
        organization,
        details={"seat": seat.pk, "tenure": tenure, "position": position, "represents": represents},
    )
    return seat


@transaction.atomic
def end_committee_member(*, actor, organization: PartyOrganization, seat: Seat, on: dt.date) -> Seat:
    require_manage(actor, organization)
    if seat.council_id != organization.council_id:
        raise ValidationError({"seat": _("This seat is not on this organization's committee.")})
    seat = council_actions.end_seat(actor=_council_actor(actor, organization.area), seat=seat, on=on)
    audit.record(actor, "party_org.seat_ended", organization, details={"seat": seat.pk, "on": on})
    return seat


@transaction.atomic
def register_member(
    *,
    actor,
    person: Person,
    organization: PartyOrganization,
    status,
    home_area: Area,
    workplace_organization=None,
    workplace_name="",
    skills="",
    service_wishes="",
    joined_on=None,
) -> PartyMember:
    """Give a Person the role of party member (one membership per person)."""
    require_manage(actor, organization)
    errors: dict = {}
    if status not in PartyMember.Status.values:
        errors["status"] = _("Choose in service, retired or mobile.")
    if not isinstance(home_area, Area):
        errors["home_area"] = _("Choose the member's home area.")
    workplace_name = text(errors, "workplace_name", workplace_name, 120, required=False)
    skills = text(errors, "skills", skills, 300, required=False)
    service_wishes = text(errors, "service_wishes", service_wishes, 300, required=False)
    raise_if(errors)
    if workplace_organization is not None and not isinstance(workplace_organization, PartyOrganization):
        workplace_organization = organization_or_none(workplace_organization)
    if PartyMember.objects.filter(person=person).exists():
        raise ValidationError({"person": _("This person is already registered as a party member.")})
    m = PartyMember(
        person=person,
        organization=organization,
        status=status,
        workplace_organization=workplace_organization,
        workplace_name=workplace_name or (str(workplace_organization) if workplace_organization else ""),
        skills=skills,
        service_wishes=service_wishes,
        joined_on=joined_on,
    )
    m.set_area(home_area)
    try:
        with transaction.atomic():
            m.save()
            figures.member_changed(None, m)
    except IntegrityError:
        raise ValidationError({"person": _("This person is already registered as a party member.")}) from None
    audit.record(
        actor, "party_member.registered", m, details={"status": status, "organization": organization.pk}
    )
    return m


def organization_or_none(value):
    return organization(value, "workplace_organization") if value not in (None, "") else None


@transaction.atomic
def change_member_status(*, actor, member: PartyMember, status) -> PartyMember:
    m = PartyMember.objects.select_for_update(of=("self",)).select_related("organization").get(pk=member.pk)
    require_manage(actor, m.organization)
    if status not in PartyMember.Status.values:
        raise ValidationError({"status": _("Choose in service, retired or mobile.")})
    old = m.status
    before = figures.member_snapshot(m)
    m.status = status
    m.save(update_fields=["status"])
    figures.member_changed(before, m)
    audit.record(actor, "party_member.status_changed", m, details={"from": old, "to": status})
    return m


@transaction.atomic
def link_representative_council(
    *, actor, organization: PartyOrganization, council: Council
) -> PartyOrganization:
    """Tie a working committee to its community members' representative meeting and declare the
    "units no less than half" rule on that council (enforced by councils on every published change)."""
    require_manage(actor, organization)
    if organization.kind != K.WORKING_COMMITTEE:
        raise ValidationError({"organization": _("Only a working committee leads a representative meeting.")})
    if council.kind != Council.Kind.REPRESENTATIVE_ASSEMBLY:
        raise ValidationError({"council": _("Choose a community members' representative meeting.")})
    rules = [r for r in (council.composition_rules or []) if r.get("represents") != ["unit"]]
    rules.append({"represents": ["unit"], "min": [1, 2], "inclusive": True, "label": UNITS_HALF_LABEL()})
    try:
        council_actions.update_council(
            actor=_council_actor(actor, council.area), council=council, composition_rules=rules
        )
    except PermissionDenied:
        raise
    organization.representative_council = council
    organization.save(update_fields=["representative_council"])
    audit.record(actor, "party_org.representatives_linked", organization, details={"council": council.pk})
    return organization


def UNITS_HALF_LABEL() -> str:  # noqa: N802 - reads as a constant, translated when called
    return _("Units' representatives: no less than half of all representatives")
