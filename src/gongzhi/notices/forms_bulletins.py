"""Forms for notices, surveys and the suggestion box."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongzhi.areas.models import Area
from gongzhi.core.strings import CleanCharField
from gongzhi.matching.forms import DateTimeLocalField
from gongzhi.matching.models import Kind as NeedKind

from .models_bulletins import Audience, Notice, SurveyQuestion

QUESTION_HELP = gettext_lazy(
    "One question per line: “kind: question | choice | choice”. Kinds: single, multiple, text, rating. "
    "Example: “single: Which evening suits you? | Tuesday | Thursday”."
)
KIND_WORDS = {
    "single": SurveyQuestion.Kind.SINGLE,
    "单选": SurveyQuestion.Kind.SINGLE,
    "multiple": SurveyQuestion.Kind.MULTIPLE,
    "多选": SurveyQuestion.Kind.MULTIPLE,
    "text": SurveyQuestion.Kind.TEXT,
    "文本": SurveyQuestion.Kind.TEXT,
    "rating": SurveyQuestion.Kind.RATING,
    "评分": SurveyQuestion.Kind.RATING,
}


class AudienceMixin(forms.Form):
    audience_kind = forms.ChoiceField(label=gettext_lazy("Audience"), choices=Audience.choices)
    audience_area = forms.ModelChoiceField(
        label=gettext_lazy("Area of the audience"), queryset=Area.objects.none(), required=False
    )
    audience_council = forms.ModelChoiceField(
        label=gettext_lazy("Council"),
        queryset=Area.objects.none(),
        required=False,
        help_text=gettext_lazy("Only for the audience “members of a council”."),
    )

    def setup_audience(self, areas, councils):
        self.fields["audience_area"].queryset = areas
        self.fields["audience_council"].queryset = councils

    def audience_id(self):
        data = self.cleaned_data
        kind = data.get("audience_kind")
        if kind == Audience.COUNCIL:
            if not data.get("audience_council"):
                self.add_error("audience_council", _("Choose the council."))
                return None
            return data["audience_council"].pk
        if kind == Audience.PARTY_ORGANIZATION:
            self.add_error(
                "audience_kind",
                _("Party organizations are not available yet; choose the party members of an area."),
            )
            return None
        if not data.get("audience_area"):
            self.add_error("audience_area", _("Choose the area."))
            return None
        return data["audience_area"].pk


class NoticeForm(AudienceMixin):
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=Notice.Kind.choices)
    title = CleanCharField(label=gettext_lazy("Title"), max_length=160)
    body = CleanCharField(label=gettext_lazy("Text"), widget=forms.Textarea(attrs={"rows": 6}))
    publish_at = DateTimeLocalField(
        label=gettext_lazy("Publication time"), required=False, help_text=gettext_lazy("Empty: now.")
    )
    expires_at = DateTimeLocalField(label=gettext_lazy("Expires at"), required=False)
    receipts_required = forms.BooleanField(label=gettext_lazy("Ask for read receipts"), required=False)
    is_public = forms.BooleanField(label=gettext_lazy("Also show on the public board"), required=False)

    field_order = ["kind", "title", "body", "audience_kind", "audience_area", "audience_council"]


def parse_questions(text: str) -> list[dict]:
    questions = []
    for number, raw in enumerate((text or "").splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        head, sep, rest = line.partition(":")
        if not sep:
            head, sep, rest = line.partition("：")
        kind = KIND_WORDS.get(head.strip().lower())
        if not sep or kind is None:
            raise ValidationError(
                _("Line %(n)d: start with single:, multiple:, text: or rating:.") % {"n": number}
            )
        parts = [p.strip() for p in rest.split("|")]
        question = {"kind": kind, "text": parts[0], "choices": [p for p in parts[1:] if p], "required": True}
        if kind == SurveyQuestion.Kind.RATING and question["choices"] and question["choices"][0].isdigit():
            question["rating_max"] = int(question["choices"][0])
            question["choices"] = []
        questions.append(question)
    if not questions:
        raise ValidationError(_("Add at least one question."))
    return questions


class SurveyForm(AudienceMixin):
    title = CleanCharField(label=gettext_lazy("Title"), max_length=160)
    description = CleanCharField(
        label=gettext_lazy("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    council = forms.ModelChoiceField(
        label=gettext_lazy("Run by council"), queryset=Area.objects.none(), required=False
    )
    opens_at = DateTimeLocalField(label=gettext_lazy("Opens at"))
    closes_at = DateTimeLocalField(label=gettext_lazy("Closes at"))
    questions = CleanCharField(
        label=gettext_lazy("Questions"), widget=forms.Textarea(attrs={"rows": 6}), help_text=QUESTION_HELP
    )

    field_order = ["title", "description", "council", "audience_kind", "audience_area", "audience_council"]

    def clean_questions(self):
        return parse_questions(self.cleaned_data["questions"])


class ResponseForm(forms.Form):
    """Built from the survey's questions: one field per question, named q<id>."""

    def __init__(self, *args, survey, **kwargs):
        super().__init__(*args, **kwargs)
        for q in survey.questions.all():
            name = f"q{q.pk}"
            required = q.required
            if q.kind == SurveyQuestion.Kind.SINGLE:
                field = forms.TypedChoiceField(
                    choices=list(enumerate(q.choices)),
                    coerce=int,
                    widget=forms.RadioSelect,
                    required=required,
                )
            elif q.kind == SurveyQuestion.Kind.MULTIPLE:
                field = forms.TypedMultipleChoiceField(
                    choices=list(enumerate(q.choices)),
                    coerce=int,
                    widget=forms.CheckboxSelectMultiple,
                    required=required,
                )
            elif q.kind == SurveyQuestion.Kind.RATING:
                field = forms.TypedChoiceField(
                    choices=[(i, str(i)) for i in range(1, q.rating_max + 1)],
                    coerce=int,
                    widget=forms.RadioSelect,
                    required=required,
                )
            else:
                field = CleanCharField(
                    widget=forms.Textarea(attrs={"rows": 3}), max_length=2000, required=required
                )
            field.label = q.text
            self.fields[name] = field

    def answers(self) -> dict:
        return {name[1:]: value for name, value in self.cleaned_data.items()}


class NeedFromForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Kind of help"), choices=NeedKind.choices)
    title = CleanCharField(label=gettext_lazy("Title"), max_length=160)
    wanted_from = DateTimeLocalField(label=gettext_lazy("Wanted from"))
    wanted_until = DateTimeLocalField(label=gettext_lazy("Wanted until"))
    quantity = forms.IntegerField(label=gettext_lazy("Quantity needed"), min_value=1, initial=1)
    people_count = forms.IntegerField(label=gettext_lazy("People concerned"), min_value=1, initial=1)
    place = CleanCharField(label=gettext_lazy("Place"), max_length=200, required=False)
    answer = forms.IntegerField(required=False, widget=forms.HiddenInput)


class ProposalFromForm(forms.Form):
    title = CleanCharField(label=gettext_lazy("Proposal title"), max_length=200)
    body = CleanCharField(label=gettext_lazy("Proposal"), widget=forms.Textarea(attrs={"rows": 3}))
    answer = forms.IntegerField(required=False, widget=forms.HiddenInput)


class SuggestionForm(forms.Form):
    area = forms.ModelChoiceField(label=gettext_lazy("For which area"), queryset=Area.objects.none())
    title = CleanCharField(label=gettext_lazy("Subject"), max_length=120)
    body = CleanCharField(label=gettext_lazy("Your suggestion"), widget=forms.Textarea(attrs={"rows": 5}))
    publish_answer = forms.BooleanField(
        label=gettext_lazy("The answer may be shown on the public list (without my name)"),
        required=False,
        initial=True,
    )

    def __init__(self, *args, areas, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = areas


class AnswerForm(forms.Form):
    answer = CleanCharField(label=gettext_lazy("Answer"), widget=forms.Textarea(attrs={"rows": 3}))


class ToCaseForm(forms.Form):
    category = forms.ModelChoiceField(label=gettext_lazy("Case category"), queryset=Area.objects.none())
    urgent = forms.BooleanField(label=gettext_lazy("Urgent"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from gongzhi.cases.models import CaseCategory

        self.fields["category"].queryset = CaseCategory.objects.filter(is_active=True).order_by("name")


class ToProposalForm(forms.Form):
    title = CleanCharField(label=gettext_lazy("Proposal title"), max_length=200, required=False)


class ToNeedForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Kind of help"), choices=NeedKind.choices)
    wanted_from = DateTimeLocalField(label=gettext_lazy("Wanted from"))
    wanted_until = DateTimeLocalField(label=gettext_lazy("Wanted until"))
    quantity = forms.IntegerField(label=gettext_lazy("Quantity needed"), min_value=1, initial=1)
    people_count = forms.IntegerField(label=gettext_lazy("People concerned"), min_value=1, initial=1)
