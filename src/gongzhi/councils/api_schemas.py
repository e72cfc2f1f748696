"""Request and response schemas of the councils API (councils/api.py): bodies, seats, meetings, agenda,
invitations and attendance, minutes and the calendar feed."""

import datetime as dt

from ninja import Schema
from pydantic import Field

from gongzhi.core.strings import CleanStr

from .models import AgendaItem, Council, Invitation, Meeting, Seat
from .models.bodies import Threshold

ID = Field(..., ge=1, le=2**62)


# --- councils ------------------------------------------------------------------------------------------
class CompositionRule(Schema):
    represents: list[Seat.Represents]
    min: list[int] | None = Field(None, min_length=2, max_length=2)
    max: list[int] | None = Field(None, min_length=2, max_length=2)
    inclusive: bool = True
    label: CleanStr = Field("", max_length=120)


class CouncilOut(Schema):
    id: int
    kind: Council.Kind
    name: str
    purpose: str
    area_id: int
    clerk_id: int | None = None
    quorum_numerator: int
    quorum_denominator: int
    quorum_inclusive: bool
    default_threshold: Threshold
    proxies_allowed: bool
    composition_rules: list[dict]
    roster_published_at: dt.datetime | None = None
    is_public: bool
    is_active: bool


class CouncilIn(Schema):
    area: int = ID
    kind: Council.Kind
    name: CleanStr = Field(..., min_length=1, max_length=120)
    purpose: CleanStr = Field("", max_length=4000)
    clerk: int | None = Field(None, ge=1, le=2**62, description="User id of the clerk.")
    quorum_numerator: int = Field(1, ge=0, le=100)
    quorum_denominator: int = Field(2, ge=1, le=100)
    quorum_inclusive: bool = False
    default_threshold: Threshold = Threshold.MAJORITY_OF_PRESENT
    proxies_allowed: bool = False
    composition_rules: list[CompositionRule] = []
    is_public: bool = True


class CouncilPatch(Schema):
    kind: Council.Kind | None = None
    name: CleanStr | None = Field(None, min_length=1, max_length=120)
    purpose: CleanStr | None = Field(None, max_length=4000)
    clerk: int | None = Field(None, ge=1, le=2**62)
    quorum_numerator: int | None = Field(None, ge=0, le=100)
    quorum_denominator: int | None = Field(None, ge=1, le=100)
    quorum_inclusive: bool | None = None
    default_threshold: Threshold | None = None
    proxies_allowed: bool | None = None
    composition_rules: list[CompositionRule] | None = None
    is_public: bool | None = None
    is_active: bool | None = None


class CompositionOut(Schema):
    text: str
    holds: bool


# --- seats ----------------------------------------------------------------------------------------------
class SeatOut(Schema):
    id: int
    council_id: int
    holder_user_id: int | None = None
    holder_name: str
    position: Seat.Position
    represents: Seat.Represents
    represents_id: int | None = None
    represents_label: str
    tenure: Seat.Tenure
    term_start: dt.date
    term_end: dt.date | None = None
    may_vote: bool


class SeatIn(Schema):
    holder_user: int | None = Field(None, ge=1, le=2**62)
    holder_name: CleanStr = Field("", max_length=60)
    position: Seat.Position = Seat.Position.MEMBER
    represents: Seat.Represents
    represents_id: int | None = Field(None, ge=1, le=2**62)
    represents_label: CleanStr = Field("", max_length=120)
    tenure: Seat.Tenure = Seat.Tenure.PART_TIME
    term_start: dt.date
    term_end: dt.date | None = None
    may_vote: bool = True


class SeatPatch(Schema):
    holder_user: int | None = Field(None, ge=1, le=2**62)
    holder_name: CleanStr | None = Field(None, max_length=60)
    position: Seat.Position | None = None
    represents: Seat.Represents | None = None
    represents_label: CleanStr | None = Field(None, max_length=120)
    tenure: Seat.Tenure | None = None
    term_start: dt.date | None = None
    term_end: dt.date | None = None
    may_vote: bool | None = None


class EndSeatIn(Schema):
    on: dt.date


# --- meetings -------------------------------------------------------------------------------------------
class MeetingOut(Schema):
    id: int
    council_id: int
    kind: Meeting.Kind
    title: str
    subject_type: str
    subject_id: int | None = None
    subject_label: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    place: str
    online_link: str
    capacity: int | None = None
    registered_count: int
    registration_open: bool
    is_public: bool
    state: Meeting.State
    minutes_state: Meeting.MinutesState
    uid: str
    sequence: int

    @staticmethod
    def resolve_uid(obj):
        return str(obj.uid)


class MeetingIn(Schema):
    kind: Meeting.Kind = Meeting.Kind.ORDINARY
    title: CleanStr = Field(..., min_length=1, max_length=160)
    subject_type: CleanStr = Field("", max_length=40)
    subject_id: int | None = Field(None, ge=1, le=2**62)
    subject_label: CleanStr = Field("", max_length=200)
    starts_at: dt.datetime
    ends_at: dt.datetime
    place: CleanStr = Field("", max_length=200)
    online_link: CleanStr = Field("", max_length=200)
    capacity: int | None = Field(None, ge=1, le=1_000_000)
    registration_open: bool = False
    is_public: bool = True


class MeetingPatch(Schema):
    kind: Meeting.Kind | None = None
    title: CleanStr | None = Field(None, min_length=1, max_length=160)
    subject_type: CleanStr | None = Field(None, max_length=40)
    subject_id: int | None = Field(None, ge=1, le=2**62)
    subject_label: CleanStr | None = Field(None, max_length=200)
    starts_at: dt.datetime | None = None
    ends_at: dt.datetime | None = None
    place: CleanStr | None = Field(None, max_length=200)
    online_link: CleanStr | None = Field(None, max_length=200)
    capacity: int | None = Field(None, ge=1, le=1_000_000)
    registration_open: bool | None = None
    is_public: bool | None = None


class MeetingFilter(Schema):
    council: int | None = Field(None, ge=1, le=2**62)
    area: int | None = Field(None, ge=1, le=2**62)
    kind: Meeting.Kind | None = None
    upcoming: bool | None = None


class ReasonIn(Schema):
    reason: CleanStr = Field("", max_length=500)


# --- agenda ---------------------------------------------------------------------------------------------
class AgendaEntryOut(Schema):
    id: int
    order: int
    confidential: bool
    visible: bool = Field(..., description="False: the item exists but is outside your audience; no content.")
    title: str = ""
    description: str = ""
    duration_minutes: int | None = None
    audience: AgendaItem.Audience | None = None
    category: AgendaItem.Category | None = None
    papers: list[dict] = []


class AgendaItemIn(Schema):
    title: CleanStr = Field(..., min_length=1, max_length=200)
    description: CleanStr = Field("", max_length=10000)
    duration_minutes: int = Field(15, ge=1, le=1440)
    order: int | None = Field(None, ge=1, le=999)
    audience: CleanStr = Field(AgendaItem.Audience.EVERYONE, max_length=40)
    named_users: list[int] = []
    category: AgendaItem.Category = AgendaItem.Category.GENERAL
    source_type: CleanStr = Field("", max_length=40)
    source_id: int | None = Field(None, ge=1, le=2**62)


class AgendaItemPatch(Schema):
    title: CleanStr | None = Field(None, min_length=1, max_length=200)
    description: CleanStr | None = Field(None, max_length=10000)
    duration_minutes: int | None = Field(None, ge=1, le=1440)
    order: int | None = Field(None, ge=1, le=999)
    audience: CleanStr | None = Field(None, max_length=40)
    named_users: list[int] | None = None
    category: AgendaItem.Category | None = None


# --- invitations, registration, attendance ----------------------------------------------------------
class InvitationOut(Schema):
    id: int
    meeting_id: int
    user_id: int | None = None
    seat_id: int | None = None
    name: str
    party_label: str
    response: Invitation.Response


class InviteIn(Schema):
    user: int | None = Field(None, ge=1, le=2**62)
    name: CleanStr = Field("", max_length=60)
    party_label: CleanStr = Field("", max_length=60)


class AnswerIn(Schema):
    response: Invitation.Response


class CheckInIn(Schema):
    user: int | None = Field(
        None, ge=1, le=2**62, description="Omit both user and seat to check yourself in."
    )
    seat: int | None = Field(None, ge=1, le=2**62)
    name: CleanStr = Field("", max_length=60)
    proxy_for: int | None = Field(None, ge=1, le=2**62)


class AttendanceOut(Schema):
    id: int
    name: str
    seat_id: int | None = None
    user_id: int | None = None
    proxy_for_id: int | None = None
    checked_in_at: dt.datetime


class QuorumOut(Schema):
    members: int
    present: int
    met: bool
    numerator: int
    denominator: int
    inclusive: bool


# --- minutes ----------------------------------------------------------------------------------------------
class MinutesIn(Schema):
    text: CleanStr | None = Field(None, max_length=100_000)
    sections: dict[int, CleanStr] = Field({}, description="Agenda item id → that item's part of the minutes.")


class MinutesSectionOut(Schema):
    item_id: int
    order: int
    title: str
    text: str


class MinutesOut(Schema):
    state: Meeting.MinutesState
    text: str
    sections: list[MinutesSectionOut]


# --- calendar feed --------------------------------------------------------------------------------------
class FeedOut(Schema):
    key: str
    mine_url: str
