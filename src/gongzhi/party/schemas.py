"""Schemas of the party API (/api/v1/party/)."""

import datetime as dt
from decimal import Decimal

from ninja import Schema
from pydantic import Field

from gongzhi.core.strings import CleanStr


class Ok(Schema):
    id: int


class OrgOut(Schema):
    id: int
    name: str
    kind: str
    area_id: int
    parent_id: int | None
    stationed_unit_id: int | None
    social_organization_id: int | None
    council_id: int | None
    secretary_name: str


class OrgIn(Schema):
    name: CleanStr = Field(..., max_length=120)
    kind: str
    area_id: int
    parent_id: int | None = None
    stationed_unit_id: int | None = None
    social_organization_id: int | None = None
    secretary_name: CleanStr = Field("", max_length=60)


class SeatOut(Schema):
    id: int
    holder_name: str
    position: str
    tenure: str
    represents: str
    represents_label: str
    term_start: dt.date
    term_end: dt.date | None


class SeatIn(Schema):
    holder_name: CleanStr = Field("", max_length=60)
    holder_user_id: int | None = None
    position: str = "member"
    tenure: str = "part_time"
    represents: str = "party_organization"
    represents_label: CleanStr = Field("", max_length=120)
    term_start: dt.date
    term_end: dt.date | None = None


class OrgDetailOut(OrgOut):
    seats: list[SeatOut]
    structure: dict[str, list[OrgOut]] | None = None


class MemberOut(Schema):
    id: int
    name: str
    status: str
    organization_id: int
    workplace_organization_id: int | None
    workplace_name: str
    area_id: int
    skills: str
    service_wishes: str


class MemberIn(Schema):
    person_id: int
    organization_id: int
    status: str
    home_area_id: int
    workplace_organization_id: int | None = None
    workplace_name: CleanStr = Field("", max_length=120)
    skills: CleanStr = Field("", max_length=300)
    service_wishes: CleanStr = Field("", max_length=300)


class ReportInIn(Schema):
    receiving_id: int
    contact_phone: CleanStr = Field(..., max_length=30)
    workplace_name: CleanStr = Field("", max_length=120)
    skills: CleanStr = Field("", max_length=300)
    service_wishes: CleanStr = Field("", max_length=300)


class ReportOut(Schema):
    id: int
    member_id: int
    receiving_id: int
    workplace_organization_id: int | None
    workplace_name: str
    state: str
    submitted_at: dt.datetime
    receipt_number: str | None = None


class ReceiptOut(Schema):
    id: int
    number: str
    report_id: int
    member_name: str
    receiving: str
    issued_at: dt.datetime
    acknowledged_at: dt.datetime | None


class ReasonIn(Schema):
    reason: CleanStr = Field(..., max_length=300)


class ResourceSpec(Schema):
    kind: str
    title: CleanStr = Field(..., max_length=160)
    capacity: int = Field(..., ge=1)
    available_from: dt.datetime
    available_until: dt.datetime
    description: CleanStr = Field("", max_length=5000)
    unit: CleanStr = Field("", max_length=20)


class UnitReportIn(Schema):
    organization_id: int
    receiving_id: int
    year: int
    contact_person: CleanStr = Field(..., max_length=60)
    contact_phone: CleanStr = Field(..., max_length=30)
    tasks: CleanStr = Field(..., max_length=3000)
    resources: list[ResourceSpec] = []


class UnitReportOut(Schema):
    id: int
    organization_id: int
    receiving_id: int
    year: int
    state: str
    resource_ids: list[int]


class ServiceIn(Schema):
    member_id: int
    served_on: dt.date
    hours: Decimal
    description: CleanStr = Field(..., max_length=300)
    kind: str = "service"


class QuarterIn(Schema):
    year: int
    quarter: int


class StatsOut(Schema):
    area: str
    year: int
    quarter: int | None
    in_service: int
    reported: int
    active: int
    report_rate: Decimal | None
    participation_rate: Decimal | None


class RepSeatIn(Schema):
    holder_name: CleanStr = Field(..., max_length=60)
    represents: str
    represents_label: CleanStr = Field("", max_length=120)
    term_start: dt.date
    term_end: dt.date | None = None


class EndSeatIn(Schema):
    on: dt.date


class TaskIn(Schema):
    organization_id: int
    title: CleanStr = Field(..., max_length=160)
    due_on: dt.date
    description: CleanStr = Field("", max_length=5000)
    goal: CleanStr = Field("", max_length=200)
    audience: str = "both"


class SignupIn(Schema):
    unit_organization_id: int | None = None


class NoteIn(Schema):
    note: CleanStr = Field(..., max_length=300)


class HonourIn(Schema):
    awarded_by_id: int
    year: int
    title: CleanStr = Field(..., max_length=120)
    organization_id: int | None = None
    member_id: int | None = None
    citation: CleanStr = Field("", max_length=3000)


class HonourOut(Schema):
    id: int
    year: int
    title: str
    state: str
    recipient: str
    citation: str


class YearIn(Schema):
    year: int


class ActIn(Schema):
    act: int
    done_on: dt.date
    evidence: CleanStr = Field(..., max_length=300)


class ViolationIn(Schema):
    member_id: int
    dont: int
    occurred_on: dt.date
    description: CleanStr = Field(..., max_length=300)


class ResponseIn(Schema):
    response: CleanStr = Field(..., max_length=3000)


class SchemeIn(Schema):
    year: int
    base_points: Decimal
    manual_cap: Decimal = Decimal(10)
    rules: dict[str, tuple[Decimal, Decimal | None]]


class ManualPointsIn(Schema):
    member_id: int
    year: int
    points: Decimal
    reason: CleanStr = Field(..., max_length=300)


class HandbookOut(Schema):
    year: int
    base: Decimal
    total: Decimal
    entries: list[dict]


class PetitionIn(Schema):
    kind: str
    title: CleanStr = Field(..., max_length=160)
    body: CleanStr = Field(..., max_length=5000)
    organization_id: int | None = None


class PetitionOut(Schema):
    id: int
    kind: str
    organization_id: int
    title: str
    state: str
    submitted_at: dt.datetime
    due_at: dt.datetime
    overdue: bool
    answer: str


class AnswerIn(Schema):
    answer: CleanStr = Field(..., max_length=5000)


class ItemIn(Schema):
    title: CleanStr = Field(..., max_length=200)
    category: str


class MeetingIn(Schema):
    title: CleanStr = Field(..., max_length=160)
    starts_at: dt.datetime
    ends_at: dt.datetime
    place: CleanStr = Field("", max_length=200)
    items: list[ItemIn] = []


class MajorMatterIn(Schema):
    title: CleanStr = Field(..., max_length=200)
    motion_text: CleanStr = Field(..., max_length=3000)
    starts_at: dt.datetime
    ends_at: dt.datetime
    place: CleanStr = Field("", max_length=200)


class MajorMatterOut(Schema):
    id: int
    meeting_id: int
    item_id: int
    motion_id: int


class DeliberationIn(Schema):
    month: CleanStr = Field(..., max_length=7)
    topic: CleanStr = Field(..., max_length=200)
    participants: int
    conclusions: CleanStr = Field("", max_length=5000)


class AssessmentIn(Schema):
    opinion_organization_id: int
    kind: str
    leader_name: CleanStr = Field(..., max_length=60)
    leader_position: CleanStr = Field(..., max_length=120)
    unit_name: CleanStr = Field(..., max_length=120)


class AssessmentOut(Schema):
    id: int
    state: str
    opinion: str
    waiver_reason: str
    result: str


class TextIn(Schema):
    text: CleanStr = Field(..., max_length=5000)


class ReceptionIn(Schema):
    host_name: CleanStr = Field(..., max_length=60)
    starts_at: dt.datetime
    ends_at: dt.datetime
    place: CleanStr = Field(..., max_length=200)
    capacity: int
    kind: str = "reception"


class BookIn(Schema):
    matter: CleanStr = Field(..., max_length=300)


class PledgeIn(Schema):
    text: CleanStr = Field(..., max_length=300)
    due_on: dt.date


class FulfilIn(Schema):
    fulfilment: CleanStr = Field(..., max_length=300)


class MilestoneIn(Schema):
    title: CleanStr = Field(..., max_length=160)
    due_on: dt.date


class ProjectIn(Schema):
    title: CleanStr = Field(..., max_length=160)
    goal: CleanStr = Field(..., max_length=5000)
    methods: list[str] = []
    participant_ids: list[int] = []
    milestones: list[MilestoneIn] = []


class ResultsIn(Schema):
    results: CleanStr = Field(..., max_length=5000)
    evidence: CleanStr = Field("", max_length=5000)


class CoverageOut(Schema):
    units: list[str]
    organizations: list[str]
    compounds: list[str]
    inactive: list[str]
