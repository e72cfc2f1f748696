"""API of votes, resolutions and action items, agreements and proposals (/councils-outcomes/); elections in api_elections.

Every action of those parts is an operation here, calling the same action functions as the pages.
Confidential items: motions on an item outside the caller's audience answer 404, as if absent.
"""

from datetime import date, datetime
from decimal import Decimal

from django.http import Http404
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema, Status
from pydantic import Field

from gongzhi.areas.models import Area
from gongzhi.core import policy
from gongzhi.core.api_schemas import ERRORS, PageOut, PageParams, paginate
from gongzhi.core.strings import CleanStr

from . import queries_outcomes as q
from . import visibility
from .actions import MANAGE
from .actions import outcomes as oa
from .actions import proposals as pa
from .actions import votes as va
from .models import (
    ActionItem,
    AgendaItem,
    Agreement,
    AgreementItem,
    Council,
    Meeting,
    Motion,
    Proposal,
    Resolution,
)
from .models.bodies import Threshold
from .models.votes import Choice

router = Router(tags=["councils: votes, resolutions, agreements, proposals, elections"])
ID = Field(..., ge=1, le=2**62)


def _area(area_id) -> Area:
    return get_object_or_404(Area, pk=area_id)


# --- motions ---------------------------------------------------------------------------------------------
class MotionIn(Schema):
    text: CleanStr = Field(..., min_length=1, max_length=5000)
    threshold: Threshold | None = Field(None, description="Default: the council's default majority.")
    is_major: bool = False
    secret: bool = False


class MotionPatch(Schema):
    text: CleanStr | None = Field(None, min_length=1, max_length=5000)
    threshold: Threshold | None = None
    is_major: bool | None = None
    secret: bool | None = None


class BallotRow(Schema):
    seat_id: int
    name: str
    by_proxy: bool
    choice: str = Field(description="Empty for secret ballots: who voted is recorded, never how.")


class MotionOut(Schema):
    id: int
    item_id: int
    text: str
    threshold: str
    is_major: bool
    secret: bool
    state: str
    opened_at: datetime | None
    closed_at: datetime | None
    members_count: int
    present_count: int
    yes_count: int
    no_count: int
    abstain_count: int
    result: str
    tally: dict
    resolution_id: int | None = None


def _motion_out(m: Motion) -> dict:
    return {
        **{k: getattr(m, k) for k in MotionOut.model_fields if hasattr(m, k) and k != "resolution_id"},
        "resolution_id": Resolution.objects.filter(motion=m).values_list("pk", flat=True).first(),
    }


class MotionDetail(MotionOut):
    ballots: list[BallotRow]


def _item(request, item_id) -> AgendaItem:
    item = get_object_or_404(AgendaItem.objects.select_related("meeting", "meeting__council"), pk=item_id)
    if not visibility.can_see_meeting(request.user, item.meeting) or not visibility.can_see_item(
        request.user, item
    ):
        raise Http404
    return item


def _motion(request, motion_id) -> Motion:
    motion = get_object_or_404(
        Motion.objects.select_related("item", "item__meeting", "item__meeting__council"), pk=motion_id
    )
    if not q.can_see_motion(request.user, motion):
        raise Http404
    return motion


@router.get("/items/{item_id}/motions", response={200: list[MotionOut], **ERRORS})
def list_motions(request, item_id: int):
    return [_motion_out(m) for m in q.motions_for(request.user, _item(request, item_id))]


@router.post("/items/{item_id}/motions", response={201: MotionOut, **ERRORS})
def create_motion(request, item_id: int, payload: MotionIn):
    motion = va.create_motion(actor=request.user, item=_item(request, item_id), **payload.dict())
    return Status(201, _motion_out(motion))


@router.get("/motions/{motion_id}", response={200: MotionDetail, **ERRORS})
def get_motion(request, motion_id: int):
    motion = _motion(request, motion_id)
    return {**_motion_out(motion), "ballots": q.ballots_shown(motion)}


@router.patch("/motions/{motion_id}", response={200: MotionOut, **ERRORS})
def update_motion(request, motion_id: int, payload: MotionPatch):
    return _motion_out(
        va.update_motion(
            actor=request.user, motion=_motion(request, motion_id), **payload.dict(exclude_unset=True)
        )
    )


@router.post("/motions/{motion_id}/open", response={200: MotionOut, **ERRORS})
def open_voting(request, motion_id: int):
    return _motion_out(va.open_voting(actor=request.user, motion=_motion(request, motion_id)))


@router.post("/motions/{motion_id}/close", response={200: MotionOut, **ERRORS})
def close_voting(request, motion_id: int):
    return _motion_out(va.close_voting(actor=request.user, motion=_motion(request, motion_id)))


class BallotIn(Schema):
    choice: Choice
    seat: int | None = Field(
        None,
        ge=1,
        le=2**62,
        description="Your own seat by default; a proxied seat; or, for a manager, the seat whose open ballot is recorded.",
    )


class BallotOut(Schema):
    motion_id: int
    seat_id: int
    by_proxy: bool
    choice: str


def _ballot_out(motion, ballot) -> dict:
    return {
        "motion_id": motion.pk,
        "seat_id": ballot.seat_id,
        "by_proxy": ballot.by_proxy,
        "choice": "" if motion.secret else ballot.choice,
    }


@router.post("/motions/{motion_id}/ballots", response={201: BallotOut, **ERRORS})
def cast_ballot(request, motion_id: int, payload: BallotIn):
    motion = _motion(request, motion_id)
    ballot = va.cast_ballot(actor=request.user, motion=motion, choice=payload.choice, seat=payload.seat)
    return Status(201, _ballot_out(motion, ballot))


@router.put("/motions/{motion_id}/ballots", response={200: BallotOut, **ERRORS})
def change_ballot(request, motion_id: int, payload: BallotIn):
    motion = _motion(request, motion_id)
    ballot = va.change_ballot(actor=request.user, motion=motion, choice=payload.choice, seat=payload.seat)
    return _ballot_out(motion, ballot)


# --- resolutions and action items ---------------------------------------------------------------------
class ActionItemOut(Schema):
    id: int
    resolution_id: int
    title: str
    owner_kind: str
    owner_id: int | None
    owner_label: str
    owner_user_id: int | None
    due_on: date
    status: str
    progress: int
    completed_on: date | None
    is_overdue: bool


class ResolutionOut(Schema):
    id: int
    council_id: int
    meeting_id: int | None
    motion_id: int | None
    title: str
    text: str
    decided_on: date
    is_public: bool
    area_id: int


class ResolutionDetail(ResolutionOut):
    action_items: list[ActionItemOut]


class ResolutionFilter(Schema):
    area: int | None = Field(None, ge=1, le=2**62)
    council: int | None = Field(None, ge=1, le=2**62)


@router.get("/resolutions", response={200: PageOut[ResolutionOut], **ERRORS}, auth=None)
def list_resolutions(request, filters: Query[ResolutionFilter], params: Query[PageParams]):
    """Public accountability: anyone sees public resolutions; staff and members see their councils' too."""
    area = _area(filters.area) if filters.area else None
    council = get_object_or_404(Council, pk=filters.council) if filters.council else None
    return paginate(
        q.resolutions_for(request.user, area=area, council=council),
        params,
        ordering=q.RESOLUTION_ORDERING,
        name="api-resolutions",
    )


def _resolution(request, resolution_id) -> Resolution:
    resolution = get_object_or_404(Resolution.objects.select_related("council", "area"), pk=resolution_id)
    if not q.can_see_resolution(request.user, resolution):
        raise Http404
    return resolution


@router.get("/resolutions/{resolution_id}", response={200: ResolutionDetail, **ERRORS}, auth=None)
def get_resolution(request, resolution_id: int):
    resolution = _resolution(request, resolution_id)
    return {
        **ResolutionOut.from_orm(resolution).dict(),
        "action_items": list(resolution.action_items.order_by("due_on", "id")),
    }


class ResolutionIn(Schema):
    council: int = ID
    meeting: int | None = Field(None, ge=1, le=2**62)
    title: CleanStr = Field(..., min_length=1, max_length=200)
    text: CleanStr = Field(..., min_length=1, max_length=20000)
    decided_on: date
    is_public: bool = True


@router.post("/resolutions", response={201: ResolutionOut, **ERRORS})
def record_resolution(request, payload: ResolutionIn):
    council = get_object_or_404(Council, pk=payload.council)
    meeting = get_object_or_404(Meeting, pk=payload.meeting) if payload.meeting else None
    data = payload.dict(exclude={"council", "meeting"})
    return Status(201, oa.record_resolution(actor=request.user, council=council, meeting=meeting, **data))


class ActionItemIn(Schema):
    title: CleanStr = Field(..., min_length=1, max_length=200)
    owner_kind: ActionItem.OwnerKind
    owner_label: CleanStr = Field(..., min_length=1, max_length=120)
    owner_id: int | None = Field(None, ge=1, le=2**62)
    owner_user: int | None = Field(None, ge=1, le=2**62)
    due_on: date


class ActionItemPatch(Schema):
    title: CleanStr | None = Field(None, min_length=1, max_length=200)
    owner_kind: ActionItem.OwnerKind | None = None
    owner_label: CleanStr | None = Field(None, min_length=1, max_length=120)
    owner_id: int | None = Field(None, ge=1, le=2**62)
    owner_user: int | None = Field(None, ge=1, le=2**62)
    due_on: date | None = None


@router.post("/resolutions/{resolution_id}/action-items", response={201: ActionItemOut, **ERRORS})
def add_action_item(request, resolution_id: int, payload: ActionItemIn):
    return Status(
        201,
        oa.add_action_item(
            actor=request.user, resolution=_resolution(request, resolution_id), **payload.dict()
        ),
    )


# Before /action-items/{item_id}: Django resolves the first matching path.
@router.get("/action-items/mine", response={200: PageOut[ActionItemOut], **ERRORS})
def my_action_items(request, params: Query[PageParams]):
    return paginate(q.my_action_items(request.user), params, ordering=("due_on",), name="api-my-actions")


def _action_item(request, item_id) -> ActionItem:
    item = get_object_or_404(ActionItem.objects.select_related("resolution"), pk=item_id)
    if item.owner_user_id != request.user.pk:
        _resolution(request, item.resolution_id)
    return item


@router.patch("/action-items/{item_id}", response={200: ActionItemOut, **ERRORS})
def update_action_item(request, item_id: int, payload: ActionItemPatch):
    return oa.update_action_item(
        actor=request.user, item=_action_item(request, item_id), **payload.dict(exclude_unset=True)
    )


class ProgressIn(Schema):
    progress: int = Field(..., ge=0, le=100)
    note: CleanStr = Field(..., min_length=1, max_length=5000)


class ProgressOut(Schema):
    id: int
    progress: int
    note: str
    created_at: datetime


@router.post("/action-items/{item_id}/progress", response={201: ProgressOut, **ERRORS})
def report_progress(request, item_id: int, payload: ProgressIn):
    return Status(
        201, oa.report_progress(actor=request.user, item=_action_item(request, item_id), **payload.dict())
    )


class ReasonIn(Schema):
    reason: CleanStr = Field(..., min_length=1, max_length=500)


@router.post("/action-items/{item_id}/cancel", response={200: ActionItemOut, **ERRORS})
def cancel_action_item(request, item_id: int, payload: ReasonIn):
    return oa.cancel_action_item(
        actor=request.user, item=_action_item(request, item_id), reason=payload.reason
    )


# --- agreements --------------------------------------------------------------------------------------------
class CommitmentIn(Schema):
    side: AgreementItem.Side
    description: CleanStr = Field(..., min_length=1, max_length=200)
    quantity: Decimal = Field(..., description="Zero or more, two decimals at most.")
    unit: CleanStr = Field("", max_length=20)
    period: CleanStr = Field("", max_length=40)


class CommitmentOut(Schema):
    id: int
    side: str
    description: str
    quantity: Decimal
    unit: str
    period: str
    delivered: Decimal
    share: str | None = Field(None, description="Delivered ÷ committed, one decimal, half-up.")


class AgreementIn(Schema):
    area: int = ID
    title: CleanStr = Field(..., min_length=1, max_length=200)
    counterparty_kind: Agreement.Party
    counterparty_label: CleanStr = Field(..., min_length=1, max_length=120)
    counterparty_id: int | None = Field(None, ge=1, le=2**62)
    community_signatory: CleanStr = Field(..., min_length=1, max_length=60)
    counterparty_signatory: CleanStr = Field(..., min_length=1, max_length=60)
    starts_on: date
    ends_on: date
    items: list[CommitmentIn] = Field(..., min_length=1, max_length=40)


class AgreementOut(Schema):
    id: int
    area_id: int
    title: str
    counterparty_kind: str
    counterparty_label: str
    community_signatory: str
    counterparty_signatory: str
    signed_on: date | None
    starts_on: date
    ends_on: date
    state: str
    renewal_of_id: int | None
    commitments: list[CommitmentOut] = []
    delivery_share: str | None = None


def _agreement_out(a: Agreement) -> Agreement:
    return q.delivery_status([a])[0]


class AgreementFilter(Schema):
    area: int = ID
    state: Agreement.State | None = None


@router.get("/agreements", response={200: PageOut[AgreementOut], **ERRORS})
def list_agreements(request, filters: Query[AgreementFilter], params: Query[PageParams]):
    area = _area(filters.area)
    policy.require(request.user, MANAGE, area=area)
    page = paginate(
        q.agreements_in(area, state=filters.state),
        params,
        ordering=q.AGREEMENT_ORDERING,
        name="api-agreements",
    )
    q.delivery_status(page["items"])
    return page


@router.post("/agreements", response={201: AgreementOut, **ERRORS})
def create_agreement(request, payload: AgreementIn):
    data = payload.dict(exclude={"area", "items"})
    items = [i.dict() for i in payload.items]
    return Status(
        201,
        _agreement_out(
            oa.create_agreement(actor=request.user, area=_area(payload.area), items=items, **data)
        ),
    )


def _agreement(request, agreement_id) -> Agreement:
    agreement = get_object_or_404(Agreement.objects.select_related("area"), pk=agreement_id)
    policy.require(request.user, MANAGE, area=agreement.area)
    return agreement


@router.get("/agreements/{agreement_id}", response={200: AgreementOut, **ERRORS})
def get_agreement(request, agreement_id: int):
    return _agreement_out(_agreement(request, agreement_id))


class SignIn(Schema):
    signed_on: date


@router.post("/agreements/{agreement_id}/sign", response={200: AgreementOut, **ERRORS})
def sign_agreement(request, agreement_id: int, payload: SignIn):
    return _agreement_out(
        oa.sign_agreement(
            actor=request.user, agreement=_agreement(request, agreement_id), signed_on=payload.signed_on
        )
    )


class DeliveryIn(Schema):
    item: int = ID
    delivered_on: date
    quantity: Decimal
    note: CleanStr = Field("", max_length=2000)


class DeliveryOut(Schema):
    id: int
    item_id: int
    delivered_on: date
    quantity: Decimal
    note: str


@router.post("/agreements/{agreement_id}/deliveries", response={201: DeliveryOut, **ERRORS})
def record_delivery(request, agreement_id: int, payload: DeliveryIn):
    agreement = _agreement(request, agreement_id)
    item = get_object_or_404(AgreementItem, pk=payload.item, agreement=agreement)
    return Status(201, oa.record_delivery(actor=request.user, item=item, **payload.dict(exclude={"item"})))


class RenewIn(Schema):
    starts_on: date
    ends_on: date


@router.post("/agreements/{agreement_id}/renew", response={201: AgreementOut, **ERRORS})
def renew_agreement(request, agreement_id: int, payload: RenewIn):
    return Status(
        201,
        _agreement_out(
            oa.renew_agreement(
                actor=request.user, agreement=_agreement(request, agreement_id), **payload.dict()
            )
        ),
    )


@router.post("/agreements/{agreement_id}/terminate", response={200: AgreementOut, **ERRORS})
def terminate_agreement(request, agreement_id: int, payload: ReasonIn):
    return _agreement_out(
        oa.terminate_agreement(
            actor=request.user, agreement=_agreement(request, agreement_id), reason=payload.reason
        )
    )


# --- proposals ---------------------------------------------------------------------------------------------
class ProposalOut(Schema):
    id: int
    area_id: int
    proposer_id: int
    title: str
    body: str
    state: str
    threshold: int
    support_count: int
    agenda_item_id: int | None
    outcome: str
    created_at: datetime


class ProposalFilter(Schema):
    area: int = ID
    state: Proposal.State | None = None


@router.get("/proposals", response={200: PageOut[ProposalOut], **ERRORS})
def list_proposals(request, filters: Query[ProposalFilter], params: Query[PageParams]):
    area = _area(filters.area)
    policy.require(request.user, pa.PROPOSE, area=area)
    return paginate(
        q.proposals_in(area, state=filters.state), params, ordering=q.PROPOSAL_ORDERING, name="api-proposals"
    )


class ProposalIn(Schema):
    area: int = ID
    title: CleanStr = Field(..., min_length=1, max_length=200)
    body: CleanStr = Field(..., min_length=1, max_length=20000)


@router.post("/proposals", response={201: ProposalOut, **ERRORS})
def submit_proposal(request, payload: ProposalIn):
    return Status(
        201,
        pa.submit_proposal(
            actor=request.user, area=_area(payload.area), title=payload.title, body=payload.body
        ),
    )


def _proposal(request, proposal_id) -> Proposal:
    proposal = get_object_or_404(Proposal.objects.select_related("area"), pk=proposal_id)
    if proposal.proposer_id != request.user.pk and not policy.can(
        request.user, pa.PROPOSE, area=proposal.area
    ):
        raise Http404
    return proposal


@router.get("/proposals/{proposal_id}", response={200: ProposalOut, **ERRORS})
def get_proposal(request, proposal_id: int):
    return _proposal(request, proposal_id)


@router.post("/proposals/{proposal_id}/support", response={200: ProposalOut, **ERRORS})
def support_proposal(request, proposal_id: int):
    return pa.support_proposal(actor=request.user, proposal=_proposal(request, proposal_id))


@router.post("/proposals/{proposal_id}/withdraw", response={200: ProposalOut, **ERRORS})
def withdraw_proposal(request, proposal_id: int):
    return pa.withdraw_proposal(actor=request.user, proposal=_proposal(request, proposal_id))


class DecideIn(Schema):
    outcome: CleanStr = Field(..., min_length=1, max_length=5000)
    taken_up: bool = True


@router.post("/proposals/{proposal_id}/decide", response={200: ProposalOut, **ERRORS})
def decide_proposal(request, proposal_id: int, payload: DecideIn):
    return pa.decide_proposal(actor=request.user, proposal=_proposal(request, proposal_id), **payload.dict())


class SettingIn(Schema):
    support_threshold: int = Field(..., ge=1, le=100000)
    council: int | None = Field(None, ge=1, le=2**62)


class SettingOut(Schema):
    area_id: int
    support_threshold: int
    council_id: int | None


@router.put("/proposal-settings/{area_id}", response={200: SettingOut, **ERRORS})
def save_setting(request, area_id: int, payload: SettingIn):
    council = get_object_or_404(Council, pk=payload.council) if payload.council else None
    return pa.save_proposal_setting(
        actor=request.user, area=_area(area_id), support_threshold=payload.support_threshold, council=council
    )


from .api_elections import router as elections_router  # noqa: E402 - after this router exists

router.add_router("", elections_router)
