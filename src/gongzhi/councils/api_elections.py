"""API of elections (part of /councils-outcomes/): roll, corrections, candidates, ballots, count, results."""

from datetime import date, datetime

from django.http import Http404
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema, Status
from pydantic import Field

from gongzhi.areas.models import Area
from gongzhi.core import policy
from gongzhi.core.api_schemas import ERRORS, PageOut, PageParams, paginate
from gongzhi.core.strings import CleanStr

from . import queries_outcomes as q
from .actions import MANAGE
from .actions import elections as ea
from .models import Candidate, Election, VoterRollEntry

router = Router(tags=["councils: elections"])
ID = Field(..., ge=1, le=2**62)


def _area(area_id) -> Area:
    return get_object_or_404(Area, pk=area_id)


# --- elections ---------------------------------------------------------------------------------------------
class ElectionIn(Schema):
    area: int = ID
    kind: Election.Kind
    title: CleanStr = Field(..., min_length=1, max_length=160)
    electorate: Election.Electorate = Election.Electorate.ALL_VOTERS
    representatives_per_group: int = Field(2, ge=2, le=3)
    seats_to_fill: int = Field(..., ge=1, le=50)
    voting_day: date
    online_voting: bool = False
    turnout_numerator: int = Field(1, ge=0, le=100)
    turnout_denominator: int = Field(2, ge=1, le=100)
    turnout_inclusive: bool = False
    win_numerator: int = Field(1, ge=0, le=100)
    win_denominator: int = Field(2, ge=1, le=100)
    win_inclusive: bool = False


class CandidateOut(Schema):
    id: int
    person_id: int
    name: str
    position: str
    state: str
    nominated_by: str
    votes: int
    elected: bool


class ElectionOut(Schema):
    id: int
    area_id: int
    kind: str
    title: str
    electorate: str
    seats_to_fill: int
    rule_label: str = Field(description="The rule this election uses, for everyone to see.")
    voting_day: date
    online_voting: bool
    state: str
    is_valid: bool | None
    ballots_cast: int
    result_note: str


class ElectionDetail(ElectionOut):
    candidates: list[CandidateOut]
    registered: int


def _election(request, election_id, *, manage=True) -> Election:
    election = get_object_or_404(Election.objects.select_related("area"), pk=election_id)
    if manage:
        policy.require(request.user, MANAGE, area=election.area)
    elif not (
        policy.can(request.user, MANAGE, area=election.area)
        or election.state == Election.State.PUBLISHED
        or VoterRollEntry.objects.filter(election=election, user=request.user).exists()
    ):
        raise Http404
    return election


class AreaFilter(Schema):
    area: int = ID


@router.get("/elections", response={200: PageOut[ElectionOut], **ERRORS})
def list_elections(request, filters: Query[AreaFilter], params: Query[PageParams]):
    a = _area(filters.area)
    policy.require(request.user, MANAGE, area=a)
    return paginate(q.elections_in(a), params, ordering=q.ELECTION_ORDERING, name="api-elections")


@router.post("/elections", response={201: ElectionOut, **ERRORS})
def create_election(request, payload: ElectionIn):
    return Status(
        201,
        ea.create_election(actor=request.user, area=_area(payload.area), **payload.dict(exclude={"area"})),
    )


@router.get("/elections/{election_id}", response={200: ElectionDetail, **ERRORS})
def get_election(request, election_id: int):
    e = _election(request, election_id, manage=False)
    show_votes = e.state in (Election.State.COUNTED, Election.State.PUBLISHED)
    candidates = []
    for c in q.results(e):
        row = CandidateOut.from_orm(c).dict()
        if not show_votes:
            row.update(votes=0, elected=False)
        candidates.append(row)
    return {
        **ElectionOut.from_orm(e).dict(),
        "candidates": candidates,
        "registered": e.roll.filter(included=True).count(),
    }


class RollOut(Schema):
    id: int
    person_id: int
    name: str
    group_label: str
    included: bool
    correction: str
    voted: bool


@router.get("/elections/{election_id}/roll", response={200: PageOut[RollOut], **ERRORS})
def election_roll(request, election_id: int, params: Query[PageParams]):
    e = _election(request, election_id)
    page = paginate(
        VoterRollEntry.objects.filter(election=e).select_related("person"),
        params,
        ordering=("id",),
        name=f"api-roll-{e.pk}",
    )
    voted = set(e.ballots.filter(voter__in=page["items"]).values_list("voter_id", flat=True))
    page["items"] = [
        {
            "id": r.pk,
            "person_id": r.person_id,
            "name": r.person.name,
            "group_label": r.group_label,
            "included": r.included,
            "correction": r.correction,
            "voted": r.pk in voted,
        }
        for r in page["items"]
    ]
    return page


class CountOut(Schema):
    added: int


@router.post("/elections/{election_id}/roll/build", response={200: CountOut, **ERRORS})
def build_roll(request, election_id: int):
    return {"added": ea.build_roll(actor=request.user, election=_election(request, election_id))}


class CorrectionIn(Schema):
    person: int = ID
    included: bool
    reason: CleanStr = Field(..., min_length=1, max_length=200)


@router.post("/elections/{election_id}/roll/corrections", response={200: RollOut, **ERRORS})
def correct_roll(request, election_id: int, payload: CorrectionIn):
    e = ea.correct_roll(actor=request.user, election=_election(request, election_id), **payload.dict())
    return {
        "id": e.pk,
        "person_id": e.person_id,
        "name": e.person.name,
        "group_label": e.group_label,
        "included": e.included,
        "correction": e.correction,
        "voted": False,
    }


def _step(request, election_id, action):
    return action(actor=request.user, election=_election(request, election_id))


@router.post("/elections/{election_id}/roll/publish", response={200: ElectionOut, **ERRORS})
def publish_roll(request, election_id: int):
    return _step(request, election_id, ea.publish_roll)


class NominateIn(Schema):
    person: int = ID
    nominated_by: CleanStr = Field("", max_length=120)
    position: CleanStr = Field("", max_length=40)


@router.post("/elections/{election_id}/candidates", response={201: CandidateOut, **ERRORS})
def nominate(request, election_id: int, payload: NominateIn):
    return Status(
        201,
        ea.nominate_candidate(actor=request.user, election=_election(request, election_id), **payload.dict()),
    )


class VetIn(Schema):
    qualified: bool
    note: CleanStr = Field("", max_length=200)


@router.post("/candidates/{candidate_id}/vet", response={200: CandidateOut, **ERRORS})
def vet(request, candidate_id: int, payload: VetIn):
    candidate = get_object_or_404(Candidate.objects.select_related("election__area"), pk=candidate_id)
    policy.require(request.user, MANAGE, area=candidate.election.area)
    return ea.vet_candidate(actor=request.user, candidate=candidate, **payload.dict())


@router.post("/elections/{election_id}/candidates/publish", response={200: ElectionOut, **ERRORS})
def publish_candidates(request, election_id: int):
    return _step(request, election_id, ea.publish_candidates)


@router.post("/elections/{election_id}/open", response={200: ElectionOut, **ERRORS})
def open_election(request, election_id: int):
    return _step(request, election_id, ea.open_election)


class ElectionBallotIn(Schema):
    candidates: list[int] = Field(default_factory=list, max_length=50)
    voter: int | None = Field(
        None,
        ge=1,
        le=2**62,
        description="Roll entry, when the election committee records an in-person ballot; omit to vote online yourself.",
    )


class ElectionBallotOut(Schema):
    election_id: int
    in_person: bool
    cast_at: datetime


@router.post("/elections/{election_id}/ballots", response={201: ElectionBallotOut, **ERRORS})
def cast_election_ballot(request, election_id: int, payload: ElectionBallotIn):
    election = _election(request, election_id, manage=payload.voter is not None)
    return Status(
        201,
        ea.cast_election_ballot(
            actor=request.user, election=election, candidates=payload.candidates, voter=payload.voter
        ),
    )


@router.post("/elections/{election_id}/count", response={200: ElectionOut, **ERRORS})
def count_election(request, election_id: int):
    return _step(request, election_id, ea.count_election)


@router.post("/elections/{election_id}/results/publish", response={200: ElectionOut, **ERRORS})
def publish_results(request, election_id: int):
    return _step(request, election_id, ea.publish_results)
