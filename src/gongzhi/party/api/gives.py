"""Party API: the three gives (representative seats, community tasks and sign-ups, honours)."""

from django.shortcuts import get_object_or_404

from gongzhi.core.api_schemas import ERRORS
from gongzhi.councils.models import Seat

from .. import actions
from ..models import CommunityTask, Honour, PartyMember, TaskSignup
from ..schemas import EndSeatIn, HonourIn, HonourOut, NoteIn, Ok, RepSeatIn, SeatOut, SignupIn, TaskIn
from ._common import _me, _org, router


# --- three gives ------------------------------------------------------------------------------------
@router.post("/organizations/{org_id}/representative-seats", response={201: SeatOut, **ERRORS})
def give_seat(request, org_id: int, data: RepSeatIn):
    return 201, actions.give_seat(actor=request.user, organization=_org(org_id), **data.dict())


@router.post("/organizations/{org_id}/representative-seats/{seat_id}/end", response={200: SeatOut, **ERRORS})
def end_given_seat(request, org_id: int, seat_id: int, data: EndSeatIn):
    return actions.end_given_seat(
        actor=request.user, organization=_org(org_id), seat=get_object_or_404(Seat, pk=seat_id), on=data.on
    )


@router.post("/tasks", response={201: Ok, **ERRORS})
def publish_task(request, data: TaskIn):
    t = actions.publish_task(
        actor=request.user,
        organization=_org(data.organization_id),
        title=data.title,
        due_on=data.due_on,
        description=data.description,
        goal=data.goal,
        audience=data.audience,
    )
    return 201, {"id": t.pk}


@router.post("/tasks/{task_id}/signups", response={201: Ok, **ERRORS})
def sign_up(request, task_id: int, data: SignupIn):
    task = get_object_or_404(CommunityTask, pk=task_id)
    if data.unit_organization_id:
        s = actions.sign_up_unit(
            actor=request.user, task=task, unit_organization=_org(data.unit_organization_id)
        )
    else:
        s = actions.sign_up_member(actor=request.user, task=task, member=_me(request))
    return 201, {"id": s.pk}


@router.post("/signups/{signup_id}/complete", response={200: Ok, **ERRORS})
def complete_signup(request, signup_id: int, data: NoteIn):
    s = actions.complete_signup(
        actor=request.user, signup=get_object_or_404(TaskSignup, pk=signup_id), note=data.note
    )
    return {"id": s.pk}


def _honour_out(h: Honour):
    return HonourOut(
        id=h.pk,
        year=h.year,
        title=h.title,
        state=h.state,
        citation=h.citation,
        recipient=h.member.person.name if h.member_id else h.organization.name,
    )


@router.get("/honours", response={200: list[HonourOut], **ERRORS}, auth=None)
def public_honours(request, year: int | None = None):
    qs = (
        Honour.objects.filter(state=Honour.State.AWARDED)
        .select_related("member__person", "organization")
        .order_by("-year", "id")
    )
    if year:
        qs = qs.filter(year=year)
    return [_honour_out(h) for h in qs[:200]]


@router.post("/honours", response={201: HonourOut, **ERRORS})
def nominate_honour(request, data: HonourIn):
    h = actions.nominate_honour(
        actor=request.user,
        awarded_by=_org(data.awarded_by_id),
        year=data.year,
        title=data.title,
        organization=_org(data.organization_id) if data.organization_id else None,
        member=get_object_or_404(PartyMember, pk=data.member_id) if data.member_id else None,
        citation=data.citation,
    )
    return 201, _honour_out(h)


@router.post("/honours/{honour_id}/award", response={200: HonourOut, **ERRORS})
def award_honour(request, honour_id: int):
    return _honour_out(
        actions.award_honour(actor=request.user, honour=get_object_or_404(Honour, pk=honour_id))
    )
