"""Councils API (/api/v1/councils/): bodies, seats, roster, meetings, agenda, invitations, registration,
check-in, quorum, minutes and iCalendar — the same actions and the same confidentiality rule as the pages."""

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from ninja import File, Form, Query, Router, Status
from ninja.files import UploadedFile

from gongzhi.areas.models import Area
from gongzhi.core.api_schemas import ERRORS, PageOut, PageParams, paginate

from . import actions, ical, queries, visibility
from .actions.bodies import composition_report
from .api_schemas import (
    AgendaEntryOut,
    AgendaItemIn,
    AgendaItemPatch,
    AnswerIn,
    AttendanceOut,
    CheckInIn,
    CompositionOut,
    CouncilIn,
    CouncilOut,
    CouncilPatch,
    EndSeatIn,
    FeedOut,
    InvitationOut,
    InviteIn,
    MeetingFilter,
    MeetingIn,
    MeetingOut,
    MeetingPatch,
    MinutesIn,
    MinutesOut,
    QuorumOut,
    ReasonIn,
    SeatIn,
    SeatOut,
    SeatPatch,
)
from .models import AgendaItem, Council, Invitation, Meeting, Seat

router = Router(tags=["councils"])


def _council(request, council_id) -> Council:
    council = get_object_or_404(Council.objects.select_related("area"), pk=council_id)
    if not visibility.can_see_council(request.user, council):
        raise Http404
    return council


def _meeting(request, meeting_id) -> Meeting:
    meeting = get_object_or_404(
        Meeting.objects.select_related("council", "council__area", "area"), pk=meeting_id
    )
    if not visibility.can_see_meeting(request.user, meeting):
        raise Http404
    return meeting


def _item(request, item_id) -> AgendaItem:
    item = get_object_or_404(AgendaItem.objects.select_related("meeting", "meeting__council"), pk=item_id)
    if not visibility.can_see_meeting(request.user, item.meeting) or not visibility.can_see_item(
        request.user, item
    ):
        raise Http404
    return item


# --- councils ------------------------------------------------------------------------------------------
def _rules(rules) -> list[dict]:
    return [r.dict(exclude_none=True) for r in rules]


@router.get("/councils", response={200: PageOut[CouncilOut], **ERRORS})
def list_councils(
    request, params: Query[PageParams], kind: Council.Kind | None = None, area: int | None = None
):
    area_obj = get_object_or_404(Area, pk=area) if area else None
    qs = queries.councils_for(request.user, area=area_obj, kind=kind)
    return paginate(qs, params, ordering=queries.COUNCIL_ORDERING, name="api-councils")


@router.post("/councils", response={201: CouncilOut, **ERRORS})
def create_council(request, payload: CouncilIn):
    data = payload.dict()
    data["composition_rules"] = _rules(payload.composition_rules)
    return Status(201, actions.create_council(actor=request.user, **data))


@router.get("/councils/{council_id}", response={200: CouncilOut, **ERRORS})
def get_council(request, council_id: int):
    return _council(request, council_id)


@router.patch("/councils/{council_id}", response={200: CouncilOut, **ERRORS})
def update_council(request, council_id: int, payload: CouncilPatch):
    council = _council(request, council_id)
    data = payload.dict(exclude_unset=True)
    if payload.composition_rules is not None:
        data["composition_rules"] = _rules(payload.composition_rules)
    return actions.update_council(actor=request.user, council=council, **data)


@router.post("/councils/{council_id}/roster/publish", response={200: CouncilOut, **ERRORS})
def publish_roster(request, council_id: int):
    return actions.publish_roster(actor=request.user, council=_council(request, council_id))


@router.get("/councils/{council_id}/composition", response={200: list[CompositionOut], **ERRORS})
def composition(request, council_id: int):
    return [
        {"text": c["text"], "holds": c["holds"]} for c in composition_report(_council(request, council_id))
    ]


# --- seats ----------------------------------------------------------------------------------------------
@router.get("/councils/{council_id}/seats", response={200: PageOut[SeatOut], **ERRORS})
def list_seats(request, council_id: int, params: Query[PageParams], current: bool = False):
    council = _council(request, council_id)
    qs = council.seats.all()
    if current:
        qs = qs.filter(pk__in=[s.pk for s in queries.current_seats(council)])
    return paginate(qs, params, ordering=("id",), name=f"api-seats-{council.pk}")


@router.post("/councils/{council_id}/seats", response={201: SeatOut, **ERRORS})
def add_seat(request, council_id: int, payload: SeatIn):
    return Status(
        201, actions.add_seat(actor=request.user, council=_council(request, council_id), **payload.dict())
    )


def _seat(request, seat_id) -> Seat:
    seat = get_object_or_404(Seat.objects.select_related("council", "council__area"), pk=seat_id)
    if not visibility.can_see_council(request.user, seat.council):
        raise Http404
    return seat


@router.patch("/seats/{seat_id}", response={200: SeatOut, **ERRORS})
def update_seat(request, seat_id: int, payload: SeatPatch):
    return actions.update_seat(
        actor=request.user, seat=_seat(request, seat_id), **payload.dict(exclude_unset=True)
    )


@router.post("/seats/{seat_id}/end", response={200: SeatOut, **ERRORS})
def end_seat(request, seat_id: int, payload: EndSeatIn):
    return actions.end_seat(actor=request.user, seat=_seat(request, seat_id), on=payload.on)


@router.delete("/seats/{seat_id}", response={204: None, **ERRORS})
def remove_seat(request, seat_id: int):
    actions.remove_seat(actor=request.user, seat=_seat(request, seat_id))
    return Status(204, None)


# --- meetings -------------------------------------------------------------------------------------------
@router.get("/meetings", response={200: PageOut[MeetingOut], **ERRORS})
def list_meetings(request, filters: Query[MeetingFilter], params: Query[PageParams]):
    council = _council(request, filters.council) if filters.council else None
    area = get_object_or_404(Area, pk=filters.area) if filters.area else None
    qs = queries.meetings_for(
        request.user, council=council, area=area, kind=filters.kind, upcoming=filters.upcoming
    )
    ordering = queries.UPCOMING_ORDERING if filters.upcoming else queries.MEETING_ORDERING
    return paginate(qs, params, ordering=ordering, name=f"api-meetings-{filters.upcoming}")


@router.post("/councils/{council_id}/meetings", response={201: MeetingOut, **ERRORS})
def create_meeting(request, council_id: int, payload: MeetingIn):
    meeting = actions.create_meeting(
        actor=request.user, council=_council(request, council_id), **payload.dict()
    )
    return Status(201, meeting)


@router.get("/meetings/{meeting_id}", response={200: MeetingOut, **ERRORS})
def get_meeting(request, meeting_id: int):
    return _meeting(request, meeting_id)


@router.patch("/meetings/{meeting_id}", response={200: MeetingOut, **ERRORS})
def update_meeting(request, meeting_id: int, payload: MeetingPatch):
    meeting = _meeting(request, meeting_id)
    return actions.update_meeting(actor=request.user, meeting=meeting, **payload.dict(exclude_unset=True))


@router.post("/meetings/{meeting_id}/schedule", response={200: MeetingOut, **ERRORS})
def schedule_meeting(request, meeting_id: int):
    return actions.schedule_meeting(actor=request.user, meeting=_meeting(request, meeting_id))


@router.post("/meetings/{meeting_id}/cancel", response={200: MeetingOut, **ERRORS})
def cancel_meeting(request, meeting_id: int, payload: ReasonIn):
    return actions.cancel_meeting(
        actor=request.user, meeting=_meeting(request, meeting_id), reason=payload.reason
    )


@router.post("/meetings/{meeting_id}/held", response={200: MeetingOut, **ERRORS})
def mark_held(request, meeting_id: int):
    return actions.mark_held(actor=request.user, meeting=_meeting(request, meeting_id))


@router.get("/meetings/{meeting_id}/meeting.ics", response={200: None, **ERRORS})
def meeting_ics(request, meeting_id: int):
    meeting = _meeting(request, meeting_id)
    return HttpResponse(ical.meeting_ics(request.user, meeting), content_type="text/calendar; charset=utf-8")


# --- agenda ---------------------------------------------------------------------------------------------
def _entry(row, papers=()) -> dict:
    if row["hidden"]:
        return {"id": row["pk"], "order": row["order"], "confidential": True, "visible": False}
    item = row["item"]
    return {
        "id": item.pk,
        "order": item.order,
        "confidential": item.is_confidential,
        "visible": True,
        "title": item.title,
        "description": item.description,
        "duration_minutes": item.duration_minutes,
        "audience": item.audience,
        "category": item.category,
        "papers": [{"id": p.pk, "title": p.title} for p in papers],
    }


@router.get("/meetings/{meeting_id}/agenda", response={200: list[AgendaEntryOut], **ERRORS})
def agenda(request, meeting_id: int):
    meeting = _meeting(request, meeting_id)
    rows = visibility.agenda_for(request.user, meeting)
    out = []
    for row in rows:
        papers = list(row["item"].papers.all()) if not row["hidden"] else []
        out.append(_entry(row, papers))
    return out


def _one(item) -> dict:
    return _entry(
        {"hidden": False, "item": item, "pk": item.pk, "order": item.order}, list(item.papers.all())
    )


@router.post("/meetings/{meeting_id}/agenda", response={201: AgendaEntryOut, **ERRORS})
def add_agenda_item(request, meeting_id: int, payload: AgendaItemIn):
    data = payload.dict()
    item = actions.add_agenda_item(actor=request.user, meeting=_meeting(request, meeting_id), **data)
    return Status(201, _one(item))


@router.patch("/agenda-items/{item_id}", response={200: AgendaEntryOut, **ERRORS})
def update_agenda_item(request, item_id: int, payload: AgendaItemPatch):
    item = actions.update_agenda_item(
        actor=request.user, item=_item(request, item_id), **payload.dict(exclude_unset=True)
    )
    return _one(item)


@router.delete("/agenda-items/{item_id}", response={204: None, **ERRORS})
def remove_agenda_item(request, item_id: int):
    actions.remove_agenda_item(actor=request.user, item=_item(request, item_id))
    return Status(204, None)


@router.post("/agenda-items/{item_id}/papers", response={201: AgendaEntryOut, **ERRORS})
def add_paper(request, item_id: int, file: File[UploadedFile], title: Form[str] = ""):
    item = _item(request, item_id)
    actions.add_paper(actor=request.user, item=item, title=title, file=file)
    return Status(201, _one(item))


# --- invitations, registration, attendance ----------------------------------------------------------
@router.get("/meetings/{meeting_id}/invitations", response={200: PageOut[InvitationOut], **ERRORS})
def list_invitations(request, meeting_id: int, params: Query[PageParams]):
    meeting = _meeting(request, meeting_id)
    actions.require_manage(request.user, meeting.council)
    return paginate(queries.invitations_of(meeting), params, ordering=("id",), name=f"api-inv-{meeting.pk}")


@router.post("/meetings/{meeting_id}/invitations", response={201: InvitationOut, **ERRORS})
def invite(request, meeting_id: int, payload: InviteIn):
    invitation = actions.invite(actor=request.user, meeting=_meeting(request, meeting_id), **payload.dict())
    return Status(201, invitation)


@router.post("/invitations/{invitation_id}/answer", response={200: InvitationOut, **ERRORS})
def answer_invitation(request, invitation_id: int, payload: AnswerIn):
    invitation = get_object_or_404(Invitation, pk=invitation_id, user=request.user)
    return actions.answer_invitation(actor=request.user, invitation=invitation, response=payload.response)


@router.post("/meetings/{meeting_id}/registration", response={201: MeetingOut, **ERRORS})
def register(request, meeting_id: int):
    meeting = _meeting(request, meeting_id)
    actions.register_for_meeting(actor=request.user, meeting=meeting)
    meeting.refresh_from_db()
    return Status(201, meeting)


@router.delete("/meetings/{meeting_id}/registration", response={204: None, **ERRORS})
def unregister(request, meeting_id: int):
    actions.cancel_registration(actor=request.user, meeting=_meeting(request, meeting_id))
    return Status(204, None)


@router.post("/meetings/{meeting_id}/attendance", response={201: AttendanceOut, **ERRORS})
def check_in(request, meeting_id: int, payload: CheckInIn):
    data = {k: v for k, v in payload.dict().items() if v}
    return Status(201, actions.check_in(actor=request.user, meeting=_meeting(request, meeting_id), **data))


@router.get("/meetings/{meeting_id}/attendance", response={200: PageOut[AttendanceOut], **ERRORS})
def list_attendance(request, meeting_id: int, params: Query[PageParams]):
    meeting = _meeting(request, meeting_id)
    actions.require_manage(request.user, meeting.council)
    return paginate(queries.attendance_of(meeting), params, ordering=("id",), name=f"api-att-{meeting.pk}")


@router.get("/meetings/{meeting_id}/quorum", response={200: QuorumOut, **ERRORS})
def quorum(request, meeting_id: int):
    return queries.quorum_status(_meeting(request, meeting_id)).__dict__


# --- minutes ----------------------------------------------------------------------------------------------
def _minutes(request, meeting) -> dict:
    """Draft minutes are the managers' work; published minutes are for whoever sees the meeting —
    in both cases only the items' parts inside the reader's audience."""
    published = meeting.minutes_state == Meeting.MinutesState.PUBLISHED
    if not published and not visibility.can_manage(request.user, meeting.council):
        return {"state": meeting.minutes_state, "text": "", "sections": []}
    rows = queries.minutes_for(request.user, meeting)
    return {
        "state": meeting.minutes_state,
        "text": meeting.minutes_text,
        "sections": [
            {"item_id": r["item"].pk, "order": r["item"].order, "title": r["item"].title, "text": r["text"]}
            for r in rows
        ],
    }


@router.get("/meetings/{meeting_id}/minutes", response={200: MinutesOut, **ERRORS})
def get_minutes(request, meeting_id: int):
    return _minutes(request, _meeting(request, meeting_id))


@router.put("/meetings/{meeting_id}/minutes", response={200: MinutesOut, **ERRORS})
def draft_minutes(request, meeting_id: int, payload: MinutesIn):
    meeting = actions.draft_minutes(
        actor=request.user,
        meeting=_meeting(request, meeting_id),
        text=payload.text,
        sections=payload.sections,
    )
    return _minutes(request, meeting)


@router.post("/meetings/{meeting_id}/minutes/approve", response={200: MinutesOut, **ERRORS})
def approve_minutes(request, meeting_id: int):
    return _minutes(
        request, actions.approve_minutes(actor=request.user, meeting=_meeting(request, meeting_id))
    )


@router.post("/meetings/{meeting_id}/minutes/publish", response={200: MinutesOut, **ERRORS})
def publish_minutes(request, meeting_id: int):
    return _minutes(
        request, actions.publish_minutes(actor=request.user, meeting=_meeting(request, meeting_id))
    )


# --- calendar feed --------------------------------------------------------------------------------------
@router.post("/feed-token", response={200: FeedOut, **ERRORS})
def reset_feed(request):
    from django.urls import reverse

    token = actions.reset_feed_token(actor=request.user)
    return {
        "key": token.key,
        "mine_url": request.build_absolute_uri(reverse("councils:feed_mine", args=[token.key])),
    }
