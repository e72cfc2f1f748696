"""Importers for persons, households and dwellings (registered with the core import framework)."""

from collections import defaultdict

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from stdnum.cn import ric

from gongzhi.accounts.roles import AREA_STAFF_ROLES
from gongzhi.areas.models import Area
from gongzhi.core import audit, pii, policy
from gongzhi.core.imports import (
    Column,
    Importer,
    Row,
    choice,
    choice_synonyms,
    parse_bool,
    parse_date,
    parse_decimal,
    register_importer,
    text,
)

from .models import Dwelling, Household, HouseholdMember, Person

try:  # the people actions module defines the capability; register it here only if it is not there yet
    from . import actions as _actions  # noqa: F401
except ImportError:
    pass
if "people.manage" not in policy.CAPABILITIES:
    policy.register("people.manage", AREA_STAFF_ROLES)
MANAGE = "people.manage"

audit.register_verb("person.imported", gettext_lazy("person imported"))
audit.register_verb("household.imported", gettext_lazy("household imported"))
audit.register_verb("dwelling.imported", gettext_lazy("dwelling imported"))

BATCH = 1000
AREA_HELP = gettext_lazy(
    "A statistical or GB/T 2260 code, a code and a name inside it (310117003001/江中小区), or a unique name."
)


def _id_number(value: str) -> str:
    return pii.validate_id_number(value)


def _phone(value: str) -> str:
    return pii.normalize_phone(value)


class AreaResolver:
    """Finds the area a row names, once per distinct value: code, "code/name" or a name in the actor's scope."""

    def __init__(self, actor, capability):
        self.actor = actor
        self.capability = capability
        self.cache: dict[str, Area | ValidationError] = {}

    def __call__(self, value: str) -> Area:
        if value not in self.cache:
            try:
                self.cache[value] = self._find(value.strip())
            except ValidationError as exc:
                self.cache[value] = exc
        found = self.cache[value]
        if isinstance(found, ValidationError):
            raise ValidationError({"area": found.messages})
        return found

    @staticmethod
    def _by_code(code: str) -> Area:
        field = "gb2260" if len(code) == 6 else "stat_code"
        area = Area.objects.filter(**{field: code}).first() if len(code) in (6, 12) else None
        if area is None:
            raise ValidationError(_("No area has the code %(code)s.") % {"code": code})
        return area

    def _find(self, value: str) -> Area:
        if "/" in value:
            code, name = (p.strip() for p in value.split("/", 1))
            parent = self._by_code(code)
            matches = list(Area.objects.subtree(parent, include_self=False).filter(name=name)[:2])
        elif value.isdigit():
            return self._by_code(value)
        else:
            name = value
            matches = list(
                Area.objects.in_paths(policy.area_paths(self.actor, self.capability)).filter(name=name)[:2]
            )
        if not matches:
            raise ValidationError(_("No area called %(name)s in your areas.") % {"name": name})
        if len(matches) > 1:
            raise ValidationError(
                _(
                    "Several areas are called %(name)s: write the committee's code and the name, e.g. 310117003001/%(name)s."
                )
                % {"name": name}
            )
        return matches[0]


GENDER_WORDS = choice_synonyms(Person.Gender, {"男": "male", "女": "female", "m": "male", "f": "female"})


@register_importer
class PersonImporter(Importer):
    kind = "people"
    label = gettext_lazy("Persons")
    capability = MANAGE
    columns = [
        Column("name", "姓名", "name", True, text(60)),
        Column(
            "gender",
            "性别",
            "gender",
            False,
            choice(GENDER_WORDS),
            gettext_lazy("男 or 女; from the ID number if empty."),
        ),
        Column(
            "birth_date",
            "出生日期",
            "birth_date",
            False,
            parse_date,
            gettext_lazy("From the ID number if empty."),
        ),
        Column(
            "id_number",
            "身份证号",
            "id_number",
            False,
            _id_number,
            gettext_lazy("18 characters; type the column as text."),
        ),
        Column("phone", "手机", "phone", False, _phone),
        Column("area", "区域", "area", True, text(120), AREA_HELP),
        Column("address", "地址", "address", False, text(200)),
    ]

    def __init__(self, actor):
        super().__init__(actor)
        self.resolve = AreaResolver(actor, self.capability)
        self.seen: dict[str, int] = {}

    def validate_row(self, row: Row):
        v = row.values
        area = self.resolve(v["area"])
        self.require_area(area)
        person = Person(name=v["name"], address=v["address"] or "", birth_date=v["birth_date"])
        if v["id_number"]:
            person.id_number = v["id_number"]
            if person.birth_date is None:
                person.birth_date = ric.get_birth_date(v["id_number"])
            if not v["gender"]:
                v["gender"] = "male" if int(v["id_number"][16]) % 2 else "female"
            first = self.seen.setdefault(person.id_number_hash, row.number)
            if first != row.number:
                raise ValidationError(
                    {"id_number": _("The same ID number is on row %(row)d.") % {"row": first}}
                )
        person.gender = v["gender"] or Person.Gender.UNKNOWN
        person.phone = v["phone"]
        person.set_area(area)
        return person

    def check_rows(self, rows):
        by_hash = {r.prepared.id_number_hash: r.number for r in rows if r.prepared.id_number_hash}
        hashes = list(by_hash)
        errors = []
        for i in range(0, len(hashes), BATCH):
            for found in Person.objects.filter(id_number_hash__in=hashes[i : i + BATCH]).values_list(
                "id_number_hash", flat=True
            ):
                errors.append(
                    (by_hash[found], "id_number", _("A person with this ID number is already recorded."))
                )
        return errors

    def write(self, rows):
        people = Person.objects.bulk_create([r.prepared for r in rows], batch_size=BATCH)
        audit.record_bulk(self.actor, "person.imported", people)
        return len(people)


def _dwelling_key(area, building, unit, room):
    return (area.pk, building, unit or "", room)


def _existing_dwellings(keys) -> dict:
    """Dwellings already in the database for the given (area id, building, unit, room) keys."""
    by_area = defaultdict(set)
    for area_id, building, _unit, _room in keys:
        by_area[area_id].add(building)
    found = {}
    for area_id, buildings in by_area.items():
        for d in Dwelling.objects.filter(area_id=area_id, building__in=buildings):
            found[(d.area_id, d.building, d.unit, d.room)] = d
    return found


KIND_WORDS = choice_synonyms(
    Household.Kind,
    {
        "户籍": "registered",
        "户籍户": "registered",
        "常住": "resident",
        "居住": "resident",
        "人户分离": "resident",
    },
)
TENURE_WORDS = {
    "owner": "owner",
    "tenant": "tenant",
    "自有": "owner",
    "产权": "owner",
    "业主": "owner",
    "租赁": "tenant",
    "租户": "tenant",
    "租住": "tenant",
}


@register_importer
class HouseholdImporter(Importer):
    kind = "households"
    label = gettext_lazy("Households")
    capability = MANAGE
    columns = [
        Column("number", "户号", "number", True, text(40)),
        Column("kind", "户别", "kind", False, choice(KIND_WORDS), gettext_lazy("户籍 or 常住.")),
        Column("area", "区域", "area", True, text(120), AREA_HELP),
        Column("building", "楼号", "building", False, text(20)),
        Column("unit", "单元", "unit", False, text(20)),
        Column("room", "室", "room", False, text(20)),
        Column("tenure", "产权", "tenure", False, choice(TENURE_WORDS), gettext_lazy("自有 or 租赁.")),
        Column(
            "head_id_number",
            "户主身份证号",
            "head_id_number",
            False,
            _id_number,
            gettext_lazy("The head must already be recorded as a person."),
        ),
    ]

    def __init__(self, actor):
        super().__init__(actor)
        self.resolve = AreaResolver(actor, self.capability)
        self.seen: dict[tuple, int] = {}

    def validate_row(self, row: Row):
        v = row.values
        area = self.resolve(v["area"])
        self.require_area(area)
        first = self.seen.setdefault((area.pk, v["number"]), row.number)
        if first != row.number:
            raise ValidationError(
                {"number": _("The same household number is on row %(row)d.") % {"row": first}}
            )
        if bool(v["building"]) != bool(v["room"]):
            raise ValidationError(
                {
                    "room" if v["building"] else "building": _(
                        "Give both the building and the room, or neither."
                    )
                }
            )
        household = Household(
            number=v["number"], kind=v["kind"] or Household.Kind.RESIDENT, tenure=v["tenure"] or "owner"
        )
        household.set_area(area)
        dwelling_key = _dwelling_key(area, v["building"], v["unit"], v["room"]) if v["building"] else None
        head_hash = pii.keyed_hash(pii.ID_NUMBER, v["head_id_number"]) if v["head_id_number"] else None
        return {"household": household, "dwelling": dwelling_key, "head": head_hash}

    def check_rows(self, rows):
        errors = []
        by_area = defaultdict(dict)
        for r in rows:
            h = r.prepared["household"]
            by_area[h.area_id][h.number] = r.number
        for area_id, numbers in by_area.items():
            names = list(numbers)
            for i in range(0, len(names), BATCH):
                for number in Household.objects.filter(
                    area_id=area_id, number__in=names[i : i + BATCH]
                ).values_list("number", flat=True):
                    errors.append(
                        (
                            numbers[number],
                            "number",
                            _("This household number is already recorded in this area."),
                        )
                    )
        heads = {r.prepared["head"]: r.number for r in rows if r.prepared["head"]}
        hashes = list(heads)
        self.heads = {}
        for i in range(0, len(hashes), BATCH):
            self.heads.update(
                Person.objects.filter(id_number_hash__in=hashes[i : i + BATCH]).values_list(
                    "id_number_hash", "pk"
                )
            )
        for r in rows:
            head = r.prepared["head"]
            if head and head not in self.heads:
                errors.append(
                    (
                        r.number,
                        "head_id_number",
                        _("No person with this ID number is recorded; import the persons first."),
                    )
                )
        return errors

    def write(self, rows):
        keys = {r.prepared["dwelling"] for r in rows if r.prepared["dwelling"]}
        dwellings = _existing_dwellings(keys)
        areas = {r.prepared["household"].area_id: r.prepared["household"].area for r in rows}
        new = []
        for key in sorted(keys - set(dwellings)):
            area_id, building, unit, room = key
            d = Dwelling(building=building, unit=unit, room=room)
            d.set_area(areas[area_id])
            dwellings[key] = d
            new.append(d)
        Dwelling.objects.bulk_create(new, batch_size=BATCH)
        households = []
        for r in rows:
            h = r.prepared["household"]
            if r.prepared["dwelling"]:
                h.dwelling = dwellings[r.prepared["dwelling"]]
            households.append(h)
        Household.objects.bulk_create(households, batch_size=BATCH)
        members = [
            HouseholdMember(
                household=r.prepared["household"],
                person_id=self.heads[r.prepared["head"]],
                relation=HouseholdMember.Relation.HEAD,
            )
            for r in rows
            if r.prepared["head"]
        ]
        HouseholdMember.objects.bulk_create(members, batch_size=BATCH)
        audit.record_bulk(self.actor, "dwelling.imported", new)
        audit.record_bulk(self.actor, "household.imported", households)
        return len(households)


USE_WORDS = choice_synonyms(
    Dwelling.Use, {"住宅": "residential", "商业": "commercial", "商住": "mixed", "其他": "other"}
)


@register_importer
class DwellingImporter(Importer):
    kind = "dwellings"
    label = gettext_lazy("Dwellings")
    capability = MANAGE
    columns = [
        Column("area", "区域", "area", True, text(120), AREA_HELP),
        Column("building", "楼号", "building", True, text(20)),
        Column("unit", "单元", "unit", False, text(20)),
        Column("room", "室", "room", True, text(20)),
        Column(
            "floor_area_m2", "面积", "floor_area_m2", False, parse_decimal, gettext_lazy("Square metres.")
        ),
        Column("use", "用途", "use", False, choice(USE_WORDS), gettext_lazy("住宅, 商业, 商住 or 其他.")),
        Column("occupied", "入住", "occupied", False, parse_bool, gettext_lazy("是 or 否.")),
    ]

    def __init__(self, actor):
        super().__init__(actor)
        self.resolve = AreaResolver(actor, self.capability)
        self.seen: dict[tuple, int] = {}

    def validate_row(self, row: Row):
        v = row.values
        area = self.resolve(v["area"])
        self.require_area(area)
        key = _dwelling_key(area, v["building"], v["unit"], v["room"])
        first = self.seen.setdefault(key, row.number)
        if first != row.number:
            raise ValidationError({"room": _("The same dwelling is on row %(row)d.") % {"row": first}})
        if v["floor_area_m2"] is not None and v["floor_area_m2"] >= 10**7:
            raise ValidationError({"floor_area_m2": _("Too large.")})
        d = Dwelling(
            building=v["building"],
            unit=v["unit"] or "",
            room=v["room"],
            floor_area_m2=round(v["floor_area_m2"], 2) if v["floor_area_m2"] is not None else None,
            use=v["use"] or Dwelling.Use.RESIDENTIAL,
            occupied=True if v["occupied"] is None else v["occupied"],
        )
        d.set_area(area)
        return d

    def check_rows(self, rows):
        by_key = {
            _dwelling_key(r.prepared.area, r.prepared.building, r.prepared.unit, r.prepared.room): r.number
            for r in rows
        }
        return [
            (by_key[key], "room", _("This dwelling is already recorded."))
            for key in _existing_dwellings(by_key)
        ]

    def write(self, rows):
        dwellings = Dwelling.objects.bulk_create([r.prepared for r in rows], batch_size=BATCH)
        audit.record_bulk(self.actor, "dwelling.imported", dwellings)
        return len(dwellings)
