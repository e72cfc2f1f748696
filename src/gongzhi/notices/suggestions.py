"""The suggestion box (意见箱): anyone posts (rate-limited), staff answer or turn it into a case, a
resident proposal or a need; the submitter (if known) is told; answered ones go on a public list.

Rate limiting uses Django's cache (Redis when configured): per client address for anonymous posts,
per account for signed-in ones. A refused post writes nothing and says when to try again.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongzhi.accounts.roles import Role
from gongzhi.core import audit, policy
from gongzhi.core.strings import has_control_chars

from .actions import notify, register_kind
from .models_bulletins import Suggestion

R = Role
HANDLE = policy.register(
    "notices.handle_suggestions",
    [R.CITY_ADMIN, R.DISTRICT_ADMIN, R.STREET_ADMIN, R.COMMUNITY_WORKER, R.COMMITTEE_WORKER],
)
OUTCOME_KIND = register_kind("notices.suggestion_outcome", gettext_lazy("outcome of your suggestion"))
AREA_KINDS = {"street", "town", "community", "residents_committee", "village_committee", "compound", "grid"}
WINDOW_SECONDS = 3600

for _verb, _label in [
    ("suggestion.submitted", gettext_lazy("suggestion posted")),
    ("suggestion.answered", gettext_lazy("suggestion answered")),
    ("suggestion.to_case", gettext_lazy("suggestion turned into a case")),
    ("suggestion.to_proposal", gettext_lazy("suggestion turned into a resident proposal")),
    ("suggestion.to_need", gettext_lazy("suggestion turned into a need")),
]:
    audit.register_verb(_verb, _label)


class RateLimited(ValidationError):
    """Too many suggestions from one client: nothing was written; `retry_after` seconds to wait."""

    def __init__(self, retry_after: int):
        super().__init__(
            {"__all__": _("You have posted too many suggestions; please try again in an hour.")},
            code="rate_limited",
        )
        self.retry_after = retry_after


def limits() -> tuple[int, int]:
    """(anonymous per hour per address, signed-in per hour per account)."""
    return (
        int(getattr(settings, "GONGZHI_SUGGESTIONS_PER_HOUR_ANONYMOUS", 5)),
        int(getattr(settings, "GONGZHI_SUGGESTIONS_PER_HOUR_USER", 10)),
    )


def _rate_key(actor, client_address: str) -> tuple[str, int]:
    anonymous, signed_in = limits()
    if getattr(actor, "pk", None):
        return f"gz:suggestion-rate:u{actor.pk}", signed_in
    # The address is hashed: the cache never holds who posted what.
    digest = hashlib.sha256(f"{settings.SECRET_KEY}|{client_address or '-'}".encode()).hexdigest()[:32]
    return f"gz:suggestion-rate:a{digest}", anonymous


def _take_slot(actor, client_address: str) -> None:
    key, limit = _rate_key(actor, client_address)
    cache.add(key, 0, WINDOW_SECONDS)
    try:
        used = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, WINDOW_SECONDS)
        used = 1
    if used > limit:
        raise RateLimited(WINDOW_SECONDS)


def _text(errors, field, value, limit, minimum=1) -> str:
    value = (value or "").strip()
    if len(value) < minimum:
        errors[field] = (
            _("This field is required.")
            if minimum == 1
            else _("Write at least %(n)d characters.") % {"n": minimum}
        )
    elif len(value) > limit:
        errors[field] = _("At most %(n)d characters.") % {"n": limit}
    elif has_control_chars(value):
        errors[field] = _("Text must not contain NUL or other control characters.")
    return value


def submit_suggestion(
    *,
    actor,
    area,
    title: str,
    body: str,
    client_address: str = "",
    publish_answer: bool = True,
    rate_limited: bool = True,
) -> Suggestion:
    """Anyone — signed in or not — posts a suggestion for an area (a street/town or a place inside)."""
    errors: dict = {}
    if area is None or getattr(area, "kind", None) not in AREA_KINDS or getattr(area, "abolished_on", None):
        errors["area"] = _("Choose a street/town, community or committee.")
    title = _text(errors, "title", title, 120)
    body = _text(errors, "body", body, 5000, minimum=5)
    if errors:
        raise ValidationError(errors)
    if rate_limited:  # off only for the system's own loaders (demo data), never for a request
        _take_slot(actor, client_address)
    submitter = actor if getattr(actor, "pk", None) else None
    with transaction.atomic():
        suggestion = Suggestion(
            title=title, body=body, submitter=submitter, publish_answer=bool(publish_answer)
        )
        suggestion.set_area(area)
        suggestion.save()
        audit.record(
            actor if submitter else None,
            "suggestion.submitted",
            suggestion,
            details={"anonymous": submitter is None},
        )
    return suggestion


def can_handle(actor, suggestion: Suggestion) -> bool:
    return policy.can(actor, HANDLE, area=suggestion.area)


def _claim(
    suggestion: Suggestion, state: str, answer: str, actor, outcome_type="", outcome_id=None
) -> Suggestion:
    now = timezone.now()
    taken = Suggestion.objects.filter(pk=suggestion.pk, state=Suggestion.State.NEW).update(
        state=state,
        answer=answer,
        answered_by=actor if getattr(actor, "pk", None) else None,
        answered_at=now,
        outcome_type=outcome_type,
        outcome_id=outcome_id,
    )
    if not taken:
        raise ValidationError({"state": _("This suggestion has already been handled.")})
    suggestion.refresh_from_db()
    return suggestion


def _tell_submitter(suggestion: Suggestion) -> None:
    if suggestion.submitter_id:
        notify(
            actor=None,
            recipients=[suggestion.submitter_id],
            kind=OUTCOME_KIND,
            title=(_("Your suggestion was handled: %(title)s") % {"title": suggestion.title})[:200],
            body=suggestion.answer[:300],
            url=reverse("bulletins:my_suggestions"),
        )


def _require(actor, suggestion: Suggestion) -> None:
    policy.require(actor, HANDLE, area=suggestion.area)
    if suggestion.state != Suggestion.State.NEW:
        raise ValidationError({"state": _("This suggestion has already been handled.")})


def answer_suggestion(*, actor, suggestion: Suggestion, answer: str) -> Suggestion:
    _require(actor, suggestion)
    errors: dict = {}
    answer = _text(errors, "answer", answer, 5000)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        _claim(suggestion, Suggestion.State.ANSWERED, answer, actor)
        audit.record(actor, "suggestion.answered", suggestion)
        _tell_submitter(suggestion)
    return suggestion


def suggestion_to_case(
    *, actor, suggestion: Suggestion, category, answer: str = "", urgent: bool = False
) -> Suggestion:
    """Receive the suggestion as a case (channel "suggestion_box"); the submitter follows it as reporter."""
    from gongzhi.cases.actions.intake import receive_case

    _require(actor, suggestion)
    with transaction.atomic():
        case = receive_case(
            actor=actor,
            category=category,
            area=suggestion.area,
            channel="suggestion_box",
            title=suggestion.title,
            description=suggestion.body,
            reporter_user=suggestion.submitter,
            anonymous=suggestion.submitter_id is None,
            urgent=urgent,
            source_type="notices.suggestion",
            source_id=suggestion.pk,
        )
        text = (answer or "").strip() or _("Received as case %(number)s; you can follow its handling.") % {
            "number": case.number
        }
        _claim(suggestion, Suggestion.State.CASE, text[:5000], actor, "cases.case", case.pk)
        audit.record(
            actor, "suggestion.to_case", suggestion, details={"case": case.pk, "number": case.number}
        )
        _tell_submitter(suggestion)
    return suggestion


def suggestion_to_proposal(*, actor, suggestion: Suggestion, title: str = "", answer: str = "") -> Suggestion:
    """Put the suggestion forward as a resident proposal (in the submitter's name when known)."""
    from .conversions import make_proposal

    _require(actor, suggestion)
    with transaction.atomic():
        proposal = make_proposal(
            area=suggestion.area,
            proposer=suggestion.submitter or actor,
            title=title or suggestion.title,
            body=suggestion.body,
            source_type="notices.suggestion",
            source_id=suggestion.pk,
        )
        text = (answer or "").strip() or _("Put forward as a resident proposal for deliberation.")
        _claim(suggestion, Suggestion.State.PROPOSAL, text[:5000], actor, "councils.proposal", proposal.pk)
        audit.record(actor, "suggestion.to_proposal", suggestion, details={"proposal": proposal.pk})
        _tell_submitter(suggestion)
    return suggestion


def suggestion_to_need(*, actor, suggestion: Suggestion, answer: str = "", **need_fields) -> Suggestion:
    """Publish a need from the suggestion (kind, wanted period, quantity … in need_fields)."""
    from gongzhi.matching.actions import publish_need

    _require(actor, suggestion)
    need_fields.setdefault("title", suggestion.title)
    need_fields.setdefault("description", suggestion.body)
    need_fields.setdefault("area", suggestion.area)
    with transaction.atomic():
        need = publish_need(
            actor=actor, source_type="notices.suggestion", source_id=suggestion.pk, **need_fields
        )
        text = (answer or "").strip() or _("Published as a need; resources will be matched to it.")
        _claim(suggestion, Suggestion.State.NEED, text[:5000], actor, "matching.need", need.pk)
        audit.record(actor, "suggestion.to_need", suggestion, details={"need": need.pk})
        _tell_submitter(suggestion)
    return suggestion


def require_view(actor, suggestion: Suggestion) -> None:
    if can_handle(actor, suggestion):
        return
    if actor is not None and getattr(actor, "pk", None) and suggestion.submitter_id == actor.pk:
        return
    raise PermissionDenied(HANDLE)
