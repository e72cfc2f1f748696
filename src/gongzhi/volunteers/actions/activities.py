"""Activities: publish, sign up (capacity enforced under concurrency), confirm, check in and out, record hours."""

import datetime as dt

from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongzhi.core import audit, policy
from gongzhi.notices.actions import notify, register_kind

from .. import permissions as P
from ..models import Activity, NeighbourhoodPoint, ServiceRecord, SignUp, Volunteer, VolunteerTeam
from .base import aware, clean_list, clean_text, floor_quarter, own_volunteer, resolve_area
from .records import record_service

audit.register_verb("volunteers.activity_created", gettext_lazy("activity created"))
audit.register_verb("volunteers.activity_updated", gettext_lazy("activity updated"))
audit.register_verb("volunteers.activity_published", gettext_lazy("activity published"))
audit.register_verb("volunteers.activity_cancelled", gettext_lazy("activity cancelled"))
audit.register_verb("volunteers.signed_up", gettext_lazy("volunteer signed up"))
audit.register_verb("volunteers.signup_cancelled", gettext_lazy("sign-up cancelled"))
audit.register_verb("volunteers.signup_confirmed", gettext_lazy("sign-up confirmed"))
audit.register_verb("volunteers.checked_in", gettext_lazy("volunteer checked in"))
audit.register_verb("volunteers.checked_out", gettext_lazy("volunteer checked out"))
audit.register_verb("volunteers.activity_hours_recorded", gettext_lazy("activity hours recorded"))
ACTIVITY_CANCELLED = register_kind(
    "volunteers.activity_cancelled", gettext_lazy("volunteer activity cancelled")
)

# What an activity may serve: recorded elsewhere in the platform (checked when that app is installed).
LINK_MODELS = {
    "case": "cases.Case",
    "need": "matching.Need",
    "project": "matching.MatchedProject",
    "task": "party.CommunityTask",
    "brand_project": "volunteers.BrandProject",
}
LINK_LABELS = {
    "case": gettext_lazy("case"),
    "need": gettext_lazy("need"),
    "project": gettext_lazy("project"),
    "task": gettext_lazy("task"),
    "brand_project": gettext_lazy("brand project"),
}
# A code shown at the place opens this long before the start; the organizer may check in from then too.
CHECKIN_OPENS = dt.timedelta(hours=1)
ACTIVITY_FIELDS = ("title", "description", "starts_at", "ends_at", "place", "capacity", "skills_wanted")


def _link(link_type, link_id, link_label) -> tuple[str, int | None, str]:
    link_type = (link_type or "").strip()
    if not link_type:
        return "", None, ""
    if link_type not in LINK_MODELS:
        raise ValidationError({"link_type": _("Choose what the activity serves from the list.")})
    try:
        link_id = int(link_id)
    except (TypeError, ValueError):
        raise ValidationError({"link_id": _("Give the number of the linked record.")}) from None
    if link_id <= 0 or link_id > 2**62:
        raise ValidationError({"link_id": _("Give the number of the linked record.")})
    label = clean_text(link_label, "link_label", max_length=200)
    try:
        model = apps.get_model(LINK_MODELS[link_type])
    except LookupError:
        model = None  # that app is not installed here: keep the reference as given
    if model is not None:
        obj = model.objects.filter(pk=link_id).first()
        if obj is None:
            raise ValidationError({"link_id": _("No such record to link.")})
        label = label or str(obj)[:200]
    return link_type, link_id, label


def _times(starts_at, ends_at) -> tuple[dt.datetime, dt.datetime]:
    starts_at, ends_at = aware(starts_at, "starts_at"), aware(ends_at, "ends_at")
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": _("The end must be after the start.")})
    if ends_at - starts_at > dt.timedelta(hours=24):
        raise ValidationError({"ends_at": _("An activity lasts at most 24 hours; publish one per day.")})
    return starts_at, ends_at


def _capacity(value, taken=0) -> int:
    try:
        value = int(value)
    except (TypeError, ValueError):
        raise ValidationError({"capacity": _("Give the capacity as a whole number.")}) from None
    if value < 1 or value > 100000:
        raise ValidationError({"capacity": _("The capacity must be between 1 and 100,000.")})
    if value < taken:
        raise ValidationError(
            {
                "capacity": _("%(n)d volunteers have already signed up; the capacity cannot be lower.")
                % {"n": taken}
            }
        )
    return value


def create_activity(
    *,
    actor,
    title,
    starts_at,
    ends_at,
    place,
    capacity,
    area=None,
    team: VolunteerTeam | None = None,
    neighbourhood_point: NeighbourhoodPoint | None = None,
    kind=Activity.Kind.SERVICE,
    description="",
    skills_wanted=(),
    organizer_label="",
    link_type="",
    link_id=None,
    link_label="",
    publish=False,
    is_demo=False,
) -> Activity:
    """A team, a neighbourhood point or the committee itself organizes an activity in an area."""
    if team is not None:
        area = team.area
    elif neighbourhood_point is not None:
        area = neighbourhood_point.area
    area = resolve_area(area)
    policy.require(actor, P.MANAGE, area=area)
    if kind not in Activity.Kind.values:
        raise ValidationError({"kind": _("Choose the kind of activity.")})
    starts_at, ends_at = _times(starts_at, ends_at)
    link = _link(link_type, link_id, link_label)
    default_organizer = (
        team.name if team else (neighbourhood_point.name if neighbourhood_point else area.name)
    )
    with transaction.atomic():
        activity = Activity(
            kind=kind,
            team=team,
            neighbourhood_point=neighbourhood_point,
            organizer_label=clean_text(organizer_label, "organizer_label", max_length=120)
            or default_organizer,
            title=clean_text(title, "title", required=True, max_length=160),
            description=clean_text(description, "description", max_length=4000),
            starts_at=starts_at,
            ends_at=ends_at,
            place=clean_text(place, "place", required=True, max_length=200),
            capacity=_capacity(capacity),
            skills_wanted=clean_list(skills_wanted, "skills_wanted"),
            link_type=link[0],
            link_id=link[1],
            link_label=link[2],
            state=Activity.State.PUBLISHED if publish else Activity.State.DRAFT,
            created_by=actor if getattr(actor, "pk", None) else None,
            is_demo=is_demo,
        )
        activity.set_area(area)
        activity.save()
        audit.record(
            actor,
            "volunteers.activity_created",
            activity,
            details={"published": bool(publish), "link": link[0]},
        )
    return activity


def update_activity(*, actor, activity: Activity, **changes) -> Activity:
    unknown = set(changes) - set(ACTIVITY_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    policy.require(actor, P.MANAGE, area=activity.area)
    with transaction.atomic():
        activity = Activity.objects.select_for_update().select_related("area").get(pk=activity.pk)
        if activity.state in (Activity.State.DONE, Activity.State.CANCELLED):
            raise ValidationError(_("A finished or cancelled activity cannot be changed."))
        if "title" in changes:
            activity.title = clean_text(changes["title"], "title", required=True, max_length=160)
        if "description" in changes:
            activity.description = clean_text(changes["description"], "description", max_length=4000)
        if "place" in changes:
            activity.place = clean_text(changes["place"], "place", required=True, max_length=200)
        if "skills_wanted" in changes:
            activity.skills_wanted = clean_list(changes["skills_wanted"], "skills_wanted")
        if "starts_at" in changes or "ends_at" in changes:
            activity.starts_at, activity.ends_at = _times(
                changes.get("starts_at", activity.starts_at), changes.get("ends_at", activity.ends_at)
            )
        if "capacity" in changes:
            new_capacity = _capacity(changes["capacity"], activity.taken)
            # Conditional: a sign-up landing meanwhile must not leave taken > capacity.
            if not Activity.objects.filter(pk=activity.pk, taken__lte=new_capacity).update(
                capacity=new_capacity
            ):
                raise ValidationError(
                    {"capacity": _("More volunteers have signed up meanwhile; reload the page.")}
                )
            activity.capacity = new_capacity
        activity.save(update_fields=[f for f in ACTIVITY_FIELDS if f != "capacity"])
        audit.record(actor, "volunteers.activity_updated", activity, details={"changed": sorted(changes)})
    return activity


def publish_activity(*, actor, activity: Activity) -> Activity:
    policy.require(actor, P.MANAGE, area=activity.area)
    with transaction.atomic():
        if not Activity.objects.filter(pk=activity.pk, state=Activity.State.DRAFT).update(
            state=Activity.State.PUBLISHED
        ):
            raise ValidationError(_("Only a draft activity can be published."))
        activity.state = Activity.State.PUBLISHED
        audit.record(actor, "volunteers.activity_published", activity)
    return activity


def cancel_activity(*, actor, activity: Activity, reason="") -> Activity:
    policy.require(actor, P.MANAGE, area=activity.area)
    reason = clean_text(reason, "reason", max_length=200)
    with transaction.atomic():
        if not Activity.objects.filter(
            pk=activity.pk, state__in=[Activity.State.DRAFT, Activity.State.PUBLISHED]
        ).update(state=Activity.State.CANCELLED):
            raise ValidationError(_("This activity is already finished or cancelled."))
        activity.state = Activity.State.CANCELLED
        users = list(
            SignUp.objects.filter(activity=activity)
            .exclude(state=SignUp.State.CANCELLED)
            .exclude(volunteer__person__user__isnull=True)
            .values_list("volunteer__person__user_id", flat=True)
        )
        audit.record(actor, "volunteers.activity_cancelled", activity, details={"reason": reason})
        if users:
            notify(
                actor=actor,
                recipients=users,
                kind=ACTIVITY_CANCELLED,
                title=_("Activity cancelled: %(title)s") % {"title": activity.title[:150]},
                body=reason,
                url=f"/volunteers/activities/{activity.pk}/",
            )
    return activity


# --- sign-up -------------------------------------------------------------------------------------------
def _can_see(volunteer: Volunteer, activity: Activity) -> bool:
    """A volunteer may join activities of their own street/town (or of an area above theirs)."""
    if activity.area.contains(volunteer.area):
        return True
    return bool(volunteer.street_id) and activity.street_id == volunteer.street_id


def sign_up(*, actor, activity: Activity, volunteer: Volunteer | None = None) -> SignUp:
    """Sign a volunteer up: themselves, or anyone in the area by its staff. Never beyond capacity."""
    if volunteer is None:
        volunteer = own_volunteer(actor)
        if volunteer is None:
            raise PermissionDenied(
                _("Only registered volunteers can sign up; ask your committee to register you.")
            )
        if not _can_see(volunteer, activity):
            raise PermissionDenied(_("This activity is not open to volunteers of your area."))
    elif not (getattr(volunteer.person, "user_id", None) == getattr(actor, "pk", -1)):
        policy.require(actor, P.MANAGE, area=activity.area)
    if not volunteer.is_active:
        raise ValidationError({"volunteer": _("This volunteer is not active.")})
    with transaction.atomic():
        current = Activity.objects.get(pk=activity.pk)
        if current.state != Activity.State.PUBLISHED:
            raise ValidationError(_("This activity is not open for sign-up."))
        if current.starts_at <= timezone.now():
            raise ValidationError(_("This activity has already started; sign-up is closed."))
        if (
            SignUp.objects.filter(activity=activity, volunteer=volunteer)
            .exclude(state=SignUp.State.CANCELLED)
            .exists()
        ):
            raise ValidationError(_("You have already signed up for this activity."))
        # The seat is taken by a conditional UPDATE: two last sign-ups cannot both get it.
        if not Activity.objects.filter(pk=activity.pk, taken__lt=F("capacity")).update(taken=F("taken") + 1):
            raise ValidationError(_("This activity is full (%(n)d places).") % {"n": current.capacity})
        try:
            with transaction.atomic():
                signup = SignUp.objects.create(activity=activity, volunteer=volunteer)
        except IntegrityError:
            raise ValidationError(_("You have already signed up for this activity.")) from None
        audit.record(actor, "volunteers.signed_up", activity, details={"volunteer": volunteer.number})
    activity.refresh_from_db(fields=["taken"])
    return signup


def _organizer_or_self(actor, signup: SignUp) -> bool:
    """True when the actor is the signed-up volunteer; staff of the area otherwise (or denied)."""
    if actor is not None and signup.volunteer.person.user_id == getattr(actor, "pk", None):
        return True
    policy.require(actor, P.MANAGE, area=signup.activity.area)
    return False


def cancel_sign_up(*, actor, signup: SignUp) -> SignUp:
    _organizer_or_self(actor, signup)
    with transaction.atomic():
        signup = SignUp.objects.select_for_update().select_related("activity", "volunteer").get(pk=signup.pk)
        if signup.state == SignUp.State.CANCELLED:
            raise ValidationError(_("This sign-up is already cancelled."))
        if signup.checked_in_at:
            raise ValidationError(_("A volunteer who has checked in cannot cancel; check them out instead."))
        signup.state = SignUp.State.CANCELLED
        signup.save(update_fields=["state"])
        Activity.objects.filter(pk=signup.activity_id, taken__gt=0).update(taken=F("taken") - 1)
        audit.record(
            actor,
            "volunteers.signup_cancelled",
            signup.activity,
            details={"volunteer": signup.volunteer.number},
        )
    return signup


def confirm_sign_up(*, actor, signup: SignUp) -> SignUp:
    policy.require(actor, P.MANAGE, area=signup.activity.area)
    with transaction.atomic():
        if not SignUp.objects.filter(pk=signup.pk, state=SignUp.State.SIGNED_UP).update(
            state=SignUp.State.CONFIRMED
        ):
            raise ValidationError(_("Only a new sign-up can be confirmed."))
        signup.state = SignUp.State.CONFIRMED
        audit.record(
            actor,
            "volunteers.signup_confirmed",
            signup.activity,
            details={"volunteer": signup.volunteer.number},
        )
    return signup


def _check_window(activity: Activity, now: dt.datetime) -> None:
    if activity.state != Activity.State.PUBLISHED:
        raise ValidationError(_("Check-in is only possible for a published activity."))
    if now < activity.starts_at - CHECKIN_OPENS:
        raise ValidationError(_("Check-in opens one hour before the activity starts."))


def check_in(*, actor, signup: SignUp, at=None) -> SignUp:
    """The organizer checks a volunteer in (which also confirms the sign-up)."""
    policy.require(actor, P.MANAGE, area=signup.activity.area)
    return _check_in(actor, signup, at or timezone.now(), "organizer")


def _check_in(actor, signup: SignUp, now, how: str) -> SignUp:
    with transaction.atomic():
        signup = SignUp.objects.select_for_update().select_related("activity", "volunteer").get(pk=signup.pk)
        _check_window(signup.activity, now)
        if signup.state == SignUp.State.CANCELLED:
            raise ValidationError(_("This sign-up was cancelled."))
        if signup.checked_in_at:
            raise ValidationError(
                _("Already checked in at %(t)s.") % {"t": f"{timezone.localtime(signup.checked_in_at):%H:%M}"}
            )
        signup.checked_in_at = now
        signup.checked_in_by = actor if getattr(actor, "pk", None) else None
        signup.state = SignUp.State.CONFIRMED
        signup.save(update_fields=["checked_in_at", "checked_in_by", "state"])
        audit.record(
            actor,
            "volunteers.checked_in",
            signup.activity,
            details={"volunteer": signup.volunteer.number, "how": how},
        )
    return signup


def check_out(*, actor, signup: SignUp, at=None) -> SignUp:
    policy.require(actor, P.MANAGE, area=signup.activity.area)
    return _check_out(actor, signup, at or timezone.now(), "organizer")


def _check_out(actor, signup: SignUp, now, how: str) -> SignUp:
    with transaction.atomic():
        signup = SignUp.objects.select_for_update().select_related("activity", "volunteer").get(pk=signup.pk)
        if not signup.checked_in_at:
            raise ValidationError(_("Check-out before check-in: check the volunteer in first."))
        if signup.checked_out_at:
            raise ValidationError(_("Already checked out."))
        if now < signup.checked_in_at:
            raise ValidationError(_("The check-out time cannot be before the check-in time."))
        signup.checked_out_at = now
        signup.save(update_fields=["checked_out_at"])
        audit.record(
            actor,
            "volunteers.checked_out",
            signup.activity,
            details={"volunteer": signup.volunteer.number, "how": how},
        )
    return signup


def _own_signup(actor, activity: Activity, code) -> SignUp:
    volunteer = own_volunteer(actor)
    if volunteer is None:
        raise PermissionDenied(_("Only registered volunteers can check in."))
    code = (str(code or "")).strip()
    if not code or code != activity.checkin_code:
        raise ValidationError({"code": _("This is not the code shown at the place.")})
    signup = (
        SignUp.objects.filter(activity=activity, volunteer=volunteer)
        .exclude(state=SignUp.State.CANCELLED)
        .select_related("activity", "volunteer", "volunteer__person")
        .first()
    )
    if signup is None:
        raise ValidationError(_("You have not signed up for this activity."))
    return signup


def check_in_with_code(*, actor, activity: Activity, code, at=None) -> SignUp:
    """A volunteer checks themselves in with the code shown at the place."""
    signup = _own_signup(actor, activity, code)
    now = at or timezone.now()
    if now > activity.ends_at:
        raise ValidationError(_("The activity is over; ask the organizer to record your attendance."))
    return _check_in(actor, signup, now, "code")


def check_out_with_code(*, actor, activity: Activity, code, at=None) -> SignUp:
    signup = _own_signup(actor, activity, code)
    return _check_out(actor, signup, at or timezone.now(), "code")


def attended_hours(signup: SignUp):
    """Actual time at the activity: check-in to check-out, inside the activity's time, in quarter hours."""
    if not signup.checked_in_at or not signup.checked_out_at:
        return None
    start = max(signup.checked_in_at, signup.activity.starts_at)
    end = min(signup.checked_out_at, signup.activity.ends_at)
    return floor_quarter((end - start).total_seconds()) if end > start else floor_quarter(0)


def record_activity_hours(*, actor, activity: Activity, hours: dict | None = None, recording_body="") -> list:
    """The organizing body records each attendee's actual hours (travel excluded) and closes the activity.

    `hours` maps sign-up ids to hours the organizer set; the default is the checked time. Attendees
    already recorded are skipped; nothing is written if any entry is invalid.
    """
    policy.require(actor, P.RECORD_HOURS, area=activity.area)
    hours = {int(k): v for k, v in (hours or {}).items()}
    records = []
    with transaction.atomic():
        activity = Activity.objects.select_for_update().select_related("area").get(pk=activity.pk)
        if activity.state not in (Activity.State.PUBLISHED, Activity.State.DONE):
            raise ValidationError(_("Hours can only be recorded for a published activity."))
        if timezone.now() < activity.starts_at:
            raise ValidationError(_("The activity has not started yet."))
        signups = list(
            activity.signups.exclude(state=SignUp.State.CANCELLED)
            .filter(checked_in_at__isnull=False)
            .select_related("volunteer", "activity")
            .order_by("pk")
        )
        recorded = set(
            ServiceRecord.objects.filter(activity=activity, voided=False).values_list(
                "volunteer_id", flat=True
            )
        )
        unknown = set(hours) - {s.pk for s in signups}
        if unknown:
            raise ValidationError({"hours": _("Some entries are not attendees of this activity.")})
        for signup in signups:
            if signup.volunteer_id in recorded:
                continue
            if signup.pk in hours:
                value = hours[signup.pk]
            else:
                if not signup.checked_out_at:
                    raise ValidationError(
                        {
                            "hours": _("%(name)s has not checked out: check them out or give their hours.")
                            % {"name": signup.volunteer.person.name}
                        }
                    )
                value = attended_hours(signup)
            records.append(
                record_service(
                    actor=actor,
                    volunteer=signup.volunteer,
                    hours=value,
                    served_on=timezone.localtime(activity.starts_at).date(),
                    content=activity.title,
                    recording_body=recording_body or activity.organizer_label,
                    activity=activity,
                    field_prefix=f"hours.{signup.pk}",
                )
            )
        activity.state = Activity.State.DONE
        activity.save(update_fields=["state"])
        audit.record(actor, "volunteers.activity_hours_recorded", activity, details={"records": len(records)})
    return records
