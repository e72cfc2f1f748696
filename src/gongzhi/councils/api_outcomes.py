"""API of votes, resolutions and action items, agreements and proposals (/councils-outcomes/); elections in api_elections.

Every action of those parts is an operation here, calling the same action functions as the pages.
Confidential items: motions on an item outside the caller's audience answer 404, as if absent.
"""

from django.http import Http404
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Status

from gongzhi.areas.models import Area
from gongzhi.core import policy
from gongzhi.core.api_schemas import ERRORS, PageOut, PageParams, paginate

from . import queries_outcomes as q
from . import visibility
from .actions import MANAGE
from .actions import outcomes as oa
from .actions import proposals as pa
from .actions import votes as va
from .api_outcomes_schemas import (
    ActionItemIn,
    ActionItemOut,
    ActionItemPatch,
    AgreementFilter,
    AgreementIn,
    AgreementOut,
    BallotIn,
    BallotOut,
    DecideIn,
    DeliveryIn,
    DeliveryOut,
    MotionDetail,
    MotionIn,
    MotionOut,
    MotionPatch,
    ProgressIn,
    ProgressOut,
    ProposalFilter,
    ProposalIn,
    ProposalOut,
    ReasonIn,
    RenewIn,
    ResolutionDetail,
    ResolutionFilter,
    ResolutionIn,
    ResolutionOut,
    SettingIn,
    SettingOut,
    SignIn,
)
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

router = Router(tags=["councils: votes, resolutions, agreements, proposals, elections"])


def _area(area_id) -> Area:
    return get_object_or_404(Area, pk=area_id)


# --- motions ---------------------------------------------------------------------------------------------
def _motion_out(m: Motion) -> dict:
    return {
        **{k: getattr(m, k) for k in MotionOut.model_fields if hasattr(m, k) and k != "resolution_id"},
        "resolution_id": Resolution.objects.filter(motion=m).values_list("pk", flat=True).first(),
    }


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


@router.post("/resolutions", response={201: ResolutionOut, **ERRORS})
def record_resolution(request, payload: ResolutionIn):
    council = get_object_or_404(Council, pk=payload.council)
    meeting = get_object_or_404(Meeting, pk=payload.meeting) if payload.meeting else None
    data = payload.dict(exclude={"council", "meeting"})
    return Status(201, oa.record_resolution(actor=request.user, council=council, meeting=meeting, **data))


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


@router.post("/action-items/{item_id}/progress", response={201: ProgressOut, **ERRORS})
def report_progress(request, item_id: int, payload: ProgressIn):
    return Status(
        201, oa.report_progress(actor=request.user, item=_action_item(request, item_id), **payload.dict())
    )


@router.post("/action-items/{item_id}/cancel", response={200: ActionItemOut, **ERRORS})
def cancel_action_item(request, item_id: int, payload: ReasonIn):
    return oa.cancel_action_item(
        actor=request.user, item=_action_item(request, item_id), reason=payload.reason
    )


# --- agreements --------------------------------------------------------------------------------------------
def _agreement_out(a: Agreement) -> Agreement:
    return q.delivery_status([a])[0]


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


@router.post("/agreements/{agreement_id}/sign", response={200: AgreementOut, **ERRORS})
def sign_agreement(request, agreement_id: int, payload: SignIn):
    return _agreement_out(
        oa.sign_agreement(
            actor=request.user, agreement=_agreement(request, agreement_id), signed_on=payload.signed_on
        )
    )


@router.post("/agreements/{agreement_id}/deliveries", response={201: DeliveryOut, **ERRORS})
def record_delivery(request, agreement_id: int, payload: DeliveryIn):
    agreement = _agreement(request, agreement_id)
    item = get_object_or_404(AgreementItem, pk=payload.item, agreement=agreement)
    return Status(201, oa.record_delivery(actor=request.user, item=item, **payload.dict(exclude={"item"})))


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
@router.get("/proposals", response={200: PageOut[ProposalOut], **ERRORS})
def list_proposals(request, filters: Query[ProposalFilter], params: Query[PageParams]):
    area = _area(filters.area)
    policy.require(request.user, pa.PROPOSE, area=area)
    return paginate(
        q.proposals_in(area, state=filters.state), params, ordering=q.PROPOSAL_ORDERING, name="api-proposals"
    )


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


@router.post("/proposals/{proposal_id}/decide", response={200: ProposalOut, **ERRORS})
def decide_proposal(request, proposal_id: int, payload: DecideIn):
    return pa.decide_proposal(actor=request.user, proposal=_proposal(request, proposal_id), **payload.dict())


@router.put("/proposal-settings/{area_id}", response={200: SettingOut, **ERRORS})
def save_setting(request, area_id: int, payload: SettingIn):
    council = get_object_or_404(Council, pk=payload.council) if payload.council else None
    return pa.save_proposal_setting(
        actor=request.user, area=_area(area_id), support_threshold=payload.support_threshold, council=council
    )


from .api_elections import router as elections_router  # noqa: E402 - after this router exists

router.add_router("", elections_router)
