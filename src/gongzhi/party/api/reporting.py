"""Party API: dual reporting (report slips, receipts, unit report slips, service records, quarterly
statements) and the figures (report and participation rates, coverage)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Query

from gongzhi.core import policy
from gongzhi.core.api_schemas import ERRORS, PageOut, PageParams, paginate

from .. import actions, queries
from .. import permissions as P
from ..models import PartyMember, Receipt, ReportIn, UnitReport
from ..schemas import (
    CoverageOut,
    Ok,
    QuarterIn,
    ReasonIn,
    ReceiptOut,
    ReportInIn,
    ReportOut,
    ServiceIn,
    StatsOut,
    UnitReportIn,
    UnitReportOut,
)
from ._common import AreaCodeStr, _me, _org, area_by_code, router


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
