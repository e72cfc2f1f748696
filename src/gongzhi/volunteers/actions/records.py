"""Service records under the national recording rules, audited corrections, and service certificates."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongzhi.areas.models import Area
from gongzhi.core import audit, policy

from .. import permissions as P
from ..models import Certificate, ServiceRecord, Volunteer
from .base import (
    active_in_month,
    clean_hours,
    clean_text,
    count_first_service,
    lock_volunteer,
    publish_hours,
    recompute_totals,
)

audit.register_verb("volunteers.hours_recorded", gettext_lazy("service hours recorded"))
audit.register_verb("volunteers.hours_corrected", gettext_lazy("service hours corrected"))
audit.register_verb("volunteers.hours_voided", gettext_lazy("service record voided"))
audit.register_verb("volunteers.certificate_issued", gettext_lazy("service certificate issued"))


def _served_on(value, field="served_on") -> dt.date:
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        raise ValidationError({field: _("Give the date of service.")})
    if value > timezone.localdate():
        raise ValidationError({field: _("Service cannot be recorded for a future date.")})
    return value


def _check_activity_hours(activity, hours, field):
    if activity is None:
        return
    longest = (activity.ends_at - activity.starts_at).total_seconds() / 3600
    if float(hours) > longest + 1e-9:
        raise ValidationError(
            {
                field: _(
                    "At most %(h)s hours: the activity lasted that long, and travel time is not service time."
                )
                % {"h": f"{longest:g}"}
            }
        )


def record_service(
    *,
    actor,
    volunteer: Volunteer,
    hours,
    served_on,
    content,
    recording_body,
    activity=None,
    booking=None,
    field_prefix="hours",
) -> ServiceRecord:
    """Record actual service time (travel excluded) for a volunteer, by the organizing body.

    Staff of the activity's (or the volunteer's) area record; the volunteer's totals and star level are
    recomputed under a lock on the volunteer row, and the figures receive their deltas after commit.
    """
    area = activity.area if activity is not None else volunteer.area
    if booking is None:  # a completed booking is recorded by its provider's confirmation (skills.py)
        policy.require(actor, P.RECORD_HOURS, area=area)
    hours = clean_hours(hours, field_prefix)
    _check_activity_hours(activity, hours, field_prefix)
    served_on = _served_on(served_on)
    content = clean_text(content, "content", required=True, max_length=200)
    recording_body = clean_text(recording_body, "recording_body", required=True, max_length=120)
    with transaction.atomic():
        locked = lock_volunteer(volunteer.pk)
        was_active = active_in_month(locked.pk, served_on)
        record = ServiceRecord.objects.create(
            volunteer=locked,
            activity=activity,
            booking=booking,
            served_on=served_on,
            hours=hours,
            content=content,
            recording_body=recording_body,
            recorded_by=actor if getattr(actor, "pk", None) else None,
        )
        count_first_service(locked, record)
        recompute_totals(locked)
        audit.record(
            actor,
            "volunteers.hours_recorded",
            record,
            area=locked.area,
            details={"volunteer": locked.number, "hours": hours, "served_on": served_on, "content": content},
        )
        publish_hours(locked, served_on, hours, 0 if was_active else 1)
    volunteer.total_hours, volunteer.star_level = locked.total_hours, locked.star_level
    return record


def correct_service_record(*, actor, record: ServiceRecord, reason, hours=None, served_on=None, content=None):
    """Replace a record by a corrected one: the old one is voided, never edited; both stay, audited."""
    area = record.activity.area if record.activity_id else record.volunteer.area
    policy.require(actor, P.RECORD_HOURS, area=area)
    reason = clean_text(reason, "correction_reason", required=True, max_length=200)
    with transaction.atomic():
        locked = lock_volunteer(record.volunteer_id)
        old = (
            ServiceRecord.objects.select_for_update(of=("self",)).select_related("activity").get(pk=record.pk)
        )
        if old.voided:
            raise ValidationError(_("This record was already corrected or voided."))
        new_hours = clean_hours(old.hours if hours is None else hours)
        _check_activity_hours(old.activity, new_hours, "hours")
        new_day = _served_on(old.served_on if served_on is None else served_on)
        new_content = clean_text(
            old.content if content is None else content, "content", required=True, max_length=200
        )
        old.voided = True
        old.save(update_fields=["voided"])
        count_first_service(locked, old)
        lost_old_month = not active_in_month(locked.pk, old.served_on)
        was_active_new = active_in_month(locked.pk, new_day)
        new = ServiceRecord.objects.create(
            volunteer=locked,
            activity=old.activity,
            booking=None,
            served_on=new_day,
            hours=new_hours,
            content=new_content,
            recording_body=old.recording_body,
            recorded_by=actor if getattr(actor, "pk", None) else None,
            corrects=old,
            correction_reason=reason,
        )
        count_first_service(locked, new)
        recompute_totals(locked)
        audit.record(
            actor,
            "volunteers.hours_corrected",
            new,
            area=locked.area,
            details={
                "volunteer": locked.number,
                "replaces": old.pk,
                "before": {"hours": old.hours, "served_on": old.served_on, "content": old.content},
                "after": {"hours": new_hours, "served_on": new_day, "content": new_content},
                "reason": reason,
            },
        )
        publish_hours(locked, old.served_on, -old.hours, -1 if lost_old_month else 0)
        publish_hours(locked, new_day, new_hours, 0 if was_active_new else 1)
    return new


def void_service_record(*, actor, record: ServiceRecord, reason) -> ServiceRecord:
    """Withdraw a record entered by mistake (audited; the row stays, marked void)."""
    area = record.activity.area if record.activity_id else record.volunteer.area
    policy.require(actor, P.RECORD_HOURS, area=area)
    reason = clean_text(reason, "correction_reason", required=True, max_length=200)
    with transaction.atomic():
        locked = lock_volunteer(record.volunteer_id)
        old = ServiceRecord.objects.select_for_update().get(pk=record.pk)
        if old.voided:
            raise ValidationError(_("This record was already corrected or voided."))
        old.voided = True
        old.correction_reason = reason
        old.save(update_fields=["voided", "correction_reason"])
        count_first_service(locked, old)
        recompute_totals(locked)
        audit.record(
            actor,
            "volunteers.hours_voided",
            old,
            area=locked.area,
            details={
                "volunteer": locked.number,
                "hours": old.hours,
                "served_on": old.served_on,
                "reason": reason,
            },
        )
        publish_hours(
            locked, old.served_on, -old.hours, 0 if active_in_month(locked.pk, old.served_on) else -1
        )
    return old


def default_issuer(volunteer: Volunteer) -> str:
    """The street/town (or the committee) where the volunteer is registered issues the certificate."""
    for area_id in (volunteer.street_id, volunteer.committee_id, volunteer.area_id):
        if area_id:
            area = Area.objects.filter(pk=area_id).first()
            if area is not None:
                return area.name
    return ""


def issue_certificate(*, actor, volunteer: Volunteer, issuer="") -> Certificate:
    """A numbered service certificate with the hours recorded up to today."""
    policy.require(actor, P.ISSUE_CERTIFICATE, area=volunteer.area)
    issuer = clean_text(issuer, "issuer", max_length=120) or default_issuer(volunteer)
    with transaction.atomic():
        locked = lock_volunteer(volunteer.pk)
        if locked.total_hours <= 0:
            raise ValidationError(_("No service hours are recorded yet; there is nothing to certify."))
        today = timezone.localdate()
        cert = Certificate.objects.create(
            volunteer=locked,
            number=f"TMP-{locked.pk}-{timezone.now().timestamp()}"[:30],
            issued_on=today,
            issuer=issuer,
            hours=locked.total_hours,
            issued_by=actor if getattr(actor, "pk", None) else None,
        )
        # The number is issued from the row id, so two certificates never share one.
        cert.number = f"ZYZ{today:%Y}{cert.pk:08d}"
        cert.save(update_fields=["number"])
        audit.record(
            actor,
            "volunteers.certificate_issued",
            cert,
            area=locked.area,
            details={"volunteer": locked.number, "hours": cert.hours, "issuer": issuer},
        )
    return cert
