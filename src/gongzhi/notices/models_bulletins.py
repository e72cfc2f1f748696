"""Notices to audiences with read receipts, surveys with one response per person, the suggestion box."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongzhi.areas.scoped import AreaScoped


class Audience(models.TextChoices):
    """Who a notice or a survey goes to; each kind has one resolver in notices/audiences.py."""

    AREA_RESIDENTS = "area_residents", _("residents of an area")
    AREA_PARTY_MEMBERS = "area_party_members", _("party members of an area")
    PARTY_ORGANIZATION = "party_organization", _("members of a party organization")
    AREA_UNITS = "area_units", _("stationed units of an area")
    AREA_ORGANIZATIONS = "area_organizations", _("social organizations of an area")
    COUNCIL = "council", _("members of a council")


class Notice(AreaScoped):
    """An announcement, bulletin or honours publicity; its area is the area of its audience."""

    class Kind(models.TextChoices):
        ANNOUNCEMENT = "announcement", _("announcement")
        BULLETIN = "bulletin", _("bulletin")
        HONOUR = "honour", _("honours publicity")

    class State(models.TextChoices):
        SCHEDULED = "scheduled", _("scheduled")
        PUBLISHED = "published", _("published")
        WITHDRAWN = "withdrawn", _("withdrawn")

    kind = models.CharField(_("kind"), max_length=14, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=160)
    body = models.TextField(_("text"))
    audience_kind = models.CharField(_("audience"), max_length=20, choices=Audience.choices)
    audience_id = models.BigIntegerField(_("audience id"))
    audience_label = models.CharField(_("audience"), max_length=160)
    publish_at = models.DateTimeField(_("publication time"))
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    receipts_required = models.BooleanField(_("read receipts"), default=False)
    is_public = models.BooleanField(_("also on the public board"), default=False)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.SCHEDULED)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    recipient_count = models.PositiveIntegerField(_("recipients"), default=0)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        indexes = [
            models.Index(fields=["area_path", "publish_at", "id"], name="notice_area_time"),
            models.Index(fields=["publish_at"], condition=Q(state="scheduled"), name="notice_due"),
            models.Index(fields=["is_public", "state", "publish_at"], name="notice_public"),
        ]

    def __str__(self):
        return self.title

    def is_expired(self, now=None) -> bool:
        return self.expires_at is not None and self.expires_at <= (now or timezone.now())


class NoticeRecipient(models.Model):
    """One addressee of a published notice: the read receipt and the reminders sent."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="recipients")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    reminders = models.PositiveSmallIntegerField(_("reminders"), default=0)
    last_reminded_at = models.DateTimeField(_("last reminded"), null=True, blank=True)

    class Meta:
        verbose_name = _("notice recipient")
        verbose_name_plural = _("notice recipients")
        constraints = [models.UniqueConstraint(fields=["notice", "user"], name="noticerecipient_once")]
        indexes = [
            models.Index(fields=["notice", "read_at", "id"], name="noticerecipient_read"),
            models.Index(fields=["user", "-id"], name="noticerecipient_inbox"),
        ]

    def __str__(self):
        return f"{self.notice} · {self.user}"


class Survey(AreaScoped):
    """A simple survey (问卷) run by a committee or a council for an audience between two dates."""

    class State(models.TextChoices):
        DRAFT = "draft", _("draft")
        PUBLISHED = "published", _("published")
        CLOSED = "closed", _("closed")

    title = models.CharField(_("title"), max_length=160)
    description = models.TextField(_("description"), blank=True)
    council = models.ForeignKey(
        "councils.Council",
        verbose_name=_("run by council"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    audience_kind = models.CharField(_("audience"), max_length=20, choices=Audience.choices)
    audience_id = models.BigIntegerField(_("audience id"))
    audience_label = models.CharField(_("audience"), max_length=160)
    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(_("closes at"))
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.DRAFT)
    response_count = models.PositiveIntegerField(_("responses"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")
        indexes = [models.Index(fields=["area_path", "opens_at", "id"], name="survey_area_time")]

    def __str__(self):
        return self.title

    def is_open(self, now=None) -> bool:
        now = now or timezone.now()
        return self.state == self.State.PUBLISHED and self.opens_at <= now < self.closes_at


class SurveyQuestion(models.Model):
    class Kind(models.TextChoices):
        SINGLE = "single", _("single choice")
        MULTIPLE = "multiple", _("multiple choice")
        TEXT = "text", _("text")
        RATING = "rating", _("rating")

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(_("position"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    text = models.CharField(_("question"), max_length=300)
    choices = models.JSONField(_("choices"), default=list, blank=True)
    required = models.BooleanField(_("required"), default=True)
    rating_max = models.PositiveSmallIntegerField(_("highest rating"), default=5)

    class Meta:
        verbose_name = _("survey question")
        verbose_name_plural = _("survey questions")
        ordering = ["survey", "position"]
        constraints = [models.UniqueConstraint(fields=["survey", "position"], name="surveyquestion_position")]

    def __str__(self):
        return self.text


class SurveyResponse(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    respondent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)

    class Meta:
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")
        # One response per person, enforced by the database (two tabs, two requests: one wins).
        constraints = [models.UniqueConstraint(fields=["survey", "respondent"], name="surveyresponse_once")]

    def __str__(self):
        return f"{self.survey} · {self.respondent}"


class SurveyAnswer(models.Model):
    response = models.ForeignKey(SurveyResponse, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(SurveyQuestion, on_delete=models.CASCADE, related_name="answers")
    # Indexes into question.choices for single and multiple choice.
    selected = models.JSONField(default=list, blank=True)
    text = models.TextField(blank=True)
    rating = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("survey answer")
        verbose_name_plural = _("survey answers")
        indexes = [models.Index(fields=["question", "id"], name="surveyanswer_question")]

    def __str__(self):
        return f"{self.question} · {self.response_id}"


class Suggestion(AreaScoped):
    """An entry in the suggestion box (意见箱): answered directly, or turned into a case, proposal or need."""

    class State(models.TextChoices):
        NEW = "new", _("new")
        ANSWERED = "answered", _("answered")
        CASE = "case", _("turned into a case")
        PROPOSAL = "proposal", _("turned into a resident proposal")
        NEED = "need", _("turned into a need")

    title = models.CharField(_("title"), max_length=120)
    body = models.TextField(_("suggestion"))
    submitter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.NEW)
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    # What it became: "cases.case", "councils.proposal" or "matching.need" and that row's id.
    outcome_type = models.CharField(max_length=40, blank=True)
    outcome_id = models.BigIntegerField(null=True, blank=True)
    publish_answer = models.BooleanField(_("may be shown on the public list once answered"), default=True)
    created_at = models.DateTimeField(_("submitted at"), auto_now_add=True)
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        verbose_name = _("suggestion")
        verbose_name_plural = _("suggestions")
        indexes = [
            models.Index(fields=["area_path", "state", "id"], name="suggestion_area_state"),
            models.Index(fields=["submitter", "-id"], name="suggestion_submitter"),
            models.Index(
                fields=["area_path", "answered_at", "id"],
                condition=Q(publish_answer=True, answered_at__isnull=False),
                name="suggestion_public",
            ),
        ]

    def __str__(self):
        return self.title
