"""Intake (受理): validate a report, convert coordinates, number and store the case, route it.

Also the duplicate finder that intake pages call before saving: same category, open, reported in
the last N days, and the same dwelling, the same compound or within R metres.
"""

import datetime as dt
import logging

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.areas.models import Area
from gongzhi.core import events, memo, pii
from gongzhi.core.strings import has_control_chars

from .. import files as evidence
from .. import geo, machine, permissions, routing
from ..models import Case, CaseCategory
from ..models.cases import Channel
from . import common, dispatching

logger = logging.getLogger(__name__)

INTAKE_AREA_KINDS = {
    "street",
    "town",
    "community",
    "residents_committee",
    "village_committee",
    "compound",
    "grid",
}
ANONYMOUS_CHANNELS = {"resident_web", "resident_mobile", "suggestion_box", "hotline", "open311"}
NUMBER_RETRIES = 8
SELF_REPORTED = {"resident_web", "resident_mobile", "patrol"}
# Every report names its category: memoised for a few seconds per process, cleared on local saves.
CATEGORIES = memo.LocalMemo("case-categories", 5)
memo.clear_on_save(CATEGORIES, CaseCategory)
# Areas change by their actions (saves), rarely: every intake request looks one up.
AREAS = memo.LocalMemo("intake-areas", 5)
memo.clear_on_save(AREAS, Area)


# --- lookups -------------------------------------------------------------------------------------
def resolve_category(category) -> CaseCategory:
    if isinstance(category, CaseCategory):
        obj = category
    else:
        obj = None
        if isinstance(category, int) or (isinstance(category, str) and category.isdigit()):
            obj = CATEGORIES.get(("pk", int(category)), lambda: _category(pk=int(category)))
        elif isinstance(category, str) and category:
            obj = CATEGORIES.get(("code", category), lambda: _category(code=category))
    if obj is None or not obj.is_active:
        raise ValidationError({"category": _("Unknown case category.")})
    return obj


def category_by_code(code: str) -> CaseCategory | None:
    """The active category with this code (never read as an id, unlike resolve_category), or None."""
    obj = CATEGORIES.get(("code", code), lambda: _category(code=code)) if code else None
    return obj if obj is not None and obj.is_active else None


def _category(**where) -> CaseCategory | None:
    return CaseCategory.objects.select_related("parent").filter(**where).first()


def area_by_pk(pk: int) -> Area | None:
    return AREAS.get(("pk", pk), lambda: Area.objects.filter(pk=pk).first())


def area_by_code(code: str) -> Area | None:
    """The area (not abolished) with this statistical or GB/T 2260 code: Open311's jurisdiction_id."""
    return AREAS.get(
        ("code", code),
        lambda: Area.objects.filter(Q(stat_code=code) | Q(gb2260=code), abolished_on__isnull=True).first(),
    )


def resolve_area(area) -> Area:
    if isinstance(area, Area):
        obj = area
    else:
        try:
            obj = area_by_pk(int(area)) if area not in (None, "") else None
        except (TypeError, ValueError, OverflowError):
            obj = None
    if obj is None:
        raise ValidationError({"area": _("Unknown area.")})
    if obj.abolished_on:
        raise ValidationError({"area": _("This area has been abolished.")})
    if obj.kind not in INTAKE_AREA_KINDS:
        raise ValidationError(
            {"area": _("Choose a street/town or a place inside one (down to the grid cell).")}
        )
    return obj


def _coordinates(latitude, longitude, system: str):
    if latitude in (None, "") and longitude in (None, ""):
        return None, None
    if latitude in (None, "") or longitude in (None, ""):
        raise ValidationError({"latitude": _("Give both latitude and longitude, or neither.")})
    try:
        lat, lng = float(latitude), float(longitude)
    except (TypeError, ValueError):
        raise ValidationError({"latitude": _("Coordinates must be numbers.")}) from None
    if not (-90 <= lat <= 90) or not (-180 <= lng <= 180) or lat != lat or lng != lng:
        raise ValidationError({"latitude": _("Coordinates are out of range.")})
    if system == "gcj02":
        lat, lng = geo.gcj02_to_wgs84(lat, lng)
    elif system != "wgs84":
        raise ValidationError({"coordinate_system": _("Coordinates must be WGS-84 or GCJ-02.")})
    return geo.to_decimal(lat), geo.to_decimal(lng)


def _text(value, field, limit, *, required=True):
    value = (value or "").strip()
    if required and not value:
        raise ValidationError({field: _("This field is required.")})
    if len(value) > limit:
        raise ValidationError({field: _("At most %(n)d characters.") % {"n": limit}})
    if has_control_chars(value):
        raise ValidationError({field: _("Text must not contain NUL or other control characters.")})
    return value


def _attributes(category: CaseCategory, attributes) -> dict:
    attributes = dict(attributes or {})
    errors = {}
    for spec in category.attributes or []:
        code = spec.get("code")
        value = attributes.get(code)
        if spec.get("required") and value in (None, "", []):
            errors[f"attributes.{code}"] = _("This field is required.")
        values = [str(v.get("key", v)) if isinstance(v, dict) else str(v) for v in spec.get("values") or []]
        if value not in (None, "") and values and str(value) not in values:
            errors[f"attributes.{code}"] = _("Choose one of the listed values.")
    if errors:
        raise ValidationError(errors)
    return attributes


def number_prefix(area: Area, year: int) -> str:
    street = routing.street_of(area)
    code = (street.stat_code or "")[:9] if street else ""
    return f"{code or f'S{street.pk if street else area.pk}'}-{year}-"


def next_number(prefix: str) -> str:
    # A range on the unique index: the highest number with this prefix (digits sort as numbers).
    last = (
        Case.objects.filter(number__gte=prefix, number__lt=prefix + "~")
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    seq = int(last[len(prefix) :]) + 1 if last else 1
    return f"{prefix}{seq:06d}"


# --- intake --------------------------------------------------------------------------------------
def check_report(
    *,
    actor,
    category,
    area,
    channel,
    title,
    description,
    address="",
    latitude=None,
    longitude=None,
    coordinate_system="wgs84",
    reporter_name="",
    reporter_phone="",
    anonymous=False,
    dwelling=None,
    attributes=None,
    files=(),
) -> dict:
    """Check a report without writing anything: every field's errors at once (ValidationError), then
    whether `actor` may report there (PermissionDenied). Returns the checked values: category, area,
    title, description, address, reporter_name, coords (WGS-84), attributes, phone, files."""
    errors: dict = {}
    checks = {
        "category": lambda: resolve_category(category),
        "area": lambda: resolve_area(area),
    }
    found = {}
    for key, fn in checks.items():
        try:
            found[key] = fn()
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if channel not in Channel.values:
        errors["channel"] = [_("Unknown channel.")]
    for key, fn in {
        "title": lambda: _text(title, "title", 120),
        "description": lambda: _text(description, "description", 5000),
        "address": lambda: _text(address, "address", 200, required=False),
        "reporter_name": lambda: _text(reporter_name, "reporter_name", 60, required=False),
        "coords": lambda: _coordinates(latitude, longitude, coordinate_system),
    }.items():
        try:
            found[key] = fn()
        except ValidationError as exc:
            errors.update(exc.message_dict)
    found["phone"] = ""
    if reporter_phone and not anonymous:
        try:
            found["phone"] = pii.normalize_phone(reporter_phone)
        except ValidationError:
            errors["reporter_phone"] = [_("Enter a valid phone number.")]
    if anonymous and channel not in ANONYMOUS_CHANNELS:
        errors["anonymous"] = [_("Only residents may report anonymously.")]
    if "category" in found:
        try:
            found["attributes"] = _attributes(found["category"], attributes)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if dwelling is not None and "area" in found:
        place = found["area"]
        if not dwelling.area_path.startswith(place.path) and not place.path.startswith(dwelling.area_path):
            errors["dwelling"] = [_("The dwelling is not in the chosen area.")]
    try:
        found["files"] = evidence.check_all(files)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    permissions.require_report(actor, found["area"], channel)
    return found


def receive_case(
    *,
    actor,
    category,
    area,
    channel,
    title,
    description,
    address="",
    latitude=None,
    longitude=None,
    coordinate_system="wgs84",
    reporter_user=None,
    reporter_person=None,
    reporter_name="",
    reporter_phone="",
    anonymous=False,
    urgent=False,
    dwelling=None,
    attributes=None,
    files=(),
    visit=None,
    patrol=None,
    source_type="",
    source_id=None,
    auto_dispatch=True,
    open311_token="",
    received_at=None,
) -> Case:
    """Receive a case; with auto_dispatch, route it by the rules at once. Nothing is written on error.

    `received_at` is the moment the report arrived when that was earlier than now (a queued ticket's
    submission time): deadlines and the case number's year count from it.
    """
    found = check_report(
        actor=actor,
        category=category,
        area=area,
        channel=channel,
        title=title,
        description=description,
        address=address,
        latitude=latitude,
        longitude=longitude,
        coordinate_system=coordinate_system,
        reporter_name=reporter_name,
        reporter_phone=reporter_phone,
        anonymous=anonymous,
        dwelling=dwelling,
        attributes=attributes,
        files=files,
    )
    checked, phone = found["files"], found["phone"]
    cat, place = found["category"], found["area"]
    lat, lng = found["coords"]
    # A dwelling is more precise than the area picked: place the case in the dwelling's area.
    if dwelling is not None and len(dwelling.area_path) > len(place.path):
        place = dwelling.area
    if reporter_user is None and getattr(actor, "pk", None) and channel in SELF_REPORTED:
        reporter_user = actor  # a resident or the grid worker who found it follows the case as its reporter

    case = Case(
        category=cat,
        channel=channel,
        title=found["title"],
        description=found["description"],
        address=found["address"],
        dwelling=dwelling,
        latitude=lat,
        longitude=lng,
        attributes=found.get("attributes", {}),
        reporter_user=reporter_user,
        reporter_person=None if anonymous else reporter_person,
        reporter_name="" if anonymous else found["reporter_name"],
        reporter_phone=phone,
        anonymous=bool(anonymous),
        urgent=bool(urgent),
        visit=visit,
        patrol=patrol,
        source_type=source_type or "",
        source_id=source_id,
        open311_token=open311_token or "",
        is_demo=False,
    )
    case.set_area(place)
    # Routing fills these in memory; a retried attempt starts from the received case again.
    unrouted = {f: getattr(case, f) for f in ("state", "dispatched_at", "due_at", "accept_due_at")}
    route = None
    for attempt in range(NUMBER_RETRIES):
        try:
            with events.bundle(), transaction.atomic():
                case.__dict__.update(unrouted)
                case.received_at = received_at or common.now()
                case.number = next_number(number_prefix(place, timezone.localtime(case.received_at).year))
                if auto_dispatch:
                    # Routed before the INSERT, so the row is written once, already dispatched.
                    route = route or routing.route(cat, place)
                    dispatching.plan_new(case, route, case.received_at)
                case.pk = None
                case.save()
                _after_save(case, actor, checked, route if auto_dispatch else None)
            break
        except IntegrityError:
            # Another intake took the same number: take the next one.
            if attempt == NUMBER_RETRIES - 1 or not _number_taken(case.number):
                raise
            logger.info("case number %s taken, retrying", case.number)
    return case


def _number_taken(number: str) -> bool:
    return Case.objects.filter(number=number).exists()


def _after_save(case: Case, actor, checked, route) -> None:
    event = common.timeline(
        case,
        actor,
        "received",
        to_state=machine.RECEIVED,
        data={"channel": case.channel, "urgent": case.urgent},
        at=case.received_at,
    )
    if checked:
        evidence.store(case, checked, actor=actor, event=event)
    common.record(
        actor,
        "received",
        case,
        {
            "number": case.number,
            "channel": case.channel,
            "category": case.category.code,
            "files": len(checked),
        },
    )
    common.publish("received", case, at=case.received_at)
    if route is not None:
        dispatching.dispatch_new(case, route)


# --- duplicates ----------------------------------------------------------------------------------
def _compound_path(area: Area) -> str:
    """The case's compound (or, above compound level, its own area): "same compound" means this subtree."""
    if area.kind == "compound":
        return area.path
    if area.kind == "grid" and area.parent_id:
        parent = area.parent
        if parent.kind == "compound":
            return parent.path
    return area.path


def find_duplicates(
    *, category, area, dwelling=None, latitude=None, longitude=None, within_days=30, radius_m=50
):
    """Open cases of the same category reported in the last `within_days` days at the same dwelling,
    in the same compound, or within `radius_m` metres (WGS-84 coordinates)."""
    from gongzhi.areas.models import subtree_q

    cat = resolve_category(category)
    place = resolve_area(area)
    since = common.now() - dt.timedelta(days=within_days)
    base = Case.objects.filter(category=cat, state__in=machine.OPEN_STATES, received_at__gte=since)
    found: dict[int, Case] = {}
    if dwelling is not None:
        for c in base.filter(dwelling=dwelling)[:20]:
            found[c.pk] = c
    for c in base.filter(subtree_q("area_path", _compound_path(place)))[:20]:
        found[c.pk] = c
    if latitude not in (None, "") and longitude not in (None, ""):
        lat, lng = float(latitude), float(longitude)
        lo_lat, hi_lat, lo_lng, hi_lng = geo.bounding_box(lat, lng, radius_m)
        street = routing.street_of(place)
        near = base.filter(
            latitude__gte=lo_lat, latitude__lte=hi_lat, longitude__gte=lo_lng, longitude__lte=hi_lng
        )
        if street is not None:
            near = near.filter(street_id=street.pk)
        for c in near[:50]:
            if geo.haversine_m(lat, lng, c.latitude, c.longitude) <= radius_m:
                found[c.pk] = c
    return sorted(found.values(), key=lambda c: c.received_at, reverse=True)


__all__ = ["find_duplicates", "receive_case"]
