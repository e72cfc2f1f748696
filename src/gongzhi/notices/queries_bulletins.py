"""Read side of notices, surveys and the suggestion box: scoped lists, inboxes, the public board."""

from django.db.models import Q
from django.utils import timezone

from gongzhi.areas.models import Area, subtree_q
from gongzhi.core import policy

from .bulletins import VIEW_SENT
from .models_bulletins import Notice, NoticeRecipient, Suggestion, Survey, SurveyResponse
from .suggestions import HANDLE
from .surveys import RUN


def _paths_q(user, capability, field="area_path") -> Q:
    paths = policy.area_paths(user, capability)
    if paths is None:
        return Q()
    q = Q(pk__in=[])
    for p in paths:
        q |= subtree_q(field, p)
    return q


def sent_notices(user, area: Area | None = None):
    """Notices sent to audiences in the user's areas (or one area's subtree), and the user's own."""
    qs = Notice.objects.select_related("area")
    if area is not None:
        return qs.filter(subtree_q("area_path", area.path))
    return qs.filter(_paths_q(user, VIEW_SENT) | Q(author=user))


def my_notices(user, now=None):
    """The user's received notices (receipts), newest first; expired and withdrawn ones left out."""
    now = now or timezone.now()
    return (
        NoticeRecipient.objects.filter(user=user, notice__state=Notice.State.PUBLISHED)
        .filter(Q(notice__expires_at__isnull=True) | Q(notice__expires_at__gt=now))
        .select_related("notice")
    )


def public_notices(now=None):
    now = now or timezone.now()
    return (
        Notice.objects.filter(is_public=True, state=Notice.State.PUBLISHED)
        .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
        .select_related("area")
    )


def receipts(notice: Notice, *, unread_only=False):
    qs = NoticeRecipient.objects.filter(notice=notice).select_related("user")
    return qs.filter(read_at__isnull=True) if unread_only else qs


def read_count(notice: Notice) -> int:
    # One index range (notice, read_at) on the receipts of one notice.
    return NoticeRecipient.objects.filter(notice=notice, read_at__isnull=False).count()


def run_surveys(user, area: Area | None = None):
    qs = Survey.objects.select_related("area", "council")
    if area is not None:
        return qs.filter(subtree_q("area_path", area.path))
    return qs.filter(_paths_q(user, RUN) | Q(created_by=user) | Q(council__clerk=user))


def surveys_for_respondent(user, now=None):
    """Published, open surveys; the page filters to those whose audience includes the user."""
    now = now or timezone.now()
    answered = SurveyResponse.objects.filter(respondent=user).values("survey_id")
    return (
        Survey.objects.filter(state=Survey.State.PUBLISHED, opens_at__lte=now, closes_at__gt=now)
        .exclude(pk__in=answered)
        .order_by("closes_at", "id")
    )


def suggestions_for_staff(user, area: Area | None = None, state: str = ""):
    qs = Suggestion.objects.select_related("area", "submitter")
    qs = (
        qs.filter(subtree_q("area_path", area.path))
        if area is not None
        else qs.filter(_paths_q(user, HANDLE))
    )
    return qs.filter(state=state) if state else qs


def my_suggestions(user):
    return Suggestion.objects.filter(submitter=user).select_related("area")


def answered_suggestions(area: Area | None = None):
    qs = Suggestion.objects.filter(publish_answer=True, answered_at__isnull=False).select_related("area")
    return qs.filter(subtree_q("area_path", area.path)) if area is not None else qs
