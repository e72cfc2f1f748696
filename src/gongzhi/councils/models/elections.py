"""Elections of residents', villagers' and owners' committees: roll, candidates, secret ballots, results."""

import uuid

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from gongzhi.areas.scoped import AreaScoped


class Election(AreaScoped):
    class Kind(models.TextChoices):
        RESIDENTS_COMMITTEE = "residents_committee", _("residents' committee")
        VILLAGERS_COMMITTEE = "villagers_committee", _("villagers' committee")
        OWNERS_COMMITTEE = "owners_committee", _("owners' committee")

    class Electorate(models.TextChoices):
        ALL_VOTERS = "all_voters", _("all registered voters of the area")
        HOUSEHOLD_REPRESENTATIVES = "household_representatives", _("one representative per household")
        GROUP_REPRESENTATIVES = (
            "group_representatives",
            _("two or three representatives per residents' group"),
        )

    class State(models.TextChoices):
        DRAFT = "draft", _("preparing the roll")
        ROLL_PUBLISHED = "roll_published", _("voter roll published")
        CANDIDATES_PUBLISHED = "candidates_published", _("candidates published")
        VOTING = "voting", _("voting")
        COUNTED = "counted", _("counted")
        PUBLISHED = "published", _("results published")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=160)
    electorate = models.CharField(
        _("electorate"), max_length=26, choices=Electorate.choices, default=Electorate.ALL_VOTERS
    )
    representatives_per_group = models.PositiveSmallIntegerField(_("representatives per group"), default=2)
    seats_to_fill = models.PositiveSmallIntegerField(_("seats to fill"), validators=[MinValueValidator(1)])
    # Defaults from the Organic Law of Villagers' Committees: valid when more than half of the
    # registered voters vote; a candidate needs more than half of the votes cast.
    turnout_numerator = models.PositiveSmallIntegerField(default=1)
    turnout_denominator = models.PositiveSmallIntegerField(default=2, validators=[MinValueValidator(1)])
    turnout_inclusive = models.BooleanField(default=False)
    win_numerator = models.PositiveSmallIntegerField(default=1)
    win_denominator = models.PositiveSmallIntegerField(default=2, validators=[MinValueValidator(1)])
    win_inclusive = models.BooleanField(default=False)
    rule_label = models.CharField(_("rule applied"), max_length=200, blank=True)
    voting_day = models.DateField(_("voting day"))
    online_voting = models.BooleanField(_("online voting"), default=False)
    state = models.CharField(_("state"), max_length=22, choices=State.choices, default=State.DRAFT)
    is_valid = models.BooleanField(_("valid"), null=True, blank=True)
    ballots_cast = models.PositiveIntegerField(default=0)
    result_note = models.TextField(_("result"), blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        verbose_name = _("election")
        verbose_name_plural = _("elections")

    def __str__(self):
        return self.title


class VoterRollEntry(models.Model):
    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="roll")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    household = models.ForeignKey(
        "people.Household", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    group_label = models.CharField(_("residents' group"), max_length=40, blank=True)
    included = models.BooleanField(_("on the roll"), default=True)
    correction = models.CharField(_("correction"), max_length=200, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("voter roll entry")
        verbose_name_plural = _("voter roll")
        constraints = [models.UniqueConstraint(fields=["election", "person"], name="roll_person_once")]

    def __str__(self):
        return f"{self.person} ({self.election})"


class Candidate(models.Model):
    class State(models.TextChoices):
        NOMINATED = "nominated", _("nominated")
        VETTED = "vetted", _("vetted")
        PUBLISHED = "published", _("published")
        REJECTED = "rejected", _("not qualified")
        WITHDRAWN = "withdrawn", _("withdrawn")

    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="candidates")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("name"), max_length=60)
    position = models.CharField(_("position sought"), max_length=40, default="委员")
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.NOMINATED)
    nominated_by = models.CharField(_("nominated by"), max_length=120, blank=True)
    votes = models.PositiveIntegerField(_("votes"), default=0)
    elected = models.BooleanField(_("elected"), default=False)

    class Meta:
        verbose_name = _("candidate")
        verbose_name_plural = _("candidates")
        constraints = [models.UniqueConstraint(fields=["election", "person"], name="candidate_once")]

    def __str__(self):
        return self.name


class ElectionBallot(models.Model):
    """That a voter voted (in person, recorded by the election committee, or online) — not how."""

    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="ballots")
    voter = models.OneToOneField(VoterRollEntry, on_delete=models.PROTECT, related_name="ballot")
    in_person = models.BooleanField(default=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    cast_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("ballot cast")
        verbose_name_plural = _("ballots cast")

    def __str__(self):
        return f"{self.voter}"


class ElectionVote(models.Model):
    """One mark for one candidate on a secret ballot; random ids keep no order."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="votes")
    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="marks")

    class Meta:
        verbose_name = _("vote")
        verbose_name_plural = _("votes")

    def __str__(self):
        return str(self.candidate_id)
