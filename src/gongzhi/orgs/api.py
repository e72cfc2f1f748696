"""Orgs API (/api/v1/orgs/): the registry, filed teams, stationed units and the annual inspection.

Every operation calls the same action as the pages; lists use the one keyset paginator. Personal data
(the legal representative's ID number and phone, a team leader's phone) is always masked here.
"""

from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import Field

from gongzhi.accounts.models import User
from gongzhi.areas.models import Area
from gongzhi.core import pii, policy
from gongzhi.core.api_schemas import ERRORS, PageOut, PageParams, paginate
from gongzhi.core.strings import CleanStr

from . import actions, queries
from . import permissions as P
from .actions.inspection import MONEY_FIELDS, STAFF_FIELDS
from .models import AnnualInspection, FiledTeam, SocialOrganization, StationedUnit
from .models.registry import Grade, OrgForm, OrgStatus, OrgType, Subtype

router = Router(tags=["orgs"])
ID = Field(..., ge=1, le=2**62)
OPT_ID = Field(None, ge=1, le=2**62)


def _area(area_id: int | None) -> Area | None:
    return get_object_or_404(Area, pk=area_id) if area_id else None


def _get(model, pk):
    return get_object_or_404(model.objects.select_related("area"), pk=pk)


def _user(username: str | None):
    if not username:
        return None
    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        raise ValidationError({"liaison": _("No active user has this username.")})
    return user


# --- organizations -------------------------------------------------------------------------------
class OrgOut(Schema):
    id: int
    name: str
    uscc: str
    org_type: str
    subtype: str
    form: str
    registered_on: date
    status: str
    status_changed_on: date | None = None
    deregistered_on: date | None = None
    area_id: int
    address: str
    legal_representative: str
    legal_rep_id_number: str = Field("", description="Always masked.")
    legal_rep_phone: str = Field("", description="Always masked.")
    business_scope: str
    supervising_unit: str
    contact_person: str
    contact_phone: str
    contact_email: str
    website: str
    evaluation_grade: str
    grade_awarded_on: date | None = None
    grade_valid_until: date | None = None
    updated_at: datetime


def _org_out(org: SocialOrganization, user) -> dict:
    data = {f: getattr(org, f) for f in OrgOut.model_fields if hasattr(org, f)}
    see = policy.can(user, P.SEE_LEGAL_REP, body=org)
    data["legal_rep_id_number"] = pii.mask_id_number(org.legal_rep_id_number) if see else ""
    data["legal_rep_phone"] = pii.mask_phone(org.legal_rep_phone) if see else ""
    return data


class OrgFilter(Schema):
    area: int | None = Field(
        None, ge=1, le=2**62, description="Area id (its subtree); default: all of yours."
    )
    org_type: OrgType | None = None
    subtype: Subtype | None = None
    status: OrgStatus | None = None
    grade: Grade | None = None
    form: OrgForm | None = None
    q: CleanStr | None = Field(None, max_length=60, description="Name contains, or an exact USCC.")


@router.get("/organizations", response={200: PageOut[OrgOut], **ERRORS})
def list_organizations(request, filters: Query[OrgFilter], params: Query[PageParams]):
    policy.require(request.user, P.VIEW_REGISTRY)
    qs = queries.organizations_for(
        request.user,
        _area(filters.area),
        org_type=filters.org_type,
        subtype=filters.subtype,
        status=filters.status,
        grade=filters.grade,
        form=filters.form,
        q=filters.q,
    )
    page = paginate(qs, params, ordering=queries.ORG_ORDERING, name="api-orgs")
    page["items"] = [_org_out(o, request.user) for o in page["items"]]
    return page


def _org_for(request, org_id) -> SocialOrganization:
    org = _get(SocialOrganization, org_id)
    if not queries.can_view_org(request.user, org):
        raise PermissionDenied
    return org


@router.get("/organizations/{org_id}", response={200: OrgOut, **ERRORS})
def get_organization(request, org_id: int):
    return _org_out(_org_for(request, org_id), request.user)


class HistoryOut(Schema):
    id: int
    status: str
    effective_on: date
    note: str
    changes: dict
    recorded_at: datetime


@router.get("/organizations/{org_id}/history", response={200: list[HistoryOut], **ERRORS})
def organization_history(request, org_id: int):
    return list(queries.history_of(_org_for(request, org_id))[:500])


class OrgIn(Schema):
    area: int = ID
    name: CleanStr = Field(..., min_length=1, max_length=120)
    uscc: CleanStr = Field(..., max_length=30)
    org_type: OrgType
    subtype: Subtype
    form: OrgForm = OrgForm.ORDINARY
    registered_on: date
    address: CleanStr = Field("", max_length=200)
    legal_representative: CleanStr = Field("", max_length=60)
    legal_rep_id_number: CleanStr = Field("", max_length=30)
    legal_rep_phone: CleanStr = Field("", max_length=30)
    business_scope: CleanStr = Field("", max_length=4000)
    supervising_unit: CleanStr = Field("", max_length=120)
    contact_person: CleanStr = Field("", max_length=60)
    contact_phone: CleanStr = Field("", max_length=30)
    contact_email: CleanStr = Field("", max_length=254)
    website: CleanStr = Field("", max_length=200)


@router.post("/organizations", response={201: OrgOut, **ERRORS})
def register_organization(request, payload: OrgIn):
    data = payload.dict()
    data["area"] = get_object_or_404(Area, pk=data["area"])
    org = actions.register_organization(actor=request.user, **data)
    return Status(201, _org_out(org, request.user))


class OrgPatch(Schema):
    """A registration change (变更); the changed fields are recorded in the history."""

    area: int | None = OPT_ID
    name: CleanStr | None = Field(None, min_length=1, max_length=120)
    uscc: CleanStr | None = Field(None, max_length=30)
    org_type: OrgType | None = None
    subtype: Subtype | None = None
    form: OrgForm | None = None
    registered_on: date | None = None
    address: CleanStr | None = Field(None, max_length=200)
    legal_representative: CleanStr | None = Field(None, max_length=60)
    legal_rep_id_number: CleanStr | None = Field(None, max_length=30)
    legal_rep_phone: CleanStr | None = Field(None, max_length=30)
    business_scope: CleanStr | None = Field(None, max_length=4000)
    supervising_unit: CleanStr | None = Field(None, max_length=120)
    contact_person: CleanStr | None = Field(None, max_length=60)
    contact_phone: CleanStr | None = Field(None, max_length=30)
    contact_email: CleanStr | None = Field(None, max_length=254)
    website: CleanStr | None = Field(None, max_length=200)
    effective_on: date | None = None
    note: CleanStr = Field("", max_length=500)


@router.patch("/organizations/{org_id}", response={200: OrgOut, **ERRORS})
def change_organization(request, org_id: int, payload: OrgPatch):
    org = _org_for(request, org_id)
    changes = {k: v for k, v in payload.dict(exclude_unset=True).items() if v is not None}
    effective_on, note = changes.pop("effective_on", None), changes.pop("note", "")
    if "area" in changes:
        changes["area"] = get_object_or_404(Area, pk=changes["area"])
    org = actions.update_organization(
        actor=request.user, organization=org, effective_on=effective_on, note=note, **changes
    )
    return _org_out(org, request.user)


class DeregisterIn(Schema):
    effective_on: date
    note: CleanStr = Field("", max_length=500)


@router.post("/organizations/{org_id}/deregister", response={200: OrgOut, **ERRORS})
def deregister_organization(request, org_id: int, payload: DeregisterIn):
    org = actions.change_status(
        actor=request.user,
        organization=_org_for(request, org_id),
        status=OrgStatus.DEREGISTERED,
        effective_on=payload.effective_on,
        note=payload.note,
    )
    return _org_out(org, request.user)


class GradeIn(Schema):
    grade: Grade
    awarded_on: date


@router.post("/organizations/{org_id}/grade", response={200: OrgOut, **ERRORS})
def grade_organization(request, org_id: int, payload: GradeIn):
    org = actions.set_grade(
        actor=request.user,
        organization=_org_for(request, org_id),
        grade=payload.grade,
        awarded_on=payload.awarded_on,
    )
    return _org_out(org, request.user)


class ContactIn(Schema):
    contact_person: CleanStr | None = Field(None, max_length=60)
    contact_phone: CleanStr | None = Field(None, max_length=30)
    contact_email: CleanStr | None = Field(None, max_length=254)
    website: CleanStr | None = Field(None, max_length=200)
    address: CleanStr | None = Field(None, max_length=200)


@router.patch("/organizations/{org_id}/contact", response={200: OrgOut, **ERRORS})
def update_contact(request, org_id: int, payload: ContactIn):
    changes = {k: v for k, v in payload.dict(exclude_unset=True).items() if v is not None}
    org = actions.update_contact(actor=request.user, organization=_org_for(request, org_id), **changes)
    return _org_out(org, request.user)


# --- filed teams ---------------------------------------------------------------------------------
class TeamOut(Schema):
    id: int
    name: str
    activity_kind: str
    leader_name: str
    leader_phone: str = Field("", description="Always masked.")
    members_count: int
    area_id: int
    filed_on: date
    status: str
    cancelled_on: date | None = None
    note: str


def _team_out(team: FiledTeam) -> dict:
    data = {f: getattr(team, f) for f in TeamOut.model_fields}
    data["leader_phone"] = pii.mask_phone(team.leader_phone)
    return data


class TeamFilter(Schema):
    area: int | None = Field(None, ge=1, le=2**62)
    status: FiledTeam.Status | None = None
    q: CleanStr | None = Field(None, max_length=60)


@router.get("/teams", response={200: PageOut[TeamOut], **ERRORS})
def list_teams(request, filters: Query[TeamFilter], params: Query[PageParams]):
    policy.require(request.user, P.VIEW_TEAMS)
    qs = queries.teams_for(request.user, _area(filters.area), status=filters.status, q=filters.q)
    page = paginate(qs, params, ordering=queries.TEAM_ORDERING, name="api-teams")
    page["items"] = [_team_out(t) for t in page["items"]]
    return page


class TeamIn(Schema):
    area: int = ID
    name: CleanStr = Field(..., min_length=1, max_length=120)
    activity_kind: CleanStr = Field(..., min_length=1, max_length=60)
    leader_name: CleanStr = Field(..., min_length=1, max_length=60)
    leader_phone: CleanStr = Field("", max_length=30)
    members_count: int = Field(0, ge=0, le=100000)
    filed_on: date
    note: CleanStr = Field("", max_length=4000)


@router.post("/teams", response={201: TeamOut, **ERRORS})
def file_team(request, payload: TeamIn):
    data = payload.dict()
    data["area"] = get_object_or_404(Area, pk=data["area"])
    return Status(201, _team_out(actions.file_team(actor=request.user, **data)))


def _team_for(request, team_id) -> FiledTeam:
    team = _get(FiledTeam, team_id)
    policy.require(request.user, P.VIEW_TEAMS, area=team.area)
    return team


@router.get("/teams/{team_id}", response={200: TeamOut, **ERRORS})
def get_team(request, team_id: int):
    return _team_out(_team_for(request, team_id))


class TeamPatch(Schema):
    name: CleanStr | None = Field(None, min_length=1, max_length=120)
    activity_kind: CleanStr | None = Field(None, min_length=1, max_length=60)
    leader_name: CleanStr | None = Field(None, min_length=1, max_length=60)
    leader_phone: CleanStr | None = Field(None, max_length=30)
    members_count: int | None = Field(None, ge=0, le=100000)
    filed_on: date | None = None
    note: CleanStr | None = Field(None, max_length=4000)


@router.patch("/teams/{team_id}", response={200: TeamOut, **ERRORS})
def change_team(request, team_id: int, payload: TeamPatch):
    changes = {k: v for k, v in payload.dict(exclude_unset=True).items() if v is not None}
    return _team_out(actions.update_team(actor=request.user, team=_team_for(request, team_id), **changes))


class CancelIn(Schema):
    cancelled_on: date
    note: CleanStr = Field("", max_length=500)


@router.post("/teams/{team_id}/cancel", response={200: TeamOut, **ERRORS})
def cancel_team(request, team_id: int, payload: CancelIn):
    team = actions.cancel_team(actor=request.user, team=_team_for(request, team_id), **payload.dict())
    return _team_out(team)


# --- stationed units -----------------------------------------------------------------------------
class UnitOut(Schema):
    id: int
    name: str
    uscc: str | None = None
    kind: str
    area_id: int
    address: str
    liaison: str | None = Field(None, description="The liaison's username.")
    contact_phone: str
    has_party_organization: bool
    employees: int | None = None
    is_active: bool


def _unit_out(unit: StationedUnit) -> dict:
    data = {f: getattr(unit, f) for f in UnitOut.model_fields if f != "liaison"}
    data["liaison"] = unit.liaison.username if unit.liaison_id else None
    return data


class UnitFilter(Schema):
    area: int | None = Field(None, ge=1, le=2**62)
    kind: StationedUnit.Kind | None = None
    has_party_organization: bool | None = None
    q: CleanStr | None = Field(None, max_length=60)


@router.get("/units", response={200: PageOut[UnitOut], **ERRORS})
def list_units(request, filters: Query[UnitFilter], params: Query[PageParams]):
    policy.require(request.user, P.VIEW_UNITS)
    qs = queries.units_for(
        request.user,
        _area(filters.area),
        kind=filters.kind,
        party=filters.has_party_organization,
        q=filters.q,
    )
    page = paginate(qs, params, ordering=queries.UNIT_ORDERING, name="api-units")
    page["items"] = [_unit_out(u) for u in page["items"]]
    return page


class UnitIn(Schema):
    area: int = ID
    name: CleanStr = Field(..., min_length=1, max_length=120)
    uscc: CleanStr = Field("", max_length=30)
    kind: StationedUnit.Kind
    address: CleanStr = Field("", max_length=200)
    contact_phone: CleanStr = Field("", max_length=30)
    has_party_organization: bool = False
    employees: int | None = Field(None, ge=0, le=10_000_000)
    liaison: CleanStr | None = Field(None, max_length=150, description="Username of the liaison.")


@router.post("/units", response={201: UnitOut, **ERRORS})
def create_unit(request, payload: UnitIn):
    data = payload.dict()
    data["area"] = get_object_or_404(Area, pk=data["area"])
    data["liaison"] = _user(data["liaison"])
    return Status(201, _unit_out(actions.create_unit(actor=request.user, **data)))


def _unit_for(request, unit_id) -> StationedUnit:
    unit = _get(StationedUnit, unit_id)
    policy.require(request.user, P.VIEW_UNITS, body=unit)
    return unit


@router.get("/units/{unit_id}", response={200: UnitOut, **ERRORS})
def get_unit(request, unit_id: int):
    return _unit_out(_unit_for(request, unit_id))


class UnitPatch(Schema):
    name: CleanStr | None = Field(None, min_length=1, max_length=120)
    uscc: CleanStr | None = Field(None, max_length=30)
    kind: StationedUnit.Kind | None = None
    address: CleanStr | None = Field(None, max_length=200)
    contact_phone: CleanStr | None = Field(None, max_length=30)
    has_party_organization: bool | None = None
    employees: int | None = Field(None, ge=0, le=10_000_000)
    is_active: bool | None = None
    liaison: CleanStr | None = Field(None, max_length=150, description='Username; "" removes the liaison.')


@router.patch("/units/{unit_id}", response={200: UnitOut, **ERRORS})
def change_unit(request, unit_id: int, payload: UnitPatch):
    changes = payload.dict(exclude_unset=True)
    changes = {k: v for k, v in changes.items() if v is not None or k == "employees"}
    if "liaison" in changes:
        changes["liaison"] = _user(changes["liaison"])
    return _unit_out(actions.update_unit(actor=request.user, unit=_unit_for(request, unit_id), **changes))


# --- annual inspection ---------------------------------------------------------------------------
class InspectionOut(Schema):
    id: int
    organization_id: int
    year: int
    state: str
    due_on: date
    overdue: bool
    submitted_at: datetime | None = None
    reviewed_at: datetime | None = None
    result: str
    result_reason: str
    return_reason: str
    exempt_reason: str
    staff: dict[str, int]
    net_assets: Decimal
    total_income: Decimal
    total_expenditure: Decimal
    activities: str
    party_building: str


def _inspection_out(i: AnnualInspection) -> dict:
    data = {f: getattr(i, f) for f in InspectionOut.model_fields if f not in ("staff", "overdue")}
    data["staff"] = {f: getattr(i, f) for f in STAFF_FIELDS}
    data["overdue"] = queries.is_overdue(i)
    return data


class InspectionFilter(Schema):
    area: int | None = Field(None, ge=1, le=2**62)
    year: int | None = Field(None, ge=2000, le=2100)
    state: AnnualInspection.State | None = None
    result: AnnualInspection.Result | None = None
    overdue: bool = False


@router.get("/inspections", response={200: PageOut[InspectionOut], **ERRORS})
def list_inspections(request, filters: Query[InspectionFilter], params: Query[PageParams]):
    policy.require(request.user, P.VIEW_INSPECTIONS)
    qs = queries.inspections_for(
        request.user,
        _area(filters.area),
        year=filters.year,
        state=filters.state,
        result=filters.result,
        overdue=filters.overdue,
    )
    page = paginate(qs, params, ordering=queries.INSPECTION_ORDERING, name="api-inspections")
    page["items"] = [_inspection_out(i) for i in page["items"]]
    return page


def _inspection_for(request, inspection_id) -> AnnualInspection:
    inspection = get_object_or_404(
        AnnualInspection.objects.select_related("organization", "organization__area", "area"),
        pk=inspection_id,
    )
    if not queries.can_view_inspection(request.user, inspection):
        raise PermissionDenied
    return inspection


@router.get("/inspections/{inspection_id}", response={200: InspectionOut, **ERRORS})
def get_inspection(request, inspection_id: int):
    return _inspection_out(_inspection_for(request, inspection_id))


class OpenYearIn(Schema):
    area: int = ID
    year: int = Field(..., ge=2000, le=2100)
    due_on: date


class OpenedOut(Schema):
    opened: int


@router.post("/inspection-years", response={200: OpenedOut, **ERRORS})
def open_year(request, payload: OpenYearIn):
    area = get_object_or_404(Area, pk=payload.area)
    count = actions.open_inspection_year(
        actor=request.user, area=area, year=payload.year, due_on=payload.due_on
    )
    return {"opened": count}


class ReportIn(Schema):
    """Any of the report's figures; counts are whole numbers ≥ 0, amounts in yuan ≥ 0."""

    staff: dict[str, int] = Field(default_factory=dict, description="Staff counts by category key.")
    net_assets: Decimal | None = Field(None, max_digits=16, decimal_places=2)
    total_income: Decimal | None = Field(None, max_digits=16, decimal_places=2)
    total_expenditure: Decimal | None = Field(None, max_digits=16, decimal_places=2)
    activities: CleanStr | None = Field(None, max_length=20000)
    party_building: CleanStr | None = Field(None, max_length=20000)


def _report_values(payload: ReportIn) -> dict:
    unknown = set(payload.staff) - set(STAFF_FIELDS)
    if unknown:
        raise ValidationError({f"staff.{sorted(unknown)[0]}": _("Unknown staff category.")})
    values = {k: v for k, v in payload.staff.items()}
    for key, value in values.items():
        if value < 0:
            raise ValidationError({key: _("Counts cannot be negative.")})
    for key in [*MONEY_FIELDS, "activities", "party_building"]:
        value = getattr(payload, key)
        if value is not None:
            values[key] = value
    return values


@router.patch("/inspections/{inspection_id}", response={200: InspectionOut, **ERRORS})
def save_report(request, inspection_id: int, payload: ReportIn):
    inspection = actions.save_inspection(
        actor=request.user, inspection=_inspection_for(request, inspection_id), **_report_values(payload)
    )
    return _inspection_out(inspection)


@router.post("/inspections/{inspection_id}/submit", response={200: InspectionOut, **ERRORS})
def submit_report(request, inspection_id: int, payload: ReportIn | None = None):
    values = _report_values(payload) if payload is not None else {}
    inspection = actions.submit_inspection(
        actor=request.user, inspection=_inspection_for(request, inspection_id), **values
    )
    return _inspection_out(inspection)


class ReturnIn(Schema):
    reason: CleanStr = Field(..., max_length=2000)


@router.post("/inspections/{inspection_id}/return", response={200: InspectionOut, **ERRORS})
def return_report(request, inspection_id: int, payload: ReturnIn):
    inspection = actions.return_inspection(
        actor=request.user, inspection=_inspection_for(request, inspection_id), reason=payload.reason
    )
    return _inspection_out(inspection)


class ReviewIn(Schema):
    result: AnnualInspection.Result
    reason: CleanStr = Field("", max_length=2000)


@router.post("/inspections/{inspection_id}/review", response={200: InspectionOut, **ERRORS})
def review_report(request, inspection_id: int, payload: ReviewIn):
    inspection = actions.review_inspection(
        actor=request.user,
        inspection=_inspection_for(request, inspection_id),
        result=payload.result,
        reason=payload.reason,
    )
    return _inspection_out(inspection)
