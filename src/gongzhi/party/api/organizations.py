"""Party API: organizations (the 1+3 structure, committee seats) and members."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Query

from gongzhi.areas.models import Area, subtree_q
from gongzhi.core import policy
from gongzhi.core.api_schemas import ERRORS, PageOut, PageParams, paginate
from gongzhi.councils.models import Seat
from gongzhi.people.models import Person

from .. import actions, queries
from .. import permissions as P
from ..models import PartyMember, PartyOrganization
from ..schemas import EndSeatIn, MemberIn, MemberOut, OrgDetailOut, OrgIn, OrgOut, SeatIn, SeatOut
from ._common import AreaCodeStr, _org, _org_out, router


# --- organizations ----------------------------------------------------------------------------------
@router.get("/organizations", response={200: PageOut[OrgOut], **ERRORS})
def list_organizations(request, params: Query[PageParams], kind: AreaCodeStr | None = None):
    policy.require(request.user, P.VIEW)
    qs = queries.organizations_for(request.user)
    if kind:
        qs = qs.filter(kind=kind)
    return paginate(qs, params, ordering=("id",), name="party.orgs")


@router.post("/organizations", response={201: OrgOut, **ERRORS})
def create_organization(request, data: OrgIn):
    from gongzhi.orgs.models import SocialOrganization, StationedUnit

    area = Area.objects.filter(pk=data.area_id).first()
    unit = StationedUnit.objects.filter(pk=data.stationed_unit_id).first() if data.stationed_unit_id else None
    soc = (
        SocialOrganization.objects.filter(pk=data.social_organization_id).first()
        if data.social_organization_id
        else None
    )
    org = actions.create_organization(
        actor=request.user,
        name=data.name,
        kind=data.kind,
        area=area,
        parent=data.parent_id,
        stationed_unit=unit,
        social_organization=soc,
        secretary_name=data.secretary_name,
    )
    return 201, org


@router.get("/organizations/{org_id}", response={200: OrgDetailOut, **ERRORS})
def get_organization(request, org_id: int):
    org = _org(org_id)
    if not P.can_view(request.user, org):
        raise PermissionDenied(P.VIEW)
    seats = list(org.council.seats.all()) if org.council_id else []
    out = OrgDetailOut(**OrgOut.from_orm(org).dict(), seats=[SeatOut.from_orm(s) for s in seats])
    if org.kind == PartyOrganization.Kind.WORKING_COMMITTEE:
        s = queries.one_plus_three(org)
        out.structure = {
            k: [_org_out(o) for o in s[k]]
            for k in ("administrative", "comprehensive", "residential", "other")
        }
    return out


@router.post("/organizations/{org_id}/seats", response={201: SeatOut, **ERRORS})
def add_committee_member(request, org_id: int, data: SeatIn):
    from gongzhi.accounts.models import User

    user = User.objects.filter(pk=data.holder_user_id).first() if data.holder_user_id else None
    seat = actions.add_committee_member(
        actor=request.user,
        organization=_org(org_id),
        holder_name=data.holder_name,
        holder_user=user,
        position=data.position,
        tenure=data.tenure,
        represents=data.represents,
        represents_label=data.represents_label,
        term_start=data.term_start,
        term_end=data.term_end,
    )
    return 201, seat


@router.post("/organizations/{org_id}/seats/{seat_id}/end", response={200: SeatOut, **ERRORS})
def end_committee_member(request, org_id: int, seat_id: int, data: EndSeatIn):
    return actions.end_committee_member(
        actor=request.user, organization=_org(org_id), seat=get_object_or_404(Seat, pk=seat_id), on=data.on
    )


# --- members ----------------------------------------------------------------------------------------
def _member_out(m):
    return MemberOut(
        id=m.pk,
        name=m.person.name,
        status=m.status,
        organization_id=m.organization_id,
        workplace_organization_id=m.workplace_organization_id,
        workplace_name=m.workplace_name,
        area_id=m.area_id,
        skills=m.skills,
        service_wishes=m.service_wishes,
    )


@router.get("/members", response={200: PageOut[MemberOut], **ERRORS})
def list_members(
    request,
    params: Query[PageParams],
    organization: int | None = None,
    status: str | None = None,
    area: int | None = None,
):
    if organization:
        org = _org(organization)
        if not P.can_manage(request.user, org):
            raise PermissionDenied(P.MANAGE)
        qs = PartyMember.objects.filter(organization=org)
    elif area:
        a = get_object_or_404(Area, pk=area)
        policy.require(request.user, P.MANAGE, area=a)
        qs = PartyMember.objects.filter(subtree_q("area_path", a.path))
    else:
        raise ValidationError({"organization": _("Give an organization or an area.")})
    if status:
        qs = qs.filter(status=status)
    page = paginate(qs.select_related("person"), params, ordering=("id",), name="party.members")
    page["items"] = [_member_out(m) for m in page["items"]]
    return page


@router.post("/members", response={201: MemberOut, **ERRORS})
def register_member(request, data: MemberIn):
    person = Person.objects.filter(pk=data.person_id).first()
    if person is None:
        raise ValidationError({"person_id": _("Unknown person.")})
    m = actions.register_member(
        actor=request.user,
        person=person,
        organization=_org(data.organization_id),
        status=data.status,
        home_area=Area.objects.filter(pk=data.home_area_id).first(),
        workplace_organization=data.workplace_organization_id,
        workplace_name=data.workplace_name,
        skills=data.skills,
        service_wishes=data.service_wishes,
    )
    return 201, _member_out(m)
