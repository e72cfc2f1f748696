"""Results feed: from a closed round, nominate party organizations for an honour through the party
app's `nominate_honour` (its eligibility rule still applies) and record and apply the grade suggested
for a social organization through the orgs app's `set_grade`. The other apps' actions do their own
permission checks and audit; this app records on the subject what was fed where."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from gongzhi.core import audit, policy

from .. import permissions as P
from ..models import Round, Subject, SubjectKind
from ._common import raise_if, text

GRADES = ("1A", "2A", "3A", "4A", "5A")


def _closed_subject(subject: Subject, kind: str) -> Subject:
    subject = (
        Subject.objects.select_for_update(of=("self",))
        .select_related("round", "round__scheme", "area", "social_organization", "party_organization")
        .get(pk=subject.pk)
    )
    if subject.round.state != Round.State.CLOSED:
        raise ValidationError({"round": _("Results feed only from a closed round.")})
    if subject.kind != kind:
        raise ValidationError({"subject": _("This subject is of another kind.")})
    return subject


def honour_eligibility(subject: Subject) -> tuple[bool, str]:
    """The party app's 创先争优 rule for the subject's organization in the scheme's year."""
    from gongzhi.party.actions.gives import eligibility

    return eligibility(subject.party_organization, subject.round.scheme.year)


@transaction.atomic
def nominate_for_honour(*, actor, subject: Subject, awarded_by, title: str, citation: str = ""):
    """Nominate a ranked party organization of a closed round for an honour given by `awarded_by`
    (a higher organization whose area holds the subject). The party app checks who may nominate
    (`party.manage` over `awarded_by`) and the eligibility rule, whose reason is shown if it refuses."""
    from gongzhi.party.actions.gives import nominate_honour

    subject = _closed_subject(subject, SubjectKind.PARTY_ORGANIZATION)
    if subject.honour_id is not None:
        raise ValidationError({"subject": _("This organization has already been nominated from this round.")})
    org = subject.party_organization
    if awarded_by is None or not org.area_path.startswith(awarded_by.area_path) or awarded_by.pk == org.pk:
        raise ValidationError(
            {"awarded_by": _("The honour is given by a higher party organization of the subject's area.")}
        )
    year = subject.round.scheme.year
    honour = nominate_honour(
        actor=actor,
        awarded_by=awarded_by,
        year=year,
        title=title,
        organization=org,
        citation=citation
        or _("Ranked %(rank)s in %(round)s with %(total)s points.")
        % {"rank": subject.rank, "round": subject.round.name, "total": subject.total},
    )
    subject.honour = honour
    subject.save(update_fields=["honour"])
    audit.record(
        actor,
        "evaluation.honour_nominated",
        subject,
        details={"round": subject.round_id, "honour": honour.pk, "rank": subject.rank},
    )
    return honour


@transaction.atomic
def suggest_grade(*, actor, subject: Subject, grade: str, note: str = "") -> Subject:
    """The registry officer's grade suggestion for an organization (pre-filled from the total; "" for none)."""
    subject = _closed_subject(subject, SubjectKind.SOCIAL_ORGANIZATION)
    policy.require(actor, P.SUGGEST_GRADE, body=subject.social_organization)
    errors: dict = {}
    if grade not in ("", *GRADES):
        errors["grade"] = _("A grade is one of 1A to 5A, or none.")
    note = text(errors, "note", note, 300, required=False)
    raise_if(errors)
    if subject.grade_applied_on is not None:
        raise ValidationError({"grade": _("The grade has already been applied to the organization.")})
    subject.suggested_grade, subject.grade_note = grade, note
    subject.save(update_fields=["suggested_grade", "grade_note"])
    audit.record(
        actor, "evaluation.grade_suggested", subject, details={"round": subject.round_id, "grade": grade}
    )
    return subject


@transaction.atomic
def apply_grade(*, actor, subject: Subject, awarded_on: dt.date) -> Subject:
    """Apply the suggested grade to the organization through the orgs app's `set_grade`."""
    from gongzhi.orgs.actions import set_grade

    subject = _closed_subject(subject, SubjectKind.SOCIAL_ORGANIZATION)
    policy.require(actor, P.SUGGEST_GRADE, body=subject.social_organization)
    if not subject.suggested_grade:
        raise ValidationError({"grade": _("Record a grade suggestion first.")})
    if subject.grade_applied_on is not None:
        raise ValidationError({"grade": _("The grade has already been applied to the organization.")})
    if not isinstance(awarded_on, dt.date):
        raise ValidationError({"awarded_on": _("Enter a date.")})
    set_grade(
        actor=actor,
        organization=subject.social_organization,
        grade=subject.suggested_grade,
        awarded_on=awarded_on,
    )
    subject.grade_applied_on = awarded_on
    subject.save(update_fields=["grade_applied_on"])
    audit.record(
        actor,
        "evaluation.grade_applied",
        subject,
        details={"round": subject.round_id, "grade": subject.suggested_grade, "awarded_on": str(awarded_on)},
    )
    return subject
