"""Bodies and seats: create and change councils, seats with terms, composition rules, roster publication.

A roster is drafted freely; once published (Council.roster_published_at), every change to a seat is
checked against the body's composition rules inside the same transaction, and refused whole.
"""

import datetime as dt
from fractions import Fraction

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.accounts.models import User
from gongzhi.areas.models import Area
from gongzhi.core import audit, policy

from .. import visibility
from ..models import Council, Seat
from ..models.bodies import Threshold
from . import MANAGE, require_roster

COUNCIL_FIELDS = (
    "kind",
    "name",
    "purpose",
    "clerk",
    "quorum_numerator",
    "quorum_denominator",
    "quorum_inclusive",
    "default_threshold",
    "proxies_allowed",
    "owners_rules",
    "composition_rules",
    "is_public",
    "is_active",
)
SEAT_FIELDS = (
    "holder_user",
    "holder_person",
    "holder_name",
    "position",
    "represents",
    "represents_id",
    "represents_label",
    "tenure",
    "term_start",
    "term_end",
    "dwelling",
    "may_vote",
)


# --- composition rules ---------------------------------------------------------------------------------
def _fraction(value, field) -> Fraction:
    try:
        n, d = (int(v) for v in value)
        if n < 0 or d <= 0 or n > d:
            raise ValueError
    except (TypeError, ValueError):
        raise ValidationError(
            {field: _("A share must be written as [numerator, denominator], e.g. [1, 2].")}
        ) from None
    return Fraction(n, d)


def clean_composition_rules(rules) -> list[dict]:
    """Normalised rules: [{"represents": [...], "min"|"max": [n, d], "inclusive": bool, "label": str}]."""
    field = "composition_rules"
    if rules in (None, ""):
        return []
    if not isinstance(rules, list):
        raise ValidationError({field: _("Composition rules must be a list.")})
    valid = set(Seat.Represents.values)
    out = []
    for rule in rules:
        if not isinstance(rule, dict):
            raise ValidationError({field: _("Each composition rule must be an object.")})
        represents = rule.get("represents")
        if isinstance(represents, str):
            represents = [represents]
        if not represents or not isinstance(represents, list) or not set(represents) <= valid:
            raise ValidationError(
                {
                    field: _("Each rule names the parties it counts, from: %(kinds)s.")
                    % {"kinds": ", ".join(sorted(valid))}
                }
            )
        bounds = [k for k in ("min", "max") if k in rule]
        if len(bounds) != 1:
            raise ValidationError({field: _("Each rule has either a minimum share or a maximum share.")})
        bound = bounds[0]
        share = _fraction(rule[bound], field)
        out.append(
            {
                "represents": sorted(set(represents)),
                bound: [share.numerator, share.denominator],
                "inclusive": bool(rule.get("inclusive", True)),
                "label": str(rule.get("label", ""))[:120],
            }
        )
    return out


def describe_rule(rule: dict) -> str:
    labels = dict(Seat.Represents.choices)
    who = ", ".join(str(labels.get(r, r)) for r in rule["represents"])
    bound = "min" if "min" in rule else "max"
    n, d = rule[bound]
    if bound == "min":
        text = (
            _("%(who)s: no less than %(n)d/%(d)d of the seats")
            if rule["inclusive"]
            else _("%(who)s: more than %(n)d/%(d)d of the seats")
        )
    else:
        text = (
            _("%(who)s: no more than %(n)d/%(d)d of the seats")
            if rule["inclusive"]
            else _("%(who)s: less than %(n)d/%(d)d of the seats")
        )
    return rule.get("label") or text % {"who": who, "n": n, "d": d}


def rule_holds(rule: dict, seats: list[Seat]) -> bool:
    total = len(seats)
    if total == 0:
        return True  # an empty roster has no composition yet; publication requires seats
    part = Fraction(sum(1 for s in seats if s.represents in rule["represents"]), total)
    if "min" in rule:
        share = Fraction(*rule["min"])
        return part >= share if rule["inclusive"] else part > share
    share = Fraction(*rule["max"])
    return part <= share if rule["inclusive"] else part < share


def composition_report(council: Council, on: dt.date | None = None) -> list[dict]:
    """Each rule with whether the seats current on `on` (today) satisfy it, for pages and the API."""
    on = on or timezone.localdate()
    seats = [s for s in council.seats.all() if s.is_current(on)]
    rules = clean_composition_rules(council.composition_rules)
    return [{"rule": r, "text": describe_rule(r), "holds": rule_holds(r, seats)} for r in rules]


def check_composition(council: Council) -> None:
    """Raise unless every rule holds on every day from today on where the roster changes."""
    rules = clean_composition_rules(council.composition_rules)
    if not rules:
        return
    today = timezone.localdate()
    seats = list(council.seats.all())
    days = {today}
    for s in seats:
        if s.term_start > today:
            days.add(s.term_start)
        if s.term_end is not None and s.term_end >= today:
            days.add(s.term_end + dt.timedelta(days=1))
    for day in sorted(days):
        current = [s for s in seats if s.is_current(day)]
        for rule in rules:
            if not rule_holds(rule, current):
                raise ValidationError(
                    {
                        "composition_rules": _(
                            "The roster breaks the rule “%(rule)s” (from %(day)s): %(n)d of %(total)d seats."
                        )
                        % {
                            "rule": describe_rule(rule),
                            "day": day.isoformat(),
                            "n": sum(1 for s in current if s.represents in rule["represents"]),
                            "total": len(current),
                        }
                    }
                )


# --- councils ---------------------------------------------------------------------------------------
def _area(area) -> Area:
    if isinstance(area, Area):
        return area
    try:
        return Area.objects.get(pk=int(area))
    except (Area.DoesNotExist, ValueError, TypeError):
        raise ValidationError({"area": _("Choose an existing area.")}) from None


def _user(value, field):
    if value in (None, ""):
        return None
    if isinstance(value, User):
        return value
    try:
        return User.objects.get(pk=int(value), is_active=True)
    except (User.DoesNotExist, ValueError, TypeError):
        raise ValidationError({field: _("No active user has this id.")}) from None


def _check_council(council: Council) -> None:
    if not council.name.strip():
        raise ValidationError({"name": _("Give the council a name.")})
    if council.kind not in Council.Kind.values:
        raise ValidationError({"kind": _("Choose a kind of council.")})
    if council.default_threshold not in Threshold.values:
        raise ValidationError({"default_threshold": _("Choose a majority rule.")})
    if not council.quorum_denominator or council.quorum_numerator > council.quorum_denominator:
        raise ValidationError({"quorum_numerator": _("The quorum is a share between 0 and 1, e.g. 1/2.")})
    if council.area.abolished_on is not None:
        raise ValidationError({"area": _("This area has been abolished.")})
    council.composition_rules = clean_composition_rules(council.composition_rules)


@transaction.atomic
def create_council(*, actor, area, kind, name, **fields) -> Council:
    area = _area(area)
    policy.require(actor, MANAGE, area=area)
    fields = {k: v for k, v in fields.items() if k in COUNCIL_FIELDS}
    if "clerk" in fields:
        fields["clerk"] = _user(fields["clerk"], "clerk")
    council = Council(kind=kind, name=(name or "").strip(), **fields)
    council.set_area(area)
    _check_council(council)
    council.save()
    audit.record(actor, "council.created", council, details={"kind": kind})
    return council


@transaction.atomic
def update_council(*, actor, council: Council, **changes) -> Council:
    council = Council.objects.select_for_update().select_related("area").get(pk=council.pk)
    require_roster(actor, council)
    changed = {}
    for key, value in changes.items():
        if key not in COUNCIL_FIELDS:
            continue
        if key == "clerk":
            value = _user(value, "clerk")
        if getattr(council, key) != value:
            changed[key] = str(value)[:200]
            setattr(council, key, value)
    _check_council(council)
    council.save()
    if council.roster_published_at and "composition_rules" in changed:
        check_composition(council)
    audit.record(actor, "council.updated", council, details={"changed": sorted(changed)})
    return council


@transaction.atomic
def publish_roster(*, actor, council: Council) -> Council:
    council = Council.objects.select_for_update().select_related("area").get(pk=council.pk)
    require_roster(actor, council)
    today = timezone.localdate()
    if not any(s.is_current(today) for s in council.seats.all()):
        raise ValidationError(
            {"seats": _("A roster needs at least one current seat before it is published.")}
        )
    check_composition(council)
    council.roster_published_at = timezone.now()
    council.save(update_fields=["roster_published_at"])
    audit.record(actor, "council.roster_published", council)
    return council


# --- seats ------------------------------------------------------------------------------------------
def _holder_key(seat: Seat):
    if seat.holder_user_id:
        return ("user", seat.holder_user_id)
    if seat.holder_person_id:
        return ("person", seat.holder_person_id)
    return ("name", seat.holder_name.strip())


def _overlaps(a: Seat, b: Seat) -> bool:
    far = dt.date.max
    return a.term_start <= (b.term_end or far) and b.term_start <= (a.term_end or far)


def _check_seat(seat: Seat) -> None:
    if not seat.holder_name.strip():
        if seat.holder_user_id:
            seat.holder_name = (seat.holder_user.display_name or seat.holder_user.username)[:60]
        elif seat.holder_person_id:
            seat.holder_name = seat.holder_person.name[:60]
        else:
            raise ValidationError({"holder_name": _("Name the seat's holder.")})
    if seat.represents not in Seat.Represents.values:
        raise ValidationError({"represents": _("Choose whom the seat represents.")})
    if seat.tenure not in Seat.Tenure.values:
        raise ValidationError({"tenure": _("Choose full-time or part-time.")})
    if seat.position not in Seat.Position.values:
        raise ValidationError({"position": _("Choose a position.")})
    if not isinstance(seat.term_start, dt.date):
        raise ValidationError({"term_start": _("Give the date the term starts.")})
    if seat.term_end is not None and seat.term_end < seat.term_start:
        raise ValidationError({"term_end": _("The term cannot end before it starts.")})
    key = _holder_key(seat)
    others = Seat.objects.filter(council_id=seat.council_id).exclude(pk=seat.pk)
    for other in others:
        if _holder_key(other) == key and _overlaps(seat, other):
            raise ValidationError(
                {
                    "term_start": _(
                        "%(name)s already holds a seat on this council from %(start)s to %(end)s; terms may not overlap."
                    )
                    % {
                        "name": seat.holder_name,
                        "start": other.term_start.isoformat(),
                        "end": other.term_end.isoformat() if other.term_end else _("open end"),
                    }
                }
            )


def _after_seat_change(council: Council, seat: Seat) -> None:
    if council.roster_published_at:
        check_composition(council)
    visibility.forget(seat.holder_user)


@transaction.atomic
def add_seat(*, actor, council: Council, **fields) -> Seat:
    # Locking the council serialises seat changes, so two overlapping terms cannot slip in together.
    council = Council.objects.select_for_update().select_related("area").get(pk=council.pk)
    require_roster(actor, council)
    fields = {k: v for k, v in fields.items() if k in SEAT_FIELDS}
    if "holder_user" in fields:
        fields["holder_user"] = _user(fields["holder_user"], "holder_user")
    fields.setdefault("holder_name", "")
    fields["holder_name"] = (fields["holder_name"] or "").strip()
    seat = Seat(council=council, **fields)
    _check_seat(seat)
    seat.save()
    _after_seat_change(council, seat)
    audit.record(
        actor,
        "seat.added",
        seat,
        area=council.area,
        details={"council": council.pk, "represents": seat.represents, "tenure": seat.tenure},
    )
    return seat


@transaction.atomic
def update_seat(*, actor, seat: Seat, **changes) -> Seat:
    council = Council.objects.select_for_update().select_related("area").get(pk=seat.council_id)
    require_roster(actor, council)
    seat = Seat.objects.get(pk=seat.pk)
    old_user = seat.holder_user
    changed = []
    for key, value in changes.items():
        if key not in SEAT_FIELDS:
            continue
        if key == "holder_user":
            value = _user(value, "holder_user")
        if getattr(seat, key) != value:
            changed.append(key)
            setattr(seat, key, value)
    _check_seat(seat)
    seat.save()
    _after_seat_change(council, seat)
    visibility.forget(old_user)
    audit.record(actor, "seat.updated", seat, area=council.area, details={"changed": sorted(changed)})
    return seat


@transaction.atomic
def end_seat(*, actor, seat: Seat, on: dt.date) -> Seat:
    """Close a term (resignation, replacement): the seat stays in the record with its end date."""
    council = Council.objects.select_for_update().select_related("area").get(pk=seat.council_id)
    require_roster(actor, council)
    seat = Seat.objects.get(pk=seat.pk)
    if on < seat.term_start:
        raise ValidationError({"term_end": _("The term cannot end before it starts.")})
    seat.term_end = on
    seat.save(update_fields=["term_end"])
    _after_seat_change(council, seat)
    audit.record(actor, "seat.ended", seat, area=council.area, details={"on": on})
    return seat


@transaction.atomic
def remove_seat(*, actor, seat: Seat) -> None:
    """Delete a seat entered by mistake; a seat that voted or attended is ended, never deleted."""
    council = Council.objects.select_for_update().select_related("area").get(pk=seat.council_id)
    require_roster(actor, council)
    seat = Seat.objects.get(pk=seat.pk)
    if seat.ballots.exists() or seat.attendance.exists():
        raise ValidationError(
            {"seat": _("This seat has voted or attended; end its term instead of removing it.")}
        )
    audit.record(actor, "seat.removed", seat, area=council.area, details={"holder": seat.holder_name})
    seat.delete()
    _after_seat_change(council, seat)
