"""Party API: care and inner-party democracy — reception days and counselling (schedule, list, book,
each matter → petition or case), major-matter votes (票决) with their results, the monthly
deliberation (党员议事月), and information to members (知情) as notices with read receipts."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Query, Schema

from gongzhi.core.api_schemas import ERRORS, PageOut, PageParams, paginate
from gongzhi.core.strings import CleanStr

from .. import actions
from .. import permissions as P
from .. import queries_care as q
from ..actions.care import can_inform, inform_members, raise_matter_as_case, track_matter_as_petition
from ..models import ReceptionAppointment, ReceptionDay
from ..schemas import BookIn, DeliberationIn, MajorMatterIn, MajorMatterOut, Ok, PetitionOut, ReceptionIn
from ._common import AreaCodeStr, _org, router


# --- schemas of the care operations -------------------------------------------------------------------
class PartyReceptionOut(Schema):
    id: int
    organization_id: int
    organization_name: str
    kind: str
    host_name: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    place: str
    capacity: int
    booked: int


class PartyAppointmentOut(Schema):
    id: int
    reception_id: int
    user_name: str
    matter: str
    booked_at: dt.datetime
    petition_id: int | None
    case_id: int | None
    case_number: str | None


class PartyMatterPetitionIn(Schema):
    kind: CleanStr = Field("opinion", max_length=12)


class PartyMatterCaseIn(Schema):
    category: CleanStr = Field(..., max_length=40, description="Case category id or code.")
    area_id: int | None = Field(
        None, description="Where the matter lies; the organization's area when empty."
    )
    urgent: bool = False


class PartyMatterCaseOut(Schema):
    id: int
    number: str
    state: str


class PartyMajorMatterOut(Schema):
    id: int
    title: str
    meeting_id: int
    meeting_starts_at: dt.datetime
    meeting_state: str
    item_id: int
    motion_id: int
    motion_state: str
    result: str
    yes_count: int
    no_count: int
    abstain_count: int


class PartyDeliberationOut(Schema):
    id: int
    month: str
    topic: str
    participants: int
    conclusions: str


class PartyInformIn(Schema):
    title: CleanStr = Field(..., max_length=160)
    body: CleanStr = Field(..., max_length=20000)
    expires_at: dt.datetime | None = None


class PartyInformationOut(Schema):
    id: int
    title: str
    state: str
    publish_at: dt.datetime
    recipient_count: int
    read_count: int


class PartyReaderOut(Schema):
    user_id: int
    name: str
    read_at: dt.datetime | None
    reminders: int


def _reception_out(r: ReceptionDay) -> PartyReceptionOut:
    return PartyReceptionOut(
        id=r.pk,
        organization_id=r.organization_id,
        organization_name=r.organization.name,
        kind=r.kind,
        host_name=r.host_name,
        starts_at=r.starts_at,
        ends_at=r.ends_at,
        place=r.place,
        capacity=r.capacity,
        booked=r.booked,
    )


def _appointment_out(a: ReceptionAppointment) -> PartyAppointmentOut:
    case = getattr(a, "case", None)
    return PartyAppointmentOut(
        id=a.pk,
        reception_id=a.reception_id,
        user_name=str(a.user),
        matter=a.matter,
        booked_at=a.booked_at,
        petition_id=a.petition_id,
        case_id=case.pk if case else None,
        case_number=case.number if case else None,
    )


def _managed_appointment(request, appointment_id) -> ReceptionAppointment:
    appt = get_object_or_404(
        ReceptionAppointment.objects.select_related("reception__organization__area", "user"),
        pk=appointment_id,
    )
    if not P.can_manage(request.user, appt.reception.organization):
        raise PermissionDenied(P.MANAGE)
    return appt


# --- reception days and counselling -------------------------------------------------------------------
@router.post("/organizations/{org_id}/receptions", response={201: Ok, **ERRORS})
def schedule_reception(request, org_id: int, data: ReceptionIn):
    return 201, {
        "id": actions.schedule_reception(actor=request.user, organization=_org(org_id), **data.dict()).pk
    }


@router.get("/receptions", response={200: PageOut[PartyReceptionOut], **ERRORS})
def list_receptions(
    request, params: Query[PageParams], organization: int | None = None, kind: AreaCodeStr | None = None
):
    """Reception days and counselling sessions that have not ended, soonest first; any signed-in user."""
    org = _org(organization) if organization else None
    page = paginate(
        q.upcoming_receptions(organization=org, kind=kind or ""),
        params,
        ordering=("starts_at",),
        name="party.receptions",
    )
    page["items"] = [_reception_out(r) for r in page["items"]]
    return page


@router.get("/receptions/{reception_id}", response={200: PartyReceptionOut, **ERRORS})
def get_reception(request, reception_id: int):
    return _reception_out(
        get_object_or_404(ReceptionDay.objects.select_related("organization"), pk=reception_id)
    )


@router.post("/receptions/{reception_id}/appointments", response={201: Ok, **ERRORS})
def book_reception(request, reception_id: int, data: BookIn):
    r = get_object_or_404(ReceptionDay.objects.select_related("organization__area"), pk=reception_id)
    return 201, {"id": actions.book_reception(actor=request.user, reception=r, matter=data.matter).pk}


@router.get("/receptions/{reception_id}/appointments", response={200: list[PartyAppointmentOut], **ERRORS})
def list_appointments(request, reception_id: int):
    """The appointments of one day with the matters raised: for the organization's managers."""
    r = get_object_or_404(ReceptionDay.objects.select_related("organization__area"), pk=reception_id)
    if not P.can_manage(request.user, r.organization):
        raise PermissionDenied(P.MANAGE)
    return [_appointment_out(a) for a in q.appointments(r)]


@router.get("/appointments", response={200: list[PartyAppointmentOut], **ERRORS})
def my_appointments(request):
    """The signed-in user's own appointments (latest 50) and what became of each matter."""
    return [_appointment_out(a) for a in q.my_appointments(request.user)]


@router.post("/appointments/{appointment_id}/petition", response={201: PetitionOut, **ERRORS})
def appointment_to_petition(request, appointment_id: int, data: PartyMatterPetitionIn):
    appt = _managed_appointment(request, appointment_id)
    return 201, track_matter_as_petition(actor=request.user, appointment=appt, kind=data.kind)


@router.post("/appointments/{appointment_id}/case", response={201: PartyMatterCaseOut, **ERRORS})
def appointment_to_case(request, appointment_id: int, data: PartyMatterCaseIn):
    from gongzhi.areas.models import Area

    appt = _managed_appointment(request, appointment_id)
    area = None
    if data.area_id is not None:
        area = Area.objects.filter(pk=data.area_id).first()
        if area is None:
            raise ValidationError({"area_id": _("Unknown area.")})
    case = raise_matter_as_case(
        actor=request.user, appointment=appt, category=data.category, area=area, urgent=data.urgent
    )
    return 201, PartyMatterCaseOut(id=case.pk, number=case.number, state=case.state)


# --- major matters and the deliberation month ---------------------------------------------------------
@router.post("/organizations/{org_id}/major-matters", response={201: MajorMatterOut, **ERRORS})
def table_major_matter(request, org_id: int, data: MajorMatterIn):
    return 201, actions.table_major_matter(actor=request.user, organization=_org(org_id), **data.dict())


@router.get("/organizations/{org_id}/major-matters", response={200: PageOut[PartyMajorMatterOut], **ERRORS})
def list_major_matters(request, org_id: int, params: Query[PageParams]):
    """The organization's major-matter votes, newest first, with the motion's state and result."""
    org = _org(org_id)
    if not P.can_view(request.user, org):
        raise PermissionDenied(P.VIEW)
    page = paginate(q.major_matters(org), params, ordering=("-id",), name=f"party.major.{org.pk}")
    page["items"] = [
        PartyMajorMatterOut(
            id=m.pk,
            title=m.title,
            meeting_id=m.meeting_id,
            meeting_starts_at=m.meeting.starts_at,
            meeting_state=m.meeting.state,
            item_id=m.item_id,
            motion_id=m.motion_id,
            motion_state=m.motion.state,
            result=m.motion.result,
            yes_count=m.motion.yes_count,
            no_count=m.motion.no_count,
            abstain_count=m.motion.abstain_count,
        )
        for m in page["items"]
    ]
    return page


@router.post("/organizations/{org_id}/deliberations", response={201: Ok, **ERRORS})
def record_deliberation(request, org_id: int, data: DeliberationIn):
    return 201, {
        "id": actions.record_deliberation(actor=request.user, organization=_org(org_id), **data.dict()).pk
    }


@router.get("/organizations/{org_id}/deliberations", response={200: list[PartyDeliberationOut], **ERRORS})
def list_deliberations(request, org_id: int, year: int):
    org = _org(org_id)
    if not P.can_view(request.user, org):
        raise PermissionDenied(P.VIEW)
    if not 2000 <= year <= 2100:
        raise ValidationError({"year": _("Give a year between 2000 and 2100.")})
    return [
        PartyDeliberationOut(
            id=d.pk, month=d.month, topic=d.topic, participants=d.participants, conclusions=d.conclusions
        )
        for d in q.deliberations(org, year)
    ]


# --- information to members ---------------------------------------------------------------------------
def _inform_org(request, org_id):
    org = _org(org_id)
    if not (can_inform(request.user, org) or P.can_manage(request.user, org)):
        raise PermissionDenied(P.MANAGE)
    return org


def _information_out(n, read: int) -> PartyInformationOut:
    return PartyInformationOut(
        id=n.pk,
        title=n.title,
        state=n.state,
        publish_at=n.publish_at,
        recipient_count=n.recipient_count,
        read_count=read,
    )


@router.post("/organizations/{org_id}/information", response={201: PartyInformationOut, **ERRORS})
def inform(request, org_id: int, data: PartyInformIn):
    """Send a bulletin with read receipts to the organization's members (the notices app's rules)."""
    n = inform_members(actor=request.user, organization=_org(org_id), **data.dict())
    return 201, _information_out(n, 0)


@router.get("/organizations/{org_id}/information", response={200: PageOut[PartyInformationOut], **ERRORS})
def list_information(request, org_id: int, params: Query[PageParams]):
    org = _inform_org(request, org_id)
    page = paginate(q.information(org), params, ordering=("-publish_at",), name=f"party.inform.{org.pk}")
    counts = q.read_counts(page["items"])
    page["items"] = [_information_out(n, counts.get(n.pk, 0)) for n in page["items"]]
    return page


@router.get(
    "/organizations/{org_id}/information/{notice_id}/readers",
    response={200: PageOut[PartyReaderOut], **ERRORS},
)
def list_readers(request, org_id: int, notice_id: int, params: Query[PageParams], read: bool = True):
    """Who has read the information (read=true, with the time) or not yet (read=false)."""
    org = _inform_org(request, org_id)
    notice = q.notice_of(org, notice_id)
    if notice is None:
        raise Http404
    page = paginate(
        q.readers(notice, read=read), params, ordering=("id",), name=f"party.readers.{notice.pk}.{int(read)}"
    )
    page["items"] = [
        PartyReaderOut(user_id=r.user_id, name=str(r.user), read_at=r.read_at, reminders=r.reminders)
        for r in page["items"]
    ]
    return page
