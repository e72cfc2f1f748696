"""Party API: six acts and six don'ts, the points scheme, manual points and the member's handbook."""

from django.shortcuts import get_object_or_404

from gongzhi.core.api_schemas import ERRORS

from .. import actions
from ..models import PartyMember, SixActsCommitment, Violation
from ..schemas import ActIn, HandbookOut, ManualPointsIn, Ok, ResponseIn, SchemeIn, ViolationIn, YearIn
from ._common import _me, _org, router


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
