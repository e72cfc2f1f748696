"""Resident proposals: submitted for a committee area, supported by others, placed on an agenda by themselves.

When the supports reach the area's threshold (ProposalSetting, the nearest one up the tree, else the
default), the proposal goes on the agenda of the next scheduled community deliberation day in its
area or above it (community, street/town), or else of the next scheduled meeting of the council the
setting names. When no such meeting exists yet, the proposal waits ("councils.proposals" sweep tries
again). The proposer is told each time something happens: on the agenda, decided, not taken up.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongzhi.accounts.roles import Role
from gongzhi.areas import paths as area_paths
from gongzhi.areas.models import Area
from gongzhi.core import audit, events, policy, sweeps

from ..models import AgendaItem, Meeting, Motion, Proposal, ProposalSetting, ProposalSupport
from . import MANAGE
from .outcomes import PROPOSAL_KIND

PROPOSE = policy.register(
    "councils.propose",
    [
        Role.RESIDENT,
        Role.VOLUNTEER,
        Role.PARTY_MEMBER,
        Role.PARTY_SECRETARY,
        Role.GRID_WORKER,
        Role.COMMITTEE_WORKER,
        Role.COMMUNITY_WORKER,
        Role.STREET_ADMIN,
        Role.DISTRICT_ADMIN,
        Role.CITY_ADMIN,
    ],
)
DEFAULT_THRESHOLD = 10
PROPOSAL_AREA_KINDS = {"residents_committee", "village_committee", "compound", "grid", "community"}
SUBJECT = "councils.proposal"

for _verb, _label in [
    ("proposal.setting_saved", gettext_lazy("proposal threshold set for an area")),
    ("proposal.submitted", gettext_lazy("resident proposal submitted")),
    ("proposal.supported", gettext_lazy("resident proposal supported")),
    ("proposal.withdrawn", gettext_lazy("resident proposal withdrawn")),
    ("proposal.scheduled", gettext_lazy("resident proposal placed on an agenda")),
    ("proposal.decided", gettext_lazy("resident proposal decided")),
    ("proposal.rejected", gettext_lazy("resident proposal not taken up")),
]:
    audit.register_verb(_verb, _label)


def _authenticated(user) -> bool:
    return user is not None and getattr(user, "is_authenticated", False)


def setting_for(area: Area) -> ProposalSetting | None:
    """The nearest setting at or above the area."""
    chain = [*area_paths.ancestors(area.path), area.path]
    rows = {
        s.area.path: s
        for s in ProposalSetting.objects.filter(area__path__in=chain).select_related("area", "council")
    }
    for path in reversed(chain):
        if path in rows:
            return rows[path]
    return None


def _notify(proposal: Proposal, title: str, body: str = "") -> None:
    from gongzhi.notices.actions import notify

    notify(
        actor=None,
        recipients=[proposal.proposer_id],
        kind=PROPOSAL_KIND,
        title=title,
        body=body,
        url=reverse("councils_outcomes:proposal", args=[proposal.pk]),
    )


@transaction.atomic
def save_proposal_setting(*, actor, area: Area, support_threshold, council=None) -> ProposalSetting:
    policy.require(actor, MANAGE, area=area)
    try:
        support_threshold = int(support_threshold)
    except (TypeError, ValueError):
        support_threshold = 0
    if support_threshold < 1:
        raise ValidationError({"support_threshold": _("At least one support is needed.")})
    if council is not None and not council.area.contains(area) and not area.contains(council.area):
        raise ValidationError({"council": _("Choose a council of this area or above it.")})
    setting, _created = ProposalSetting.objects.update_or_create(
        area=area, defaults={"support_threshold": support_threshold, "council": council}
    )
    audit.record(
        actor,
        "proposal.setting_saved",
        area,
        details={"threshold": support_threshold, "council": getattr(council, "pk", None)},
    )
    return setting


@transaction.atomic
def submit_proposal(*, actor, area: Area, title, body) -> Proposal:
    if not _authenticated(actor):
        raise PermissionDenied(PROPOSE)
    policy.require(actor, PROPOSE, area=area)
    if area.kind not in PROPOSAL_AREA_KINDS:
        raise ValidationError(
            {"area": _("Submit a proposal for your residents' or villagers' committee area.")}
        )
    title = (title or "").strip()
    body = (body or "").strip()
    if not title:
        raise ValidationError({"title": _("Give the proposal a title.")})
    if len(title) > 200:
        raise ValidationError({"title": _("At most %(n)d characters.") % {"n": 200}})
    if len(body) < 10:
        raise ValidationError({"body": _("Describe the proposal (at least 10 characters).")})
    setting = setting_for(area)
    proposal = Proposal(
        proposer=actor,
        title=title,
        body=body,
        threshold=setting.support_threshold if setting else DEFAULT_THRESHOLD,
    )
    proposal.set_area(area)
    proposal.save()
    audit.record(actor, "proposal.submitted", proposal, details={"threshold": proposal.threshold})
    return proposal


@transaction.atomic
def support_proposal(*, actor, proposal: Proposal) -> Proposal:
    """One support per person; the support that reaches the threshold puts the proposal on an agenda."""
    if not _authenticated(actor):
        raise PermissionDenied(PROPOSE)
    proposal = Proposal.objects.select_related("area").get(pk=proposal.pk)
    policy.require(actor, PROPOSE, area=proposal.area)
    if proposal.proposer_id == actor.pk:
        raise ValidationError({"proposal": _("You cannot support your own proposal.")})
    if proposal.state != Proposal.State.OPEN:
        raise ValidationError({"proposal": _("This proposal no longer collects support.")})
    try:
        with transaction.atomic():
            ProposalSupport.objects.create(proposal=proposal, user=actor)
    except IntegrityError:
        raise ValidationError({"proposal": _("You have already supported this proposal.")}) from None
    # Conditional UPDATE: concurrent supports are all counted, and none lands after the proposal closed.
    if not Proposal.objects.filter(pk=proposal.pk, state=Proposal.State.OPEN).update(
        support_count=F("support_count") + 1
    ):
        raise ValidationError({"proposal": _("This proposal no longer collects support.")})
    proposal.refresh_from_db()
    item = _try_schedule(proposal, record=False) if proposal.support_count >= proposal.threshold else None
    details = {"supports": proposal.support_count}
    if item is not None:
        details.update(scheduled_meeting=item.meeting_id, agenda_item=item.pk)
    audit.record(actor, "proposal.supported", proposal, details=details)
    return proposal


def next_meeting_for(proposal: Proposal) -> Meeting | None:
    """The next scheduled deliberation day in the proposal's area or above; else the set council's next meeting."""
    now = timezone.now()
    chain = [*area_paths.ancestors(proposal.area_path), proposal.area_path]
    upcoming = Meeting.objects.filter(state=Meeting.State.SCHEDULED, starts_at__gt=now).select_related(
        "council", "area"
    )
    meeting = (
        upcoming.filter(kind=Meeting.Kind.DELIBERATION_DAY, area_path__in=chain, area__kind__in=_OWN_LEVELS)
        .order_by("starts_at", "id")
        .first()
    )
    if meeting is not None:
        return meeting
    setting = setting_for(proposal.area)
    if setting is not None and setting.council_id:
        return upcoming.filter(council_id=setting.council_id).order_by("starts_at", "id").first()
    return None


# A proposal climbs no higher than its street/town: a district's deliberation day is not its forum.
_OWN_LEVELS = ["residents_committee", "village_committee", "compound", "grid", "community", "street", "town"]


def _try_schedule(proposal: Proposal, *, record: bool = True) -> AgendaItem | None:
    """Inside the caller's transaction: place a proposal that reached its threshold on an agenda, once."""
    meeting = next_meeting_for(proposal)
    if meeting is None:
        return None
    # Exactly one caller wins this UPDATE, even under concurrent supports or sweeps.
    if not Proposal.objects.filter(
        pk=proposal.pk, state=Proposal.State.OPEN, agenda_item__isnull=True
    ).update(state=Proposal.State.SCHEDULED):
        return None
    locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
    order = (locked.items.aggregate(m=Max("order"))["m"] or 0) + 1
    item = AgendaItem.objects.create(
        meeting=locked,
        order=order,
        title=proposal.title[:200],
        description=proposal.body,
        source_type=SUBJECT,
        source_id=proposal.pk,
    )
    Meeting.objects.filter(pk=locked.pk).update(sequence=F("sequence") + 1)
    Proposal.objects.filter(pk=proposal.pk).update(agenda_item=item)
    proposal.state, proposal.agenda_item = Proposal.State.SCHEDULED, item
    if record:  # the support that triggered it records it in its own event
        audit.record(None, "proposal.scheduled", proposal, details={"meeting": meeting.pk, "item": item.pk})
    when = timezone.localtime(meeting.starts_at).strftime("%Y-%m-%d %H:%M")
    transaction.on_commit(
        lambda: _notify(
            proposal,
            _("Your proposal “%(title)s” is on the agenda") % {"title": proposal.title},
            _("%(meeting)s, %(when)s, %(place)s")
            % {"meeting": meeting.title, "when": when, "place": meeting.place},
        )
    )
    return item


@transaction.atomic
def withdraw_proposal(*, actor, proposal: Proposal) -> Proposal:
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    if not _authenticated(actor) or proposal.proposer_id != actor.pk:
        raise PermissionDenied(PROPOSE)
    if proposal.state != Proposal.State.OPEN:
        raise ValidationError({"proposal": _("Only a proposal still collecting support can be withdrawn.")})
    proposal.state = Proposal.State.WITHDRAWN
    proposal.save(update_fields=["state"])
    audit.record(actor, "proposal.withdrawn", proposal)
    return proposal


@transaction.atomic
def decide_proposal(*, actor, proposal: Proposal, outcome, taken_up: bool = True) -> Proposal:
    """Record what became of a proposal (decided, or not taken up with the reason); the proposer is told."""
    proposal = Proposal.objects.select_for_update().select_related("area").get(pk=proposal.pk)
    policy.require(actor, MANAGE, area=proposal.area)
    outcome = (outcome or "").strip()
    if not outcome:
        raise ValidationError({"outcome": _("Say what was decided, or why the proposal is not taken up.")})
    if proposal.state not in (Proposal.State.OPEN, Proposal.State.SCHEDULED):
        raise ValidationError({"proposal": _("This proposal has already been decided.")})
    proposal.state = Proposal.State.DECIDED if taken_up else Proposal.State.REJECTED
    proposal.outcome = outcome
    proposal.save(update_fields=["state", "outcome"])
    audit.record(
        actor,
        "proposal.decided" if taken_up else "proposal.rejected",
        proposal,
        details={"outcome": outcome[:200]},
    )
    title = (
        _("Your proposal “%(title)s” was decided")
        if taken_up
        else _("Your proposal “%(title)s” was not taken up")
    ) % {"title": proposal.title}
    transaction.on_commit(lambda: _notify(proposal, title, outcome))
    return proposal


@events.subscribe("councils.motion_closed")
def _on_motion_closed(event) -> None:
    """A vote on a proposal's agenda item decides the proposal and tells the proposer."""
    motion = Motion.objects.select_related("item").get(pk=event["motion_id"])
    if motion.item.source_type != SUBJECT or not motion.item.source_id:
        return
    proposal = Proposal.objects.filter(pk=motion.item.source_id, state=Proposal.State.SCHEDULED).first()
    if proposal is None:
        return
    outcome = _(
        "The motion “%(motion)s” was voted on: %(result)s (yes %(yes)d, no %(no)d, abstain %(abstain)d)."
    ) % {
        "motion": motion.text[:100],
        "result": motion.get_result_display(),
        "yes": motion.yes_count,
        "no": motion.no_count,
        "abstain": motion.abstain_count,
    }
    decide_proposal(actor=None, proposal=proposal, outcome=outcome, taken_up=True)


@sweeps.register("councils.proposals")
def sweep_proposals(now=None) -> int:
    """Proposals that reached their threshold while no meeting was scheduled: try again."""
    placed = 0
    waiting = Proposal.objects.filter(
        state=Proposal.State.OPEN, support_count__gte=F("threshold"), agenda_item__isnull=True
    )
    for proposal in waiting.select_related("area").order_by("created_at", "id")[:500]:
        with transaction.atomic():
            if _try_schedule(proposal) is not None:
                placed += 1
    return placed
