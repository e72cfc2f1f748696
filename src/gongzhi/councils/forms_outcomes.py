"""Forms of votes, resolutions and action items, agreements, proposals and elections."""

from django import forms
from django.utils.translation import gettext_lazy as _

from gongzhi.core.strings import CleanCharField

from .models import ActionItem, Agreement, AgreementItem, Election
from .models.bodies import Threshold
from .models.votes import Choice


class StyledForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput | forms.RadioSelect | forms.CheckboxSelectMultiple):
                continue
            widget.attrs.setdefault(
                "class", "form-select" if isinstance(widget, forms.Select) else "form-control"
            )


DATE = forms.DateInput(attrs={"type": "date"})


class MotionForm(StyledForm):
    text = CleanCharField(label=_("Motion"), widget=forms.Textarea(attrs={"rows": 3}))
    threshold = forms.ChoiceField(label=_("Majority required"), choices=Threshold.choices)
    is_major = forms.BooleanField(
        label=_("Major matter (owners: maintenance funds, rebuilding, change of use)"), required=False
    )
    secret = forms.BooleanField(label=_("Secret ballot"), required=False)


class BallotForm(StyledForm):
    choice = forms.ChoiceField(label=_("Your vote"), choices=Choice.choices, widget=forms.RadioSelect)
    seat = forms.IntegerField(required=False, widget=forms.HiddenInput)


class RecordBallotForm(StyledForm):
    seat = forms.TypedChoiceField(label=_("Seat"), coerce=int, choices=())
    choice = forms.ChoiceField(label=_("Vote"), choices=Choice.choices)

    def __init__(self, *args, seats=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["seat"].choices = [(s.pk, s.holder_name) for s in seats]


class ActionItemForm(StyledForm):
    title = CleanCharField(label=_("Action"), max_length=200)
    owner_kind = forms.ChoiceField(label=_("Owner kind"), choices=ActionItem.OwnerKind.choices)
    owner_label = CleanCharField(label=_("Owner"), max_length=120)
    owner_username = CleanCharField(
        label=_("Responsible account (user name)"),
        max_length=150,
        required=False,
        help_text=_("Optional: this account is reminded when the action is overdue."),
    )
    due_on = forms.DateField(label=_("Due date"), widget=DATE)


class ProgressForm(StyledForm):
    progress = forms.IntegerField(label=_("Progress (%)"), min_value=0, max_value=100)
    note = CleanCharField(label=_("What was done"), widget=forms.Textarea(attrs={"rows": 2}))
    evidence = forms.FileField(label=_("Evidence (photo or file)"), required=False)


class ReasonForm(StyledForm):
    reason = CleanCharField(label=_("Reason"), max_length=500)


class ProposalForm(StyledForm):
    area = forms.ModelChoiceField(label=_("Committee area"), queryset=None)
    title = CleanCharField(label=_("Title"), max_length=200)
    body = CleanCharField(label=_("Proposal"), widget=forms.Textarea(attrs={"rows": 6}))

    def __init__(self, *args, areas=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = areas


class ProposalSettingForm(StyledForm):
    support_threshold = forms.IntegerField(label=_("Supports needed"), min_value=1, max_value=100000)
    council = forms.ModelChoiceField(
        label=_("Council that takes proposals (optional)"), queryset=None, required=False
    )

    def __init__(self, *args, councils=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["council"].queryset = councils


class DecideProposalForm(StyledForm):
    taken_up = forms.TypedChoiceField(
        label=_("Decision"),
        coerce=lambda v: v == "1",
        choices=[("1", _("decided")), ("0", _("not taken up"))],
    )
    outcome = CleanCharField(
        label=_("Outcome told to the proposer"), widget=forms.Textarea(attrs={"rows": 3})
    )


class AgreementForm(StyledForm):
    title = CleanCharField(label=_("Title"), max_length=200)
    counterparty_kind = forms.ChoiceField(label=_("Counterparty kind"), choices=Agreement.Party.choices)
    counterparty_label = CleanCharField(label=_("Counterparty"), max_length=120)
    community_signatory = CleanCharField(label=_("Signed for the community by"), max_length=60)
    counterparty_signatory = CleanCharField(label=_("Signed for the counterparty by"), max_length=60)
    starts_on = forms.DateField(label=_("Starts on"), widget=DATE)
    ends_on = forms.DateField(label=_("Ends on"), widget=DATE)


class CommitmentForm(StyledForm):
    side = forms.ChoiceField(label=_("Committed by"), choices=AgreementItem.Side.choices)
    description = CleanCharField(label=_("Commitment"), max_length=200)
    # No min_value here: the action gives the one clear message for a negative quantity.
    quantity = forms.DecimalField(label=_("Quantity"), max_digits=12, decimal_places=2)
    unit = CleanCharField(label=_("Unit"), max_length=20, required=False)
    period = CleanCharField(label=_("Period"), max_length=40, required=False)


CommitmentFormSet = forms.formset_factory(CommitmentForm, extra=4, min_num=1, validate_min=True, max_num=40)


class SignForm(StyledForm):
    signed_on = forms.DateField(label=_("Signed on"), widget=DATE)


class DeliveryForm(StyledForm):
    item = forms.TypedChoiceField(label=_("Commitment"), coerce=int, choices=())
    delivered_on = forms.DateField(label=_("Delivered on"), widget=DATE)
    quantity = forms.DecimalField(label=_("Quantity"), max_digits=12, decimal_places=2)
    note = CleanCharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    evidence = forms.FileField(label=_("Evidence"), required=False)

    def __init__(self, *args, items=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].choices = [(i.pk, f"{i.get_side_display()}: {i.description}") for i in items]


class RenewForm(StyledForm):
    starts_on = forms.DateField(label=_("New period starts on"), widget=DATE)
    ends_on = forms.DateField(label=_("New period ends on"), widget=DATE)


class ElectionForm(StyledForm):
    area = forms.ModelChoiceField(label=_("Area"), queryset=None)
    kind = forms.ChoiceField(label=_("Committee"), choices=Election.Kind.choices)
    title = CleanCharField(label=_("Title"), max_length=160)
    electorate = forms.ChoiceField(label=_("Who votes"), choices=Election.Electorate.choices)
    representatives_per_group = forms.TypedChoiceField(
        label=_("Representatives per residents' group"), coerce=int, choices=[(2, "2"), (3, "3")], initial=2
    )
    seats_to_fill = forms.IntegerField(label=_("Seats to fill"), min_value=1, max_value=50)
    voting_day = forms.DateField(label=_("Voting day"), widget=DATE)
    online_voting = forms.BooleanField(label=_("Online voting allowed"), required=False)
    turnout_numerator = forms.IntegerField(
        label=_("Valid when voters exceed (numerator)"), initial=1, min_value=0
    )
    turnout_denominator = forms.IntegerField(
        label=_("… of the registered voters (denominator)"), initial=2, min_value=1
    )
    turnout_inclusive = forms.BooleanField(label=_("Turnout boundary counts (“or more”)"), required=False)
    win_numerator = forms.IntegerField(label=_("Elected with more than (numerator)"), initial=1, min_value=0)
    win_denominator = forms.IntegerField(
        label=_("… of the ballots cast (denominator)"), initial=2, min_value=1
    )
    win_inclusive = forms.BooleanField(label=_("Winning boundary counts (“or more”)"), required=False)

    def __init__(self, *args, areas=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = areas


class RollCorrectionForm(StyledForm):
    person = forms.IntegerField(label=_("Person id"), min_value=1)
    included = forms.TypedChoiceField(
        label=_("Correction"),
        coerce=lambda v: v == "1",
        choices=[("1", _("put on the roll")), ("0", _("take off the roll"))],
    )
    reason = CleanCharField(label=_("Reason"), max_length=200)


class NominateForm(StyledForm):
    person = forms.IntegerField(label=_("Person id (on the roll)"), min_value=1)
    nominated_by = CleanCharField(label=_("Nominated by"), max_length=120, required=False)
    position = CleanCharField(label=_("Position sought"), max_length=40, required=False)


class VetForm(StyledForm):
    qualified = forms.TypedChoiceField(
        label=_("Vetting"),
        coerce=lambda v: v == "1",
        choices=[("1", _("qualified")), ("0", _("not qualified"))],
    )
    note = CleanCharField(label=_("Note"), max_length=200, required=False)


class ElectionBallotForm(StyledForm):
    voter = forms.IntegerField(label=_("Voter (roll entry no.)"), min_value=1, required=False)
    candidates = forms.TypedMultipleChoiceField(
        label=_("Candidates marked"),
        coerce=int,
        choices=(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, candidates=(), in_person=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["candidates"].choices = [(c.pk, c.name) for c in candidates]
        if not in_person:
            del self.fields["voter"]
