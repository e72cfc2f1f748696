"""Request and response schemas of the outcomes API (councils/api_outcomes.py): motions and ballots,
resolutions and action items, agreements and proposals."""

from datetime import date, datetime
from decimal import Decimal

from ninja import Schema
from pydantic import Field

from gongzhi.core.strings import CleanStr

from .models import ActionItem, Agreement, AgreementItem, Proposal
from .models.bodies import Threshold
from .models.votes import Choice

ID = Field(..., ge=1, le=2**62)


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


class MotionDetail(MotionOut):
    ballots: list[BallotRow]


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


class ResolutionIn(Schema):
    council: int = ID
    meeting: int | None = Field(None, ge=1, le=2**62)
    title: CleanStr = Field(..., min_length=1, max_length=200)
    text: CleanStr = Field(..., min_length=1, max_length=20000)
    decided_on: date
    is_public: bool = True


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


class ProgressIn(Schema):
    progress: int = Field(..., ge=0, le=100)
    note: CleanStr = Field(..., min_length=1, max_length=5000)


class ProgressOut(Schema):
    id: int
    progress: int
    note: str
    created_at: datetime


class ReasonIn(Schema):
    reason: CleanStr = Field(..., min_length=1, max_length=500)


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


class AgreementFilter(Schema):
    area: int = ID
    state: Agreement.State | None = None


class SignIn(Schema):
    signed_on: date


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


class RenewIn(Schema):
    starts_on: date
    ends_on: date


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


class ProposalIn(Schema):
    area: int = ID
    title: CleanStr = Field(..., min_length=1, max_length=200)
    body: CleanStr = Field(..., min_length=1, max_length=20000)


class DecideIn(Schema):
    outcome: CleanStr = Field(..., min_length=1, max_length=5000)
    taken_up: bool = True


class SettingIn(Schema):
    support_threshold: int = Field(..., ge=1, le=100000)
    council: int | None = Field(None, ge=1, le=2**62)


class SettingOut(Schema):
    area_id: int
    support_threshold: int
    council_id: int | None
