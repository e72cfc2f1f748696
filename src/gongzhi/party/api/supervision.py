"""Party API: petitions (members' supervision), committee meetings, assessments that hear the party
organization's opinion, members' pledges and party-building projects."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from ninja import Query

from gongzhi.core.api_schemas import ERRORS, PageOut, PageParams, paginate

from .. import actions
from .. import permissions as P
from ..models import Assessment, PartyOrganization, PartyProject, Petition, Pledge, ProjectMilestone
from ..schemas import (
    AnswerIn,
    AssessmentIn,
    AssessmentOut,
    FulfilIn,
    MeetingIn,
    Ok,
    PetitionIn,
    PetitionOut,
    PledgeIn,
    ProjectIn,
    ReasonIn,
    ResultsIn,
    TextIn,
)
from ._common import _me, _org, router


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
