"""The volunteer base (社区义工基地): skill services with time slots, bookings, confirmation, completion."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongzhi.core import audit, policy
from gongzhi.notices.actions import notify, register_kind

from .. import permissions as P
from ..models import Booking, ServiceSlot, SkillService, Volunteer
from .base import aware, clean_text, floor_quarter, own_person, require_manage_or_self, resolve_area
from .records import record_service

audit.register_verb("volunteers.skill_service_created", gettext_lazy("skill service offered"))
audit.register_verb("volunteers.skill_service_updated", gettext_lazy("skill service updated"))
audit.register_verb("volunteers.slot_added", gettext_lazy("time slot added"))
audit.register_verb("volunteers.slot_booked", gettext_lazy("time slot booked"))
audit.register_verb("volunteers.booking_confirmed", gettext_lazy("booking confirmed"))
audit.register_verb("volunteers.booking_done", gettext_lazy("booking marked done"))
audit.register_verb("volunteers.booking_cancelled", gettext_lazy("booking cancelled"))
NEW_BOOKING = register_kind("volunteers.booking", gettext_lazy("skill service booked"))


def _provider_user_id(service: SkillService):
    return service.provider.person.user_id


def create_skill_service(
    *, actor, provider: Volunteer, kind, title, place, description="", area=None, is_demo=False
) -> SkillService:
    """A volunteer offers a skill at the base: themselves, or registered by the area's staff."""
    area = resolve_area(area) if area is not None else provider.area
    require_manage_or_self(actor, P.MANAGE, area, provider.person.user_id)
    if not provider.is_active:
        raise ValidationError({"provider": _("This volunteer is not active.")})
    if kind not in SkillService.Kind.values:
        raise ValidationError({"kind": _("Choose the kind of service.")})
    with transaction.atomic():
        service = SkillService(
            provider=provider,
            kind=kind,
            title=clean_text(title, "title", required=True, max_length=120),
            description=clean_text(description, "description", max_length=2000),
            place=clean_text(place, "place", required=True, max_length=200),
            is_demo=is_demo,
        )
        service.set_area(area)
        service.save()
        audit.record(
            actor, "volunteers.skill_service_created", service, details={"provider": provider.number}
        )
    return service


def set_skill_service_active(*, actor, service: SkillService, is_active: bool) -> SkillService:
    require_manage_or_self(actor, P.MANAGE, service.area, _provider_user_id(service))
    with transaction.atomic():
        SkillService.objects.filter(pk=service.pk).update(is_active=bool(is_active))
        service.is_active = bool(is_active)
        audit.record(
            actor, "volunteers.skill_service_updated", service, details={"is_active": bool(is_active)}
        )
    return service


def add_slot(*, actor, service: SkillService, starts_at, ends_at, capacity=1) -> ServiceSlot:
    require_manage_or_self(actor, P.MANAGE, service.area, _provider_user_id(service))
    starts_at, ends_at = aware(starts_at, "starts_at"), aware(ends_at, "ends_at")
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": _("The end must be after the start.")})
    if ends_at - starts_at > dt.timedelta(hours=12):
        raise ValidationError({"ends_at": _("A time slot lasts at most 12 hours.")})
    if starts_at <= timezone.now():
        raise ValidationError({"starts_at": _("A time slot must start in the future.")})
    try:
        capacity = int(capacity)
    except (TypeError, ValueError):
        raise ValidationError({"capacity": _("Give the capacity as a whole number.")}) from None
    if capacity < 1 or capacity > 100:
        raise ValidationError({"capacity": _("The capacity must be between 1 and 100.")})
    with transaction.atomic():
        # The provider cannot be in two places at once: no overlapping slots across their services.
        if ServiceSlot.objects.filter(
            service__provider_id=service.provider_id, starts_at__lt=ends_at, ends_at__gt=starts_at
        ).exists():
            raise ValidationError({"starts_at": _("This time overlaps another slot of the same provider.")})
        slot = ServiceSlot.objects.create(
            service=service, starts_at=starts_at, ends_at=ends_at, capacity=capacity
        )
        audit.record(
            actor,
            "volunteers.slot_added",
            service,
            details={"slot": slot.pk, "starts_at": starts_at, "capacity": capacity},
        )
    return slot


def book_slot(*, actor, slot: ServiceSlot, person=None) -> Booking:
    """A resident books a slot for themselves (or staff book for a resident). Never beyond capacity."""
    service = slot.service
    if person is None:
        person = own_person(actor)
        if person is None:
            raise PermissionDenied(_("Your account is not linked to a resident record; ask your committee."))
    elif person.user_id != getattr(actor, "pk", -1):
        policy.require(actor, P.MANAGE, area=service.area)
    if service.provider.person_id == person.pk:
        raise ValidationError(_("Providers cannot book their own service."))
    with transaction.atomic():
        current = ServiceSlot.objects.select_related("service").get(pk=slot.pk)
        if not current.service.is_active:
            raise ValidationError(_("This service is no longer offered."))
        if current.starts_at <= timezone.now():
            raise ValidationError(_("This time slot has already begun; choose a later one."))
        if (
            Booking.objects.filter(slot=current, person=person)
            .exclude(state=Booking.State.CANCELLED)
            .exists()
        ):
            raise ValidationError(_("You have already booked this time slot."))
        clash = (
            Booking.objects.filter(
                person=person, slot__starts_at__lt=current.ends_at, slot__ends_at__gt=current.starts_at
            )
            .exclude(state=Booking.State.CANCELLED)
            .select_related("slot__service")
            .first()
        )
        if clash is not None:
            raise ValidationError(
                _("You already have a booking at this time: %(title)s.") % {"title": clash.slot.service.title}
            )
        if not ServiceSlot.objects.filter(pk=current.pk, booked__lt=F("capacity")).update(
            booked=F("booked") + 1
        ):
            raise ValidationError(_("This time slot is already taken; choose another one."))
        try:
            with transaction.atomic():
                booking = Booking.objects.create(
                    slot=current, person=person, booked_by=actor if getattr(actor, "pk", None) else None
                )
        except IntegrityError:
            raise ValidationError(_("You have already booked this time slot.")) from None
        audit.record(
            actor,
            "volunteers.slot_booked",
            current.service,
            details={"slot": current.pk, "booking": booking.pk, "person": person.pk},
        )
        provider_user = _provider_user_id(current.service)
        if provider_user:
            notify(
                actor=actor,
                recipients=[provider_user],
                kind=NEW_BOOKING,
                title=_("New booking: %(title)s, %(when)s")
                % {
                    "title": current.service.title[:100],
                    "when": f"{timezone.localtime(current.starts_at):%m-%d %H:%M}",
                },
                url=f"/volunteers/base/{current.service_id}/",
            )
    slot.booked = current.booked + 1
    return booking


def _provider_or_staff(actor, booking: Booking) -> None:
    service = booking.slot.service
    require_manage_or_self(actor, P.MANAGE, service.area, _provider_user_id(service))


def confirm_booking(*, actor, booking: Booking) -> Booking:
    _provider_or_staff(actor, booking)
    with transaction.atomic():
        if not Booking.objects.filter(pk=booking.pk, state=Booking.State.BOOKED).update(
            state=Booking.State.CONFIRMED, confirmed_at=timezone.now()
        ):
            raise ValidationError(_("Only a new booking can be confirmed."))
        booking.refresh_from_db()
        audit.record(
            actor, "volunteers.booking_confirmed", booking.slot.service, details={"booking": booking.pk}
        )
    return booking


def complete_booking(*, actor, booking: Booking, hours=None) -> Booking:
    """The provider marks the service done; its time counts as the provider's volunteer hours."""
    _provider_or_staff(actor, booking)
    with transaction.atomic():
        booking = (
            Booking.objects.select_for_update().select_related("slot__service__provider").get(pk=booking.pk)
        )
        if booking.state != Booking.State.CONFIRMED:
            raise ValidationError(_("Confirm the booking before marking it done."))
        if timezone.now() < booking.slot.starts_at:
            raise ValidationError(_("The time slot has not begun yet."))
        booking.state = Booking.State.DONE
        booking.done_at = timezone.now()
        booking.save(update_fields=["state", "done_at"])
        service = booking.slot.service
        slot_hours = floor_quarter((booking.slot.ends_at - booking.slot.starts_at).total_seconds())
        # One record per slot: a slot serving several residents is still one stretch of the provider's time.
        already = booking.slot.bookings.filter(state=Booking.State.DONE).exclude(pk=booking.pk).exists()
        if not already:
            record_service(
                actor=actor,
                volunteer=service.provider,
                hours=slot_hours if hours is None else hours,
                served_on=timezone.localtime(booking.slot.starts_at).date(),
                content=service.title,
                recording_body=_("Volunteer base, %(area)s") % {"area": service.area.name},
                booking=booking,
            )
        audit.record(actor, "volunteers.booking_done", service, details={"booking": booking.pk})
    return booking


def cancel_booking(*, actor, booking: Booking) -> Booking:
    """The resident (or the provider, or staff) cancels; the place becomes free again."""
    service = booking.slot.service
    if booking.person.user_id != getattr(actor, "pk", -1):
        _provider_or_staff(actor, booking)
    with transaction.atomic():
        if not Booking.objects.filter(
            pk=booking.pk, state__in=[Booking.State.BOOKED, Booking.State.CONFIRMED]
        ).update(state=Booking.State.CANCELLED):
            raise ValidationError(_("Only an open booking can be cancelled."))
        ServiceSlot.objects.filter(pk=booking.slot_id, booked__gt=0).update(booked=F("booked") - 1)
        booking.state = Booking.State.CANCELLED
        audit.record(actor, "volunteers.booking_cancelled", service, details={"booking": booking.pk})
    return booking
