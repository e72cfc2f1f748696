"""Volunteers API (/api/v1/volunteers/): every action of the app as an operation, lists keyset-paged."""

from datetime import date, datetime
from decimal import Decimal
from urllib.parse import urlencode

from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema, Status
from pydantic import Field

from gongzhi.areas.models import Area
from gongzhi.core import files, policy
from gongzhi.core.api_schemas import ERRORS, PageOut, PageParams, paginate
from gongzhi.core.pii import mask_id_number
from gongzhi.core.strings import CleanStr
from gongzhi.people.models import Person

from . import actions, certificates, queries
from . import permissions as P
from .models import (
    Activity,
    Certificate,
    OrganizerKind,
    ServiceRecord,
    Volunteer,
    VolunteerTeam,
)

router = Router(tags=["volunteers"])
ID = Field(..., ge=1, le=2**62)
OPT_ID = Field(None, ge=1, le=2**62)


def _area(area_id):
    return get_object_or_404(Area, pk=area_id) if area_id else None


def _get(model, pk, related=()):
    try:
        return model.objects.select_related(*related).get(pk=pk)
    except (model.DoesNotExist, ValueError, OverflowError):
        raise Http404 from None


def _view(user, obj_area):
    policy.require(user, P.VIEW, area=obj_area)


class AreaFilter(Schema):
    area: int | None = Field(None, ge=1, le=2**62, description="Area id; default: all of your areas.")


# --- teams -------------------------------------------------------------------------------------------
class TeamOut(Schema):
    id: int
    name: str
    area_id: int
    organizer_kind: OrganizerKind
    organizer_label: str
    leader_id: int | None = None
    service_fields: list[str]
    grid_ids: list[int]
    founded_on: date | None = None
    is_active: bool


def _team_out(t: VolunteerTeam) -> dict:
    return {
        **{f: getattr(t, f) for f in TeamOut.model_fields if f != "grid_ids"},
        "grid_ids": [g.pk for g in t.grids.all()],
    }


class TeamIn(Schema):
    area: int = ID
    name: CleanStr = Field(..., min_length=1, max_length=120)
    organizer_kind: OrganizerKind = OrganizerKind.COMMITTEE
    organizer_label: CleanStr = Field("", max_length=120)
    leader: int | None = OPT_ID
    service_fields: list[CleanStr] = Field(default_factory=list, max_length=20)
    grids: list[int] = Field(default_factory=list, max_length=200)
    founded_on: date | None = None


class TeamPatch(Schema):
    name: CleanStr | None = Field(None, min_length=1, max_length=120)
    organizer_kind: OrganizerKind | None = None
    organizer_label: CleanStr | None = Field(None, max_length=120)
    leader: int | None = OPT_ID
    service_fields: list[CleanStr] | None = Field(None, max_length=20)
    grids: list[int] | None = Field(None, max_length=200)
    founded_on: date | None = None
    is_active: bool | None = None


@router.get("/teams", response={200: PageOut[TeamOut], **ERRORS})
def list_teams(request, filters: Query[AreaFilter], params: Query[PageParams]):
    policy.require(request.user, P.VIEW)
    qs = queries.teams_for(request.user, _area(filters.area)).prefetch_related("grids")
    page = paginate(qs, params, ordering=queries.TEAM_ORDERING, name="api-vteams")
    page["items"] = [_team_out(t) for t in page["items"]]
    return page


@router.post("/teams", response={201: TeamOut, **ERRORS})
def create_team(request, payload: TeamIn):
    team = actions.create_team(actor=request.user, **payload.dict())
    return Status(201, _team_out(team))


@router.get("/teams/{team_id}", response={200: TeamOut, **ERRORS})
def get_team(request, team_id: int):
    team = _get(VolunteerTeam, team_id, ["area"])
    _view(request.user, team.area)
    return _team_out(team)


@router.patch("/teams/{team_id}", response={200: TeamOut, **ERRORS})
def update_team(request, team_id: int, payload: TeamPatch):
    team = _get(VolunteerTeam, team_id, ["area"])
    _view(request.user, team.area)
    changes = {
        k: v
        for k, v in payload.dict(exclude_unset=True).items()
        if v is not None or k in ("leader", "founded_on")
    }
    return _team_out(actions.update_team(actor=request.user, team=team, **changes))


class MemberIn(Schema):
    volunteer: int = ID
    is_leader: bool = False


@router.post("/teams/{team_id}/members", response={204: None, **ERRORS})
def add_member(request, team_id: int, payload: MemberIn):
    team = _get(VolunteerTeam, team_id, ["area"])
    _view(request.user, team.area)
    volunteer = _get(Volunteer, payload.volunteer)
    actions.add_team_member(actor=request.user, team=team, volunteer=volunteer, is_leader=payload.is_leader)
    return Status(204, None)


@router.delete("/teams/{team_id}/members/{volunteer_id}", response={204: None, **ERRORS})
def remove_member(request, team_id: int, volunteer_id: int):
    team = _get(VolunteerTeam, team_id, ["area"])
    _view(request.user, team.area)
    actions.remove_team_member(actor=request.user, team=team, volunteer=_get(Volunteer, volunteer_id))
    return Status(204, None)


# --- volunteers ----------------------------------------------------------------------------------------
class VolunteerOut(Schema):
    id: int
    number: str
    name: str
    id_number: str = Field(..., description="Always masked.")
    area_id: int
    skills: list[str]
    availability: str
    team_ids: list[int]
    total_hours: Decimal
    star_level: int
    registered_on: date
    is_active: bool


def _volunteer_out(v: Volunteer) -> dict:
    return {
        "id": v.pk,
        "number": v.number,
        "name": v.person.name,
        "id_number": mask_id_number(v.person.id_number),
        "area_id": v.area_id,
        "skills": v.skills,
        "availability": v.availability,
        "team_ids": [m.team_id for m in v.memberships.all()],
        "total_hours": v.total_hours,
        "star_level": v.star_level,
        "registered_on": v.registered_on,
        "is_active": v.is_active,
    }


class VolunteerIn(Schema):
    person: int = ID
    skills: list[CleanStr] = Field(default_factory=list, max_length=20)
    availability: CleanStr = Field("", max_length=200)
    registered_on: date | None = None


class VolunteerPatch(Schema):
    skills: list[CleanStr] | None = Field(None, max_length=20)
    availability: CleanStr | None = Field(None, max_length=200)
    is_active: bool | None = None


class VolunteerFilter(AreaFilter):
    number: CleanStr | None = Field(None, max_length=20, description="Volunteer number prefix.")


@router.get("/volunteers", response={200: PageOut[VolunteerOut], **ERRORS})
def list_volunteers(request, filters: Query[VolunteerFilter], params: Query[PageParams]):
    policy.require(request.user, P.VIEW)
    qs = queries.volunteers_for(request.user, _area(filters.area), number=filters.number).prefetch_related(
        "memberships"
    )
    page = paginate(qs, params, ordering=queries.VOLUNTEER_ORDERING, name="api-volunteers")
    page["items"] = [_volunteer_out(v) for v in page["items"]]
    return page


@router.post("/volunteers", response={201: VolunteerOut, **ERRORS})
def register_volunteer(request, payload: VolunteerIn):
    person = _get(Person, payload.person, ["area"])
    data = payload.dict()
    data.pop("person")
    volunteer = actions.register_volunteer(actor=request.user, person=person, **data)
    return Status(201, _volunteer_out(volunteer))


@router.get("/me", response={200: VolunteerOut, **ERRORS})
def my_volunteer_record(request):
    volunteer = actions.own_volunteer(request.user)
    if volunteer is None:
        raise Http404
    return _volunteer_out(volunteer)


def _volunteer_visible(request, volunteer_id) -> Volunteer:
    volunteer = _get(Volunteer, volunteer_id, ["area", "person"])
    if volunteer.person.user_id != request.user.pk:
        _view(request.user, volunteer.area)
    return volunteer


@router.get("/volunteers/{volunteer_id}", response={200: VolunteerOut, **ERRORS})
def get_volunteer(request, volunteer_id: int):
    return _volunteer_out(_volunteer_visible(request, volunteer_id))


@router.patch("/volunteers/{volunteer_id}", response={200: VolunteerOut, **ERRORS})
def update_volunteer(request, volunteer_id: int, payload: VolunteerPatch):
    volunteer = _get(Volunteer, volunteer_id, ["area", "person"])
    _view(request.user, volunteer.area)
    changes = {k: v for k, v in payload.dict(exclude_unset=True).items() if v is not None}
    return _volunteer_out(actions.update_volunteer(actor=request.user, volunteer=volunteer, **changes))


# --- service records and certificates -----------------------------------------------------------------
class RecordOut(Schema):
    id: int
    volunteer_id: int
    activity_id: int | None = None
    booking_id: int | None = None
    served_on: date
    hours: Decimal
    content: str
    recording_body: str
    voided: bool
    corrects_id: int | None = None
    correction_reason: str
    recorded_at: datetime


def _record_out(r: ServiceRecord) -> dict:
    return {f: getattr(r, f) for f in RecordOut.model_fields}


class RecordIn(Schema):
    hours: Decimal = Field(..., description="Actual service time in hours, travel excluded (0.25–24).")
    served_on: date
    content: CleanStr = Field(..., min_length=1, max_length=200)
    recording_body: CleanStr = Field(..., min_length=1, max_length=120)
    activity: int | None = OPT_ID


class CorrectionIn(Schema):
    reason: CleanStr = Field(..., min_length=1, max_length=200)
    hours: Decimal | None = None
    served_on: date | None = None
    content: CleanStr | None = Field(None, min_length=1, max_length=200)


class VoidIn(Schema):
    reason: CleanStr = Field(..., min_length=1, max_length=200)


class RecordFilter(Schema):
    include_void: bool = False


@router.get("/volunteers/{volunteer_id}/records", response={200: PageOut[RecordOut], **ERRORS})
def list_records(request, volunteer_id: int, filters: Query[RecordFilter], params: Query[PageParams]):
    volunteer = _volunteer_visible(request, volunteer_id)
    qs = queries.records_of(volunteer, include_void=filters.include_void)
    page = paginate(qs, params, ordering=("-served_on",), name=f"api-vrecords-{volunteer.pk}")
    page["items"] = [_record_out(r) for r in page["items"]]
    return page


@router.post("/volunteers/{volunteer_id}/records", response={201: RecordOut, **ERRORS})
def record_service(request, volunteer_id: int, payload: RecordIn):
    volunteer = _get(Volunteer, volunteer_id, ["area", "person"])
    _view(request.user, volunteer.area)
    activity = _get(Activity, payload.activity, ["area"]) if payload.activity else None
    data = payload.dict()
    data["activity"] = activity
    record = actions.record_service(actor=request.user, volunteer=volunteer, **data)
    return Status(201, _record_out(record))


def _record(request, record_id) -> ServiceRecord:
    record = _get(ServiceRecord, record_id, ["volunteer__area", "activity__area"])
    _view(request.user, record.volunteer.area)
    return record


@router.post("/records/{record_id}/correct", response={201: RecordOut, **ERRORS})
def correct_record(request, record_id: int, payload: CorrectionIn):
    record = _record(request, record_id)
    new = actions.correct_service_record(actor=request.user, record=record, **payload.dict())
    return Status(201, _record_out(new))


@router.post("/records/{record_id}/void", response={200: RecordOut, **ERRORS})
def void_record(request, record_id: int, payload: VoidIn):
    record = _record(request, record_id)
    return _record_out(actions.void_service_record(actor=request.user, record=record, reason=payload.reason))


class CertificateOut(Schema):
    id: int
    number: str
    volunteer_id: int
    issued_on: date
    issuer: str
    hours: Decimal
    pdf_url: str


def _cert_out(c: Certificate) -> dict:
    return {
        **{f: getattr(c, f) for f in CertificateOut.model_fields if f != "pdf_url"},
        "pdf_url": f"/api/v1/volunteers/certificates/{c.pk}/pdf",
    }


class CertificateIn(Schema):
    issuer: CleanStr = Field("", max_length=120, description="Default: the street/town of the volunteer.")


@router.post("/volunteers/{volunteer_id}/certificates", response={201: CertificateOut, **ERRORS})
def issue_certificate(request, volunteer_id: int, payload: CertificateIn):
    volunteer = _get(Volunteer, volunteer_id, ["area", "person"])
    _view(request.user, volunteer.area)
    cert = actions.issue_certificate(actor=request.user, volunteer=volunteer, issuer=payload.issuer)
    return Status(201, _cert_out(cert))


class FilePendingOut(Schema):
    status: str  # "pending": the file is being rendered
    url: str  # where the file will be: GET it (again) until it answers 200


@router.get("/certificates/{certificate_id}/pdf", response={200: None, 202: FilePendingOut, **ERRORS})
def certificate_pdf(request, certificate_id: int, t: str = ""):
    """Without `t`: start rendering the PDF (a task, outside the web worker) and answer 202 with the URL
    of the file; with that URL's token: the PDF once stored (202 again while it is being rendered)."""
    cert = _get(Certificate, certificate_id, ["volunteer__person", "volunteer__area"])
    _volunteer_visible(request, cert.volunteer_id)
    base = f"/api/v1/volunteers/certificates/{cert.pk}/pdf"
    if not t:
        token = certificates.request_certificate_pdf(request.user, cert)
        return Status(202, {"status": "pending", "url": f"{base}?{urlencode({'t': token})}"})
    payload = files.open_token(t, request.user, kind=certificates.FILE_KIND)
    if payload is None or payload.get("o") != cert.pk:
        raise Http404
    if not files.ready(payload):
        return Status(202, {"status": "pending", "url": f"{base}?{urlencode({'t': t})}"})
    response = FileResponse(default_storage.open(payload["n"], "rb"), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{cert.number}.pdf"'
    return response


class StarLevelsOut(Schema):
    levels: dict[int, int]


@router.get("/star-levels", response={200: StarLevelsOut, **ERRORS})
def get_star_levels(request):
    return {"levels": dict(actions.star_thresholds())}


@router.put("/star-levels", response={200: StarLevelsOut, **ERRORS})
def set_star_levels(request, payload: StarLevelsOut):
    return {"levels": dict(actions.set_star_levels(actor=request.user, hours=payload.levels))}


# --- figures ---------------------------------------------------------------------------------------------
class FigureRow(Schema):
    period: str
    hours: Decimal
    active: int
    registered: int


class FiguresOut(Schema):
    area_id: int
    teams: int
    registered: int
    hours: Decimal
    rows: list[FigureRow]


@router.get("/figures/{area_id}", response={200: FiguresOut, **ERRORS})
def figures(request, area_id: int, months: int = Query(12, ge=1, le=36)):
    area = get_object_or_404(Area, pk=area_id)
    _view(request.user, area)
    data = queries.area_figures(area, months)
    return {"area_id": area.pk, **{k: data[k] for k in ("teams", "registered", "hours", "rows")}}


# Activities, points, the volunteer base and brand projects register on the same router (kept apart for size).
from . import api_activities, api_community  # noqa: E402, F401
