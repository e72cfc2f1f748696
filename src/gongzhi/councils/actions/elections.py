"""Elections of residents', villagers' and owners' committees: roll, candidates, ballots, count, results.

The roll is built from Person / Household / Dwelling by the electorate mode:
- all voters: every person of the area aged 18 or more on voting day;
- one representative per household: the head of each household (else its oldest adult);
- representatives of residents' groups (by building): every adult is listed but left off the roll
  until the election committee marks the 2–3 the group chose; publication checks the number.
People without a known date of birth are listed off the roll with a note, for the committee to check.
Corrections (adding, removing, with a reason) are allowed until the roll is published.

Thresholds default to the Organic Law of Villagers' Committees (valid when more than half of the
registered voters vote; elected with more than half of the votes cast); local rules for residents'
committees vary, so each election carries its numbers and a readable `rule_label` the pages show.
Ballots are secret: ElectionBallot records that a voter voted, ElectionVote the marks, unlinked.
Every step writes an audit event on the election itself, so the trail from roll to result is one list.
"""

import datetime as dt
from fractions import Fraction

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongzhi.areas.models import Area
from gongzhi.core import audit, policy
from gongzhi.people.models import HouseholdMember, Person

from .. import counting
from ..models import Candidate, Election, ElectionBallot, ElectionVote, VoterRollEntry
from . import MANAGE

VOTING_AGE = 18
ELECTION_AREA_KINDS = {"residents_committee", "village_committee", "compound", "community"}

for _verb, _label in [
    ("election.created", gettext_lazy("election called")),
    ("election.roll_built", gettext_lazy("voter roll built")),
    ("election.roll_corrected", gettext_lazy("voter roll corrected")),
    ("election.roll_published", gettext_lazy("voter roll published")),
    ("election.candidate_nominated", gettext_lazy("candidate nominated")),
    ("election.candidate_vetted", gettext_lazy("candidate vetted")),
    ("election.candidates_published", gettext_lazy("candidates published")),
    ("election.voting_opened", gettext_lazy("election voting opened")),
    ("election.ballot_cast", gettext_lazy("election ballot cast")),
    ("election.counted", gettext_lazy("election counted")),
    ("election.results_published", gettext_lazy("election results published")),
]:
    audit.register_verb(_verb, _label)


def _require(actor, election_or_area) -> None:
    area = election_or_area if isinstance(election_or_area, Area) else election_or_area.area
    policy.require(actor, MANAGE, area=area)


def _locked(election) -> Election:
    return Election.objects.select_for_update().select_related("area").get(pk=election.pk)


def _state(election: Election, *states, message) -> None:
    if election.state not in states:
        raise ValidationError({"state": message})


def share_text(n, d, inclusive) -> str:
    if inclusive:
        return _("%(n)d/%(d)d or more") % {"n": n, "d": d}
    return _("more than %(n)d/%(d)d") % {"n": n, "d": d}


def describe_rule(e: Election) -> str:
    text = _(
        "valid when %(turnout)s of the registered voters vote; a candidate needs %(win)s of the ballots cast"
    ) % {
        "turnout": share_text(e.turnout_numerator, e.turnout_denominator, e.turnout_inclusive),
        "win": share_text(e.win_numerator, e.win_denominator, e.win_inclusive),
    }
    default = (
        e.turnout_numerator,
        e.turnout_denominator,
        e.turnout_inclusive,
        e.win_numerator,
        e.win_denominator,
        e.win_inclusive,
    ) == (1, 2, False, 1, 2, False)
    source = _("Organic Law of Villagers' Committees (default)") if default else _("local rules")
    return f"{source}: {text}"


def _check_share(n, d, field):
    try:
        n, d = int(n), int(d)
    except (TypeError, ValueError):
        n, d = -1, 0
    if d < 1 or n < 0 or Fraction(n, d) >= 1:
        raise ValidationError({field: _("A share is a fraction between 0 and 1, e.g. 1/2.")})
    return n, d


@transaction.atomic
def create_election(
    *,
    actor,
    area: Area,
    kind,
    title,
    seats_to_fill,
    voting_day,
    electorate=Election.Electorate.ALL_VOTERS,
    **rules,
) -> Election:
    _require(actor, area)
    if kind not in Election.Kind.values:
        raise ValidationError({"kind": _("Choose the committee to be elected.")})
    if electorate not in Election.Electorate.values:
        raise ValidationError({"electorate": _("Choose who votes.")})
    if area.kind not in ELECTION_AREA_KINDS:
        raise ValidationError({"area": _("An election is held in a committee, community or compound area.")})
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": _("Give the election a title.")})
    try:
        seats_to_fill = int(seats_to_fill)
    except (TypeError, ValueError):
        seats_to_fill = 0
    if not 1 <= seats_to_fill <= 50:
        raise ValidationError({"seats_to_fill": _("Between 1 and 50 seats are filled.")})
    if not isinstance(voting_day, dt.date) or isinstance(voting_day, dt.datetime):
        raise ValidationError({"voting_day": _("Give the voting day.")})
    if voting_day < timezone.localdate():
        raise ValidationError({"voting_day": _("The voting day cannot be in the past.")})
    per_group = int(rules.get("representatives_per_group") or 2)
    if electorate == Election.Electorate.GROUP_REPRESENTATIVES and per_group not in (2, 3):
        raise ValidationError(
            {"representatives_per_group": _("Each residents' group sends two or three representatives.")}
        )
    tn, td = _check_share(
        rules.get("turnout_numerator", 1), rules.get("turnout_denominator", 2), "turnout_numerator"
    )
    wn, wd = _check_share(rules.get("win_numerator", 1), rules.get("win_denominator", 2), "win_numerator")
    election = Election(
        kind=kind,
        title=title[:160],
        electorate=electorate,
        representatives_per_group=per_group,
        seats_to_fill=seats_to_fill,
        turnout_numerator=tn,
        turnout_denominator=td,
        turnout_inclusive=bool(rules.get("turnout_inclusive", False)),
        win_numerator=wn,
        win_denominator=wd,
        win_inclusive=bool(rules.get("win_inclusive", False)),
        voting_day=voting_day,
        online_voting=bool(rules.get("online_voting", False)),
        is_demo=bool(rules.get("is_demo", False)),
    )
    election.rule_label = describe_rule(election)[:200]
    election.set_area(area)
    election.save()
    audit.record(actor, "election.created", election, details={"kind": kind, "rule": election.rule_label})
    return election


def _age_on(birth: dt.date, day: dt.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


@transaction.atomic
def build_roll(*, actor, election: Election) -> int:
    """Add everyone the electorate mode puts on (or beside) the roll; re-running adds only newcomers."""
    election = _locked(election)
    _require(actor, election)
    _state(election, Election.State.DRAFT, message=_("The roll is published; it can no longer be rebuilt."))
    day = election.voting_day
    people = list(Person.objects.filter(_subtree(election)).select_related("area"))
    memberships = {}
    for m in HouseholdMember.objects.filter(person__in=people).select_related(
        "household", "household__dwelling"
    ):
        memberships.setdefault(m.person_id, m)
    existing = set(VoterRollEntry.objects.filter(election=election).values_list("person_id", flat=True))
    heads = set()
    if election.electorate == Election.Electorate.HOUSEHOLD_REPRESENTATIVES:
        heads = _household_representatives(people, memberships, day)
    rows = []
    for p in people:
        if p.pk in existing:
            continue
        m = memberships.get(p.pk)
        household = m.household if m else None
        dwelling = household.dwelling if household and household.dwelling_id else None
        group = f"{p.area.name} {dwelling.building}" if dwelling else p.area.name
        adult = p.birth_date is not None and _age_on(p.birth_date, day) >= VOTING_AGE
        if p.birth_date is not None and not adult:
            continue
        included, note = adult, "" if adult else _("date of birth unknown: check age")
        if election.electorate == Election.Electorate.HOUSEHOLD_REPRESENTATIVES and p.pk not in heads:
            if household is None and adult:
                note = _("in no household: check")
                included = False
            elif household is not None:
                continue  # another member represents the household
        if election.electorate == Election.Electorate.GROUP_REPRESENTATIVES and included:
            included, note = False, _("mark if chosen by the residents' group")
        rows.append(
            VoterRollEntry(
                election=election,
                person=p,
                household=household,
                group_label=group[:40],
                included=included,
                correction=note,
                user_id=p.user_id,
            )
        )
    VoterRollEntry.objects.bulk_create(rows)
    audit.record(actor, "election.roll_built", election, details={"added": len(rows)})
    return len(rows)


def _subtree(election):
    from gongzhi.areas.models import subtree_q

    return subtree_q("area_path", election.area_path)


def _household_representatives(people, memberships, day) -> set[int]:
    """The head of each household if of age, else its oldest adult member."""
    by_household: dict[int, list] = {}
    for p in people:
        m = memberships.get(p.pk)
        if m is not None and p.birth_date and _age_on(p.birth_date, day) >= VOTING_AGE:
            by_household.setdefault(m.household_id, []).append((m, p))
    chosen = set()
    for members in by_household.values():
        head = [p for m, p in members if m.relation == HouseholdMember.Relation.HEAD]
        pick = head[0] if head else min((p for _m, p in members), key=lambda p: (p.birth_date, p.pk))
        chosen.add(pick.pk)
    return chosen


@transaction.atomic
def correct_roll(*, actor, election: Election, person, included: bool, reason) -> VoterRollEntry:
    """Add a person to the roll or take one off, with the reason (the correction is kept on the entry)."""
    election = _locked(election)
    _require(actor, election)
    _state(election, Election.State.DRAFT, message=_("The roll is published; corrections are closed."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the roll is corrected.")})
    person_id = person.pk if isinstance(person, Person) else int(person)
    person = Person.objects.filter(pk=person_id).first()
    if person is None:
        raise ValidationError({"person": _("No such person.")})
    entry = VoterRollEntry.objects.filter(election=election, person=person).first()
    if entry is None:
        if not included:
            raise ValidationError({"person": _("This person is not on the roll.")})
        if person.birth_date and _age_on(person.birth_date, election.voting_day) < VOTING_AGE:
            raise ValidationError({"person": _("This person is under 18 on voting day.")})
        m = HouseholdMember.objects.filter(person=person).select_related("household").first()
        entry = VoterRollEntry(
            election=election, person=person, household=m.household if m else None, user_id=person.user_id
        )
    entry.included = bool(included)
    entry.correction = reason[:200]
    entry.save()
    audit.record(
        actor,
        "election.roll_corrected",
        election,
        details={"person": person.pk, "included": entry.included, "reason": reason[:200]},
    )
    return entry


@transaction.atomic
def publish_roll(*, actor, election: Election) -> Election:
    election = _locked(election)
    _require(actor, election)
    _state(election, Election.State.DRAFT, message=_("The roll has already been published."))
    roll = VoterRollEntry.objects.filter(election=election, included=True)
    if not roll.exists():
        raise ValidationError({"roll": _("The roll is empty: build it from the area's residents first.")})
    if election.electorate == Election.Electorate.GROUP_REPRESENTATIVES:
        too_many = (
            roll.values("group_label")
            .annotate(n=Count("id"))
            .filter(n__gt=election.representatives_per_group)
            .order_by("group_label")
            .first()
        )
        if too_many:
            raise ValidationError(
                {
                    "roll": _("Group “%(group)s” has %(n)d representatives on the roll; at most %(max)d.")
                    % {
                        "group": too_many["group_label"],
                        "n": too_many["n"],
                        "max": election.representatives_per_group,
                    }
                }
            )
    election.state = Election.State.ROLL_PUBLISHED
    election.save(update_fields=["state"])
    audit.record(actor, "election.roll_published", election, details={"voters": roll.count()})
    return election


# --- candidates ----------------------------------------------------------------------------------------
@transaction.atomic
def nominate_candidate(*, actor, election: Election, person, nominated_by="", position="") -> Candidate:
    election = _locked(election)
    _require(actor, election)
    _state(
        election,
        Election.State.DRAFT,
        Election.State.ROLL_PUBLISHED,
        message=_("Candidates are nominated before they are published."),
    )
    person_id = person.pk if isinstance(person, Person) else int(person)
    if not VoterRollEntry.objects.filter(election=election, person_id=person_id, included=True).exists():
        raise ValidationError({"person": _("A candidate must be a voter on the roll.")})
    person = Person.objects.get(pk=person_id)
    try:
        with transaction.atomic():
            candidate = Candidate.objects.create(
                election=election,
                person=person,
                name=person.name,
                position=(position or "").strip()[:40] or "委员",
                nominated_by=(nominated_by or "").strip()[:120],
            )
    except IntegrityError:
        raise ValidationError({"person": _("This person is already a candidate.")}) from None
    audit.record(
        actor,
        "election.candidate_nominated",
        election,
        details={"candidate": candidate.pk, "person": person.pk},
    )
    return candidate


@transaction.atomic
def vet_candidate(*, actor, candidate: Candidate, qualified: bool, note="") -> Candidate:
    candidate = Candidate.objects.select_related("election__area").get(pk=candidate.pk)
    election = _locked(candidate.election)
    _require(actor, election)
    if candidate.state != Candidate.State.NOMINATED:
        raise ValidationError({"candidate": _("Only a nominated candidate is vetted.")})
    if not qualified and not (note or "").strip():
        raise ValidationError({"note": _("Say why the candidate does not qualify.")})
    candidate.state = Candidate.State.VETTED if qualified else Candidate.State.REJECTED
    candidate.save(update_fields=["state"])
    audit.record(
        actor,
        "election.candidate_vetted",
        election,
        details={"candidate": candidate.pk, "qualified": bool(qualified), "note": (note or "")[:200]},
    )
    return candidate


@transaction.atomic
def publish_candidates(*, actor, election: Election) -> Election:
    election = _locked(election)
    _require(actor, election)
    _state(
        election, Election.State.ROLL_PUBLISHED, message=_("Publish the voter roll before the candidates.")
    )
    vetted = election.candidates.filter(state=Candidate.State.VETTED)
    if vetted.count() < election.seats_to_fill:
        raise ValidationError(
            {
                "candidates": _("%(seats)d seats need at least %(seats)d vetted candidates.")
                % {"seats": election.seats_to_fill}
            }
        )
    if election.candidates.filter(state=Candidate.State.NOMINATED).exists():
        raise ValidationError({"candidates": _("Vet every nominated candidate first.")})
    n = vetted.update(state=Candidate.State.PUBLISHED)
    election.state = Election.State.CANDIDATES_PUBLISHED
    election.save(update_fields=["state"])
    audit.record(actor, "election.candidates_published", election, details={"candidates": n})
    return election


@transaction.atomic
def open_election(*, actor, election: Election) -> Election:
    election = _locked(election)
    _require(actor, election)
    _state(
        election,
        Election.State.CANDIDATES_PUBLISHED,
        message=_("Publish the candidates before voting opens."),
    )
    if timezone.localdate() < election.voting_day:
        raise ValidationError({"state": _("Voting opens on the voting day.")})
    election.state = Election.State.VOTING
    election.save(update_fields=["state"])
    audit.record(actor, "election.voting_opened", election)
    return election


@transaction.atomic
def cast_election_ballot(*, actor, election: Election, candidates, voter=None) -> ElectionBallot:
    """One secret ballot per voter: in person, recorded by the election committee (`voter` given),
    or online by the voter themself where the election allows it."""
    election = Election.objects.select_related("area").get(pk=election.pk)
    if actor is None or not getattr(actor, "is_authenticated", False):
        raise PermissionDenied("councils.vote")
    if voter is None:
        if not election.online_voting:
            raise ValidationError(
                {"election": _("This election has no online voting; vote at the polling station.")}
            )
        entry = VoterRollEntry.objects.filter(election=election, user=actor, included=True).first()
        if entry is None:
            raise PermissionDenied("councils.vote")
        in_person = False
    else:
        _require(actor, election)
        voter_id = voter.pk if isinstance(voter, VoterRollEntry) else int(voter)
        entry = VoterRollEntry.objects.filter(pk=voter_id, election=election).first()
        if entry is None or not entry.included:
            raise ValidationError({"voter": _("This person is not on the voter roll.")})
        in_person = True
    ids = []
    for c in candidates or []:
        cid = c.pk if isinstance(c, Candidate) else int(c)
        if cid in ids:
            raise ValidationError({"candidates": _("Mark each candidate at most once.")})
        ids.append(cid)
    if len(ids) > election.seats_to_fill:
        raise ValidationError(
            {"candidates": _("Mark at most %(n)d candidates.") % {"n": election.seats_to_fill}}
        )
    valid = set(
        Candidate.objects.filter(election=election, state=Candidate.State.PUBLISHED, pk__in=ids).values_list(
            "pk", flat=True
        )
    )
    if valid != set(ids):
        raise ValidationError({"candidates": _("Mark only the published candidates of this election.")})
    # Counted only while voting is open (and the election row is locked until this ballot commits).
    if not Election.objects.filter(pk=election.pk, state=Election.State.VOTING).update(
        ballots_cast=F("ballots_cast") + 1
    ):
        raise ValidationError({"election": _("Voting is not open.")})
    try:
        with transaction.atomic():
            ballot = ElectionBallot.objects.create(
                election=election, voter=entry, in_person=in_person, recorded_by=actor if in_person else None
            )
    except IntegrityError:
        raise ValidationError({"voter": _("This voter has already voted.")}) from None
    ElectionVote.objects.bulk_create([ElectionVote(election=election, candidate_id=cid) for cid in ids])
    # No voter id in the event: who voted is on the ballot row, never next to the marks.
    audit.record(actor, "election.ballot_cast", election, details={"in_person": in_person})
    return ballot


@transaction.atomic
def count_election(*, actor, election: Election) -> Election:
    election = _locked(election)
    _require(actor, election)
    _state(election, Election.State.VOTING, message=_("Only an election in voting can be counted."))
    registered = VoterRollEntry.objects.filter(election=election, included=True).count()
    ballots = ElectionBallot.objects.filter(election=election).count()
    marks = dict(
        ElectionVote.objects.filter(election=election).values_list("candidate_id").annotate(n=Count("id"))
    )
    published = list(election.candidates.filter(state=Candidate.State.PUBLISHED))
    for c in published:
        c.votes = marks.get(c.pk, 0)
        c.elected = False
    election.ballots_cast = ballots
    election.is_valid = counting.election_valid(
        ballots,
        registered,
        election.turnout_numerator,
        election.turnout_denominator,
        election.turnout_inclusive,
    )
    elected_ids, tied = [], []
    if election.is_valid:
        elected_ids, tied = counting.elected(
            [(c.pk, c.votes) for c in published],
            ballots,
            election.seats_to_fill,
            election.win_numerator,
            election.win_denominator,
            election.win_inclusive,
        )
        for c in published:
            c.elected = c.pk in elected_ids
    Candidate.objects.bulk_update(published, ["votes", "elected"])
    names = {c.pk: c.name for c in published}
    if not election.is_valid:
        note = _("Not valid: %(ballots)d of %(registered)d registered voters voted.") % {
            "ballots": ballots,
            "registered": registered,
        }
    else:
        note = _("Valid: %(ballots)d of %(registered)d registered voters voted. Elected: %(names)s.") % {
            "ballots": ballots,
            "registered": registered,
            "names": "、".join(names[i] for i in elected_ids) or _("nobody"),
        }
        if tied:
            note += " " + _("Tied for the last seat(s), to be decided in another round: %(names)s.") % {
                "names": "、".join(names[i] for i in tied)
            }
        unfilled = election.seats_to_fill - len(elected_ids)
        if unfilled > 0:
            note += " " + _("%(n)d seat(s) remain unfilled.") % {"n": unfilled}
    election.result_note = note
    election.state = Election.State.COUNTED
    election.save(update_fields=["ballots_cast", "is_valid", "result_note", "state"])
    audit.record(
        actor,
        "election.counted",
        election,
        details={
            "registered": registered,
            "ballots": ballots,
            "valid": election.is_valid,
            "votes": {str(c.pk): c.votes for c in published},
            "elected": elected_ids,
            "tied": tied,
        },
    )
    return election


@transaction.atomic
def publish_results(*, actor, election: Election) -> Election:
    election = _locked(election)
    _require(actor, election)
    _state(election, Election.State.COUNTED, message=_("Count the ballots before publishing the results."))
    election.state = Election.State.PUBLISHED
    election.save(update_fields=["state"])
    audit.record(actor, "election.results_published", election)
    return election
