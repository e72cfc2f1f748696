"""Party API (/api/v1/party/): every party action as an operation, lists with keyset pages, figures."""

from typing import Annotated

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Query, Router
from pydantic import StringConstraints

from gongzhi.areas.models import Area, subtree_q
from gongzhi.core import policy
from gongzhi.core.api_schemas import ERRORS, PageOut, PageParams, paginate
from gongzhi.core.strings import CleanStr
from gongzhi.councils.models import Seat
from gongzhi.people.models import Person

from . import actions, queries
from . import permissions as P
from .actions._common import member_of
from .models import (
    Assessment,
    CommunityTask,
    Honour,
    PartyMember,
    PartyOrganization,
    PartyProject,
    Petition,
    Pledge,
    ProjectMilestone,
    Receipt,
    ReceptionDay,
    ReportIn,
    SixActsCommitment,
    TaskSignup,
    UnitReport,
    Violation,
)
from .schemas import (  # noqa: F401 - the schemas of this router
    ActIn,
    AnswerIn,
    AssessmentIn,
    AssessmentOut,
    BookIn,
    CoverageOut,
    DeliberationIn,
    EndSeatIn,
    FulfilIn,
    HandbookOut,
    HonourIn,
    HonourOut,
    ItemIn,
    MajorMatterIn,
    MajorMatterOut,
    ManualPointsIn,
    MeetingIn,
    MemberIn,
    MemberOut,
    MilestoneIn,
    NoteIn,
    Ok,
    OrgDetailOut,
    OrgIn,
    OrgOut,
    PetitionIn,
    PetitionOut,
    PledgeIn,
    ProjectIn,
    QuarterIn,
    ReasonIn,
    ReceiptOut,
    ReceptionIn,
    ReportInIn,
    ReportOut,
    RepSeatIn,
    ResourceSpec,
    ResponseIn,
    ResultsIn,
    SchemeIn,
    SeatIn,
    SeatOut,
    ServiceIn,
    SignupIn,
    StatsOut,
    TaskIn,
    TextIn,
    UnitReportIn,
    UnitReportOut,
    ViolationIn,
    YearIn,
)

# Query-string words (codes, kinds, states): short and free of control characters (PostgreSQL refuses NUL).
AreaCodeStr = Annotated[CleanStr, StringConstraints(max_length=40)]

router = Router(tags=["party"])


def area_by_code(code: str) -> Area:
    area = Area.objects.filter(Q(stat_code=code) | Q(gb2260=code)).first() if code else None
    if area is None:
        raise ValidationError({"area": _("Unknown area code.")})
    return area


def _org(pk) -> PartyOrganization:
    return get_object_or_404(PartyOrganization.objects.select_related("area", "parent", "council"), pk=pk)


def _me(request) -> PartyMember:
    m = member_of(request.user)
    if m is None:
        raise PermissionDenied("not a party member")
    return m


def _org_out(o):
    return OrgOut.from_orm(o)


# --- organizations ----------------------------------------------------------------------------------
@router.get("/organizations", response={200: PageOut[OrgOut], **ERRORS})
def list_organizations(request, params: Query[PageParams], kind: AreaCodeStr | None = None):
    policy.require(request.user, P.VIEW)
    qs = queries.organizations_for(request.user)
    if kind:
        qs = qs.filter(kind=kind)
    return paginate(qs, params, ordering=("id",), name="party.orgs")


@router.post("/organizations", response={201: OrgOut, **ERRORS})
def create_organization(request, data: OrgIn):
    from gongzhi.orgs.models import SocialOrganization, StationedUnit

    area = Area.objects.filter(pk=data.area_id).first()
    unit = StationedUnit.objects.filter(pk=data.stationed_unit_id).first() if data.stationed_unit_id else None
    soc = (
        SocialOrganization.objects.filter(pk=data.social_organization_id).first()
        if data.social_organization_id
        else None
    )
    org = actions.create_organization(
        actor=request.user,
        name=data.name,
        kind=data.kind,
        area=area,
        parent=data.parent_id,
        stationed_unit=unit,
        social_organization=soc,
        secretary_name=data.secretary_name,
    )
    return 201, org


@router.get("/organizations/{org_id}", response={200: OrgDetailOut, **ERRORS})
def get_organization(request, org_id: int):
    org = _org(org_id)
    if not P.can_view(request.user, org):
        raise PermissionDenied(P.VIEW)
    seats = list(org.council.seats.all()) if org.council_id else []
    out = OrgDetailOut(**OrgOut.from_orm(org).dict(), seats=[SeatOut.from_orm(s) for s in seats])
    if org.kind == PartyOrganization.Kind.WORKING_COMMITTEE:
        s = queries.one_plus_three(org)
        out.structure = {
            k: [_org_out(o) for o in s[k]]
            for k in ("administrative", "comprehensive", "residential", "other")
        }
    return out


@router.post("/organizations/{org_id}/seats", response={201: SeatOut, **ERRORS})
def add_committee_member(request, org_id: int, data: SeatIn):
    from gongzhi.accounts.models import User

    user = User.objects.filter(pk=data.holder_user_id).first() if data.holder_user_id else None
    seat = actions.add_committee_member(
        actor=request.user,
        organization=_org(org_id),
        holder_name=data.holder_name,
        holder_user=user,
        position=data.position,
        tenure=data.tenure,
        represents=data.represents,
        represents_label=data.represents_label,
        term_start=data.term_start,
        term_end=data.term_end,
    )
    return 201, seat


@router.post("/organizations/{org_id}/seats/{seat_id}/end", response={200: SeatOut, **ERRORS})
def end_committee_member(request, org_id: int, seat_id: int, data: EndSeatIn):
    return actions.end_committee_member(
        actor=request.user, organization=_org(org_id), seat=get_object_or_404(Seat, pk=seat_id), on=data.on
    )


# --- members ----------------------------------------------------------------------------------------
def _member_out(m):
    return MemberOut(
        id=m.pk,
        name=m.person.name,
        status=m.status,
        organization_id=m.organization_id,
        workplace_organization_id=m.workplace_organization_id,
        workplace_name=m.workplace_name,
        area_id=m.area_id,
        skills=m.skills,
        service_wishes=m.service_wishes,
    )


@router.get("/members", response={200: PageOut[MemberOut], **ERRORS})
def list_members(
    request,
    params: Query[PageParams],
    organization: int | None = None,
    status: str | None = None,
    area: int | None = None,
):
    if organization:
        org = _org(organization)
        if not P.can_manage(request.user, org):
            raise PermissionDenied(P.MANAGE)
        qs = PartyMember.objects.filter(organization=org)
    elif area:
        a = get_object_or_404(Area, pk=area)
        policy.require(request.user, P.MANAGE, area=a)
        qs = PartyMember.objects.filter(subtree_q("area_path", a.path))
    else:
        raise ValidationError({"organization": _("Give an organization or an area.")})
    if status:
        qs = qs.filter(status=status)
    page = paginate(qs.select_related("person"), params, ordering=("id",), name="party.members")
    page["items"] = [_member_out(m) for m in page["items"]]
    return page


@router.post("/members", response={201: MemberOut, **ERRORS})
def register_member(request, data: MemberIn):
    person = Person.objects.filter(pk=data.person_id).first()
    if person is None:
        raise ValidationError({"person_id": _("Unknown person.")})
    m = actions.register_member(
        actor=request.user,
        person=person,
        organization=_org(data.organization_id),
        status=data.status,
        home_area=Area.objects.filter(pk=data.home_area_id).first(),
        workplace_organization=data.workplace_organization_id,
        workplace_name=data.workplace_name,
        skills=data.skills,
        service_wishes=data.service_wishes,
    )
    return 201, _member_out(m)


# --- dual reporting ---------------------------------------------------------------------------------
def _report_out(r: ReportIn):
    receipt = getattr(r, "receipt", None) if r.state == ReportIn.State.ACCEPTED else None
    return ReportOut(
        id=r.pk,
        member_id=r.member_id,
        receiving_id=r.receiving_id,
        workplace_organization_id=r.workplace_organization_id,
        workplace_name=r.workplace_name,
        state=r.state,
        submitted_at=r.submitted_at,
        receipt_number=receipt.number if receipt else None,
    )


@router.post("/report-ins", response={201: ReportOut, **ERRORS})
def report_in(request, data: ReportInIn):
    member = _me(request)
    receiving = actions.supervision.org_or_error(data.receiving_id, "receiving_id")
    r = actions.report_in(
        actor=request.user,
        member=member,
        receiving=receiving,
        contact_phone=data.contact_phone,
        workplace_name=data.workplace_name,
        skills=data.skills,
        service_wishes=data.service_wishes,
    )
    return 201, _report_out(r)


@router.get("/report-ins", response={200: PageOut[ReportOut], **ERRORS})
def list_report_ins(request, params: Query[PageParams], receiving: int, state: AreaCodeStr | None = None):
    org = _org(receiving)
    if not P.can_manage(request.user, org):
        raise PermissionDenied(P.MANAGE)
    qs = ReportIn.objects.filter(receiving=org)
    if state:
        qs = qs.filter(state=state)
    page = paginate(qs, params, ordering=("-id",), name="party.reportins")
    page["items"] = [_report_out(r) for r in page["items"]]
    return page


@router.post("/report-ins/{report_id}/receipt", response={201: ReceiptOut, **ERRORS})
def issue_receipt(request, report_id: int):
    receipt = actions.issue_receipt(actor=request.user, report=get_object_or_404(ReportIn, pk=report_id))
    return 201, _receipt_out(receipt)


@router.post("/report-ins/{report_id}/return", response={200: ReportOut, **ERRORS})
def return_report(request, report_id: int, data: ReasonIn):
    return _report_out(
        actions.return_report(
            actor=request.user, report=get_object_or_404(ReportIn, pk=report_id), reason=data.reason
        )
    )


def _receipt_out(r: Receipt):
    return ReceiptOut(
        id=r.pk,
        number=r.number,
        report_id=r.report_id,
        member_name=r.report.member.person.name,
        receiving=r.report.receiving.name,
        issued_at=r.issued_at,
        acknowledged_at=r.acknowledged_at,
    )


@router.get("/receipts", response={200: PageOut[ReceiptOut], **ERRORS})
def list_receipts(request, params: Query[PageParams], workplace: int):
    org = _org(workplace)
    if not P.can_manage(request.user, org):
        raise PermissionDenied(P.MANAGE)
    page = paginate(queries.receipts_at_workplace(org), params, ordering=("-id",), name="party.receipts")
    page["items"] = [_receipt_out(r) for r in page["items"]]
    return page


@router.post("/receipts/{receipt_id}/acknowledge", response={200: ReceiptOut, **ERRORS})
def acknowledge_receipt(request, receipt_id: int):
    return _receipt_out(
        actions.acknowledge_receipt(actor=request.user, receipt=get_object_or_404(Receipt, pk=receipt_id))
    )


@router.post("/unit-reports", response={201: UnitReportOut, **ERRORS})
def submit_unit_report(request, data: UnitReportIn):
    r = actions.submit_unit_report(
        actor=request.user,
        organization=_org(data.organization_id),
        receiving=_org(data.receiving_id),
        year=data.year,
        contact_person=data.contact_person,
        contact_phone=data.contact_phone,
        tasks=data.tasks,
        resources=[s.dict() for s in data.resources],
    )
    return 201, _unit_out(r)


def _unit_out(r: UnitReport):
    return UnitReportOut(
        id=r.pk,
        organization_id=r.organization_id,
        receiving_id=r.receiving_id,
        year=r.year,
        state=r.state,
        resource_ids=list(r.resources.values_list("id", flat=True)),
    )


@router.post("/unit-reports/{report_id}/confirm", response={200: UnitReportOut, **ERRORS})
def confirm_unit_report(request, report_id: int):
    return _unit_out(
        actions.confirm_unit_report(actor=request.user, report=get_object_or_404(UnitReport, pk=report_id))
    )


@router.post("/service-records", response={201: Ok, **ERRORS})
def record_service(request, data: ServiceIn):
    member = get_object_or_404(PartyMember, pk=data.member_id)
    r = actions.record_service(
        actor=request.user,
        member=member,
        served_on=data.served_on,
        hours=data.hours,
        description=data.description,
        kind=data.kind,
    )
    return 201, {"id": r.pk}


@router.post("/organizations/{org_id}/statements", response={200: dict, **ERRORS})
def send_statements(request, org_id: int, data: QuarterIn):
    n = actions.send_quarterly_statements(
        actor=request.user, organization=_org(org_id), year=data.year, quarter=data.quarter
    )
    return {"members": n}


@router.get("/stats", response={200: StatsOut, **ERRORS})
def stats(request, area: AreaCodeStr, year: int, quarter: int | None = None):
    a = area_by_code(area)
    policy.require(request.user, P.VIEW, area=a)
    if quarter not in (None, 1, 2, 3, 4) or not 2000 <= year <= 2100:
        raise ValidationError({"year": _("Give a year between 2000 and 2100 and a quarter 1–4.")})
    r = queries.rates(a, year, quarter)
    return StatsOut(
        area=area,
        year=year,
        quarter=quarter,
        in_service=r["in_service"],
        reported=r["reported"],
        active=r["active"],
        report_rate=r["report_rate"],
        participation_rate=r["participation_rate"],
    )


@router.get("/coverage", response={200: CoverageOut, **ERRORS})
def coverage(request, area: AreaCodeStr, year: int):
    a = area_by_code(area)
    policy.require(request.user, P.MANAGE, area=a)
    c = queries.coverage(a, year)
    return CoverageOut(
        units=[u.name for u in c["units"]],
        organizations=[s.name for s in c["organizations"]],
        compounds=[x.name for x in c["compounds"]],
        inactive=[o.name for o in c["inactive"]],
    )


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


# --- six acts and points ----------------------------------------------------------------------------
@router.post("/commitments", response={201: Ok, **ERRORS})
def commit(request, data: YearIn):
    return 201, {"id": actions.commit_six_acts(actor=request.user, member=_me(request), year=data.year).pk}


@router.post("/commitments/{commitment_id}/acts", response={201: Ok, **ERRORS})
def record_act(request, commitment_id: int, data: ActIn):
    c = get_object_or_404(SixActsCommitment, pk=commitment_id)
    return 201, {
        "id": actions.record_six_act(
            actor=request.user, commitment=c, act=data.act, done_on=data.done_on, evidence=data.evidence
        ).pk
    }


@router.post("/violations", response={201: Ok, **ERRORS})
def record_violation(request, data: ViolationIn):
    m = get_object_or_404(PartyMember, pk=data.member_id)
    return 201, {
        "id": actions.record_violation(
            actor=request.user,
            member=m,
            dont=data.dont,
            occurred_on=data.occurred_on,
            description=data.description,
        ).pk
    }


@router.post("/violations/{violation_id}/response", response={200: Ok, **ERRORS})
def respond(request, violation_id: int, data: ResponseIn):
    return {
        "id": actions.respond_to_violation(
            actor=request.user,
            violation=get_object_or_404(Violation, pk=violation_id),
            response=data.response,
        ).pk
    }


@router.put("/organizations/{org_id}/points-scheme", response={200: Ok, **ERRORS})
def save_scheme(request, org_id: int, data: SchemeIn):
    s = actions.save_points_scheme(
        actor=request.user,
        organization=_org(org_id),
        year=data.year,
        base_points=data.base_points,
        rules=data.rules,
        manual_cap=data.manual_cap,
    )
    return {"id": s.pk}


@router.post("/points", response={201: Ok, **ERRORS})
def manual_points(request, data: ManualPointsIn):
    m = get_object_or_404(PartyMember, pk=data.member_id)
    return 201, {
        "id": actions.add_manual_points(
            actor=request.user, member=m, year=data.year, points=data.points, reason=data.reason
        ).pk
    }


@router.get("/members/{member_id}/handbook", response={200: HandbookOut, **ERRORS})
def handbook(request, member_id: int, year: int):
    m = get_object_or_404(PartyMember.objects.select_related("person", "organization"), pk=member_id)
    actions.practice.require_handbook_view(request.user, m)
    h = actions.handbook(m, year)
    entries = [
        {"kind": e.activity_kind, "points": str(e.points), "reason": e.reason, "at": e.created_at.isoformat()}
        for e in h["entries"]
    ]
    return HandbookOut(year=year, base=h["base"], total=h["total"], entries=entries)


# --- supervision ------------------------------------------------------------------------------------
def _petition_out(p):
    return PetitionOut.from_orm(p)


@router.post("/petitions", response={201: PetitionOut, **ERRORS})
def submit_petition(request, data: PetitionIn):
    p = actions.submit_petition(
        actor=request.user,
        member=_me(request),
        kind=data.kind,
        title=data.title,
        body=data.body,
        organization=data.organization_id,
    )
    return 201, _petition_out(p)


@router.get("/petitions", response={200: PageOut[PetitionOut], **ERRORS})
def list_petitions(request, params: Query[PageParams], organization: int | None = None):
    if organization:
        org = _org(organization)
        if not P.can_manage(request.user, org):
            raise PermissionDenied(P.MANAGE)
        qs = Petition.objects.filter(organization=org)
        if not P.is_secretary_of(request.user, org):
            qs = qs.exclude(kind__in=Petition.RESTRICTED)
    else:
        qs = Petition.objects.filter(submitter=request.user)
    return paginate(qs, params, ordering=("-id",), name="party.petitions")


@router.get("/petitions/{petition_id}", response={200: PetitionOut, **ERRORS})
def get_petition(request, petition_id: int):
    p = get_object_or_404(Petition.objects.select_related("organization"), pk=petition_id)
    if not actions.can_see_petition(request.user, p):
        raise Http404
    return _petition_out(p)


@router.post("/petitions/{petition_id}/answer", response={200: PetitionOut, **ERRORS})
def answer_petition(request, petition_id: int, data: AnswerIn):
    p = get_object_or_404(Petition, pk=petition_id)
    if not actions.can_see_petition(request.user, p):
        raise Http404
    return _petition_out(actions.answer_petition(actor=request.user, petition=p, answer=data.answer))


@router.post("/organizations/{org_id}/meetings", response={201: Ok, **ERRORS})
def convene(request, org_id: int, data: MeetingIn):
    m = actions.convene_committee_meeting(
        actor=request.user,
        organization=_org(org_id),
        title=data.title,
        starts_at=data.starts_at,
        ends_at=data.ends_at,
        place=data.place,
        items=[(i.title, i.category) for i in data.items],
    )
    return 201, {"id": m.pk}


@router.post("/organizations/{org_id}/major-matters", response={201: MajorMatterOut, **ERRORS})
def table_major_matter(request, org_id: int, data: MajorMatterIn):
    return 201, actions.table_major_matter(actor=request.user, organization=_org(org_id), **data.dict())


@router.post("/organizations/{org_id}/deliberations", response={201: Ok, **ERRORS})
def record_deliberation(request, org_id: int, data: DeliberationIn):
    return 201, {
        "id": actions.record_deliberation(actor=request.user, organization=_org(org_id), **data.dict()).pk
    }


@router.post("/assessments", response={201: AssessmentOut, **ERRORS})
def request_assessment(request, data: AssessmentIn):
    d = data.dict()
    org = _org(d.pop("opinion_organization_id"))
    return 201, actions.request_assessment_opinion(actor=request.user, opinion_organization=org, **d)


@router.post("/assessments/{assessment_id}/opinion", response={200: AssessmentOut, **ERRORS})
def give_opinion(request, assessment_id: int, data: TextIn):
    return actions.give_opinion(
        actor=request.user, assessment=get_object_or_404(Assessment, pk=assessment_id), opinion=data.text
    )


@router.post("/assessments/{assessment_id}/waive", response={200: AssessmentOut, **ERRORS})
def waive_opinion(request, assessment_id: int, data: ReasonIn):
    return actions.waive_opinion(
        actor=request.user, assessment=get_object_or_404(Assessment, pk=assessment_id), reason=data.reason
    )


@router.post("/assessments/{assessment_id}/complete", response={200: AssessmentOut, **ERRORS})
def complete_assessment(request, assessment_id: int, data: TextIn):
    return actions.complete_assessment(
        actor=request.user, assessment=get_object_or_404(Assessment, pk=assessment_id), result=data.text
    )


@router.post("/organizations/{org_id}/receptions", response={201: Ok, **ERRORS})
def schedule_reception(request, org_id: int, data: ReceptionIn):
    return 201, {
        "id": actions.schedule_reception(actor=request.user, organization=_org(org_id), **data.dict()).pk
    }


@router.post("/receptions/{reception_id}/appointments", response={201: Ok, **ERRORS})
def book_reception(request, reception_id: int, data: BookIn):
    r = get_object_or_404(ReceptionDay.objects.select_related("organization__area"), pk=reception_id)
    return 201, {"id": actions.book_reception(actor=request.user, reception=r, matter=data.matter).pk}


@router.post("/pledges", response={201: Ok, **ERRORS})
def make_pledge(request, data: PledgeIn):
    return 201, {
        "id": actions.make_pledge(
            actor=request.user, member=_me(request), text_=data.text, due_on=data.due_on
        ).pk
    }


@router.post("/pledges/{pledge_id}/fulfil", response={200: Ok, **ERRORS})
def fulfil_pledge(request, pledge_id: int, data: FulfilIn):
    return {
        "id": actions.fulfil_pledge(
            actor=request.user, pledge=get_object_or_404(Pledge, pk=pledge_id), fulfilment=data.fulfilment
        ).pk
    }


@router.post("/organizations/{org_id}/projects", response={201: Ok, **ERRORS})
def create_project(request, org_id: int, data: ProjectIn):
    p = actions.create_project(
        actor=request.user,
        organization=_org(org_id),
        title=data.title,
        goal=data.goal,
        methods=data.methods,
        participants=list(PartyOrganization.objects.filter(pk__in=data.participant_ids)),
        milestones=[(m.title, m.due_on) for m in data.milestones],
    )
    return 201, {"id": p.pk}


@router.post("/milestones/{milestone_id}/done", response={200: Ok, **ERRORS})
def milestone_done(request, milestone_id: int):
    return {
        "id": actions.complete_milestone(
            actor=request.user, milestone=get_object_or_404(ProjectMilestone, pk=milestone_id)
        ).pk
    }


@router.post("/projects/{project_id}/complete", response={200: Ok, **ERRORS})
def complete_project(request, project_id: int, data: ResultsIn):
    p = actions.complete_project(
        actor=request.user,
        project=get_object_or_404(PartyProject, pk=project_id),
        results=data.results,
        evidence=data.evidence,
    )
    return {"id": p.pk}
