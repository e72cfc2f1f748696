"""Annual inspection actions: open a year, draft and submit a report, return it, review it."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongzhi.core import audit, events, policy

from .. import figures
from .. import permissions as P
from ..models import AnnualInspection, SocialOrganization
from ..models.inspection import STAFF_GROUPS, STAFF_SUBSETS
from ..models.registry import OrgStatus
from ..validation import check_staff

audit.register_verb("inspection.opened", gettext_lazy("annual inspection year opened"))
audit.register_verb("inspection.saved", gettext_lazy("annual report saved"))
audit.register_verb("inspection.submitted", gettext_lazy("annual report submitted"))
audit.register_verb("inspection.returned", gettext_lazy("annual report returned"))
audit.register_verb("inspection.reviewed", gettext_lazy("annual inspection result recorded"))

STAFF_FIELDS = ["staff_total", *[f for fields in STAFF_GROUPS.values() for f in fields], *STAFF_SUBSETS]
MONEY_FIELDS = ["net_assets", "total_income", "total_expenditure"]
REPORT_FIELDS = [*STAFF_FIELDS, *MONEY_FIELDS, "activities", "party_building"]
EXEMPT_MONTHS = 6


def is_exempt(registered_on: dt.date, year: int) -> bool:
    """Organizations under six months old on 31 December of the year are exempt."""
    cutoff = dt.date(year, 12, 31)
    six_months_before = dt.date(year, 6, 30)  # 31 Dec minus six months
    return registered_on > six_months_before and registered_on <= cutoff


def open_inspection_year(*, actor, area, year: int, due_on: dt.date) -> int:
    """Create a draft report (or an exemption) for every registered organization in the area subtree."""
    policy.require(actor, P.REVIEW_INSPECTION, area=area)
    if due_on.year <= year:
        raise ValidationError({"due_on": _("Reports for a year are due in a later year.")})
    from gongzhi.areas.models import subtree_q

    orgs = (
        SocialOrganization.objects.filter(subtree_q("area_path", area.path))
        .select_related("area")
        .exclude(status=OrgStatus.DEREGISTERED)
        .filter(registered_on__lte=dt.date(year, 12, 31))
        .exclude(inspections__year=year)
    )
    rows = []
    for org in orgs.iterator(chunk_size=2000):
        exempt = is_exempt(org.registered_on, year)
        row = AnnualInspection(
            organization=org,
            org_type=org.org_type,
            year=year,
            due_on=due_on,
            state=AnnualInspection.State.EXEMPT if exempt else AnnualInspection.State.DRAFT,
            exempt_reason=_("Registered less than six months before 31 December.") if exempt else "",
        )
        row.set_area(org.area)
        rows.append(row)
    with transaction.atomic():
        AnnualInspection.objects.bulk_create(rows, batch_size=2000)
        audit.record(actor, "inspection.opened", area, details={"year": year, "reports": len(rows)})
        events.publish("inspection.opened", snapshots=[figures.inspection_snapshot(row) for row in rows])
    return len(rows)


def _editable(inspection, actor):
    policy.require(actor, P.SUBMIT_INSPECTION, body=inspection.organization)
    if inspection.state not in {AnnualInspection.State.DRAFT, AnnualInspection.State.RETURNED}:
        raise ValidationError(_("This report can no longer be changed."))


def save_inspection(*, actor, inspection, **values) -> AnnualInspection:
    """Save a draft; sums are checked on submission, negative money refused at once."""
    _editable(inspection, actor)
    unknown = set(values) - set(REPORT_FIELDS)
    if unknown:
        raise ValueError(f"unknown fields {sorted(unknown)}")
    for field in MONEY_FIELDS:
        if values.get(field) is not None and values[field] < 0:
            raise ValidationError({field: _("Amounts cannot be negative.")})
    with transaction.atomic():
        row = AnnualInspection.objects.select_for_update().get(pk=inspection.pk)
        _editable(row, actor)
        for key, value in values.items():
            setattr(row, key, value)
        row.full_clean(exclude=["area_path"])
        row.save()
        audit.record(actor, "inspection.saved", row, details={"year": row.year})
    return row


def submit_inspection(*, actor, inspection, **values) -> AnnualInspection:
    _editable(inspection, actor)
    with transaction.atomic():
        row = save_inspection(actor=actor, inspection=inspection, **values) if values else inspection
        row = AnnualInspection.objects.select_for_update().get(pk=row.pk)
        before = figures.inspection_snapshot(row)
        check_staff({f: getattr(row, f) for f in STAFF_FIELDS})
        updated = AnnualInspection.objects.filter(
            pk=row.pk, state__in=[AnnualInspection.State.DRAFT, AnnualInspection.State.RETURNED]
        ).update(
            state=AnnualInspection.State.SUBMITTED, submitted_at=timezone.now(), submitted_by=_user(actor)
        )
        if not updated:
            raise ValidationError(_("This report can no longer be changed."))
        row.refresh_from_db()
        audit.record(actor, "inspection.submitted", row, details={"year": row.year})
        events.publish(
            "inspection.submitted",
            inspection_id=row.pk,
            before=before,
            after=figures.inspection_snapshot(row),
        )
    return row


def return_inspection(*, actor, inspection, reason: str) -> AnnualInspection:
    policy.require(actor, P.REVIEW_INSPECTION, body=inspection.organization)
    if not (reason or "").strip():
        raise ValidationError({"return_reason": _("Say what must be corrected.")})
    with transaction.atomic():
        before = {**figures.inspection_snapshot(inspection), "state": AnnualInspection.State.SUBMITTED}
        updated = AnnualInspection.objects.filter(
            pk=inspection.pk, state=AnnualInspection.State.SUBMITTED
        ).update(state=AnnualInspection.State.RETURNED, return_reason=reason)
        if not updated:
            raise ValidationError(_("Only a submitted report can be returned."))
        inspection.refresh_from_db()
        audit.record(actor, "inspection.returned", inspection, details={"reason": reason})
        events.publish(
            "inspection.returned",
            inspection_id=inspection.pk,
            before=before,
            after=figures.inspection_snapshot(inspection),
        )
    return inspection


def review_inspection(*, actor, inspection, result: str, reason: str = "") -> AnnualInspection:
    policy.require(actor, P.REVIEW_INSPECTION, body=inspection.organization)
    if result not in AnnualInspection.Result.values:
        raise ValidationError({"result": _("Choose qualified, basically qualified or unqualified.")})
    if result != AnnualInspection.Result.QUALIFIED and not (reason or "").strip():
        raise ValidationError({"result_reason": _("Give the reason for this result.")})
    with transaction.atomic():
        before = {
            **figures.inspection_snapshot(inspection),
            "state": AnnualInspection.State.SUBMITTED,
            "result": "",
        }
        updated = AnnualInspection.objects.filter(
            pk=inspection.pk, state=AnnualInspection.State.SUBMITTED
        ).update(
            state=AnnualInspection.State.REVIEWED,
            result=result,
            result_reason=reason,
            reviewed_at=timezone.now(),
            reviewed_by=_user(actor),
        )
        if not updated:
            raise ValidationError(_("Only a submitted report can be reviewed."))
        inspection.refresh_from_db()
        audit.record(actor, "inspection.reviewed", inspection, details={"result": result})
        events.publish(
            "inspection.reviewed",
            inspection_id=inspection.pk,
            before=before,
            after=figures.inspection_snapshot(inspection),
        )
    return inspection


def _user(actor):
    return actor if getattr(actor, "pk", None) else None
