"""Demo people: dwellings in the demo compounds, about 300 persons with valid synthetic ID numbers, households.

Idempotent: when demo persons exist, only the links of demo logins to persons are (re)checked.
Persons live in the compounds' grids (so grid workers see their beat), households and dwellings in
the compounds. ID numbers carry the district's GB/T 2260 code (310114 Jiading, 310117 Songjiang),
a birth date from 1940–2010 and a correct check digit; phones are 13x mobiles.
"""

import datetime as dt
import random
from decimal import Decimal
from functools import cache

from stdnum.cn import ric

from gongzhi.accounts.models import RoleAssignment, User
from gongzhi.areas.models import Area, AreaKind, subtree_q
from gongzhi.core import audit

from ..people.models import Dwelling, Household, HouseholdMember, Person

TARGET_PERSONS = 300
DWELLINGS_PER_COMPOUND = 6
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董潘袁蔡蒋余于杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国建华志强永红海燕玉兰文辉国强春梅晓东红梅丹丹子涵浩然欣怡宇轩梓萱一诺思远佳怡嘉豪雨桐子墨"
# Linked to a person so "my record" and later person-based features work with the demo logins.
LINKED_LOGINS = ("malu_resident", "fangsong_member", "fangsong_volunteer")


# The division code in an ID number is the one in force at birth: Jiading and Songjiang were
# counties (310222, 310227) before they became districts (310114 in 1992, 310117 in 1998), and
# python-stdnum checks that. 310101 (Huangpu) stands in for years neither code covers.
BIRTH_PLACE_CODES = {"310114": ("310114", "310222"), "310117": ("310117", "310227")}
FALLBACK_CODE = "310101"


@cache
def birth_place_code(district_code: str, year: int) -> str:
    for code in (*BIRTH_PLACE_CODES.get(district_code, (district_code,)), FALLBACK_CODE):
        body = f"{code}{year}0101001"
        if ric.is_valid(body + ric.calc_check_digit(body + "0")):
            return code
    return FALLBACK_CODE


def synthetic_id_number(district_code: str, birth: dt.date, sequence: int, male: bool) -> str:
    """A valid 18-character resident ID number: birth-place code, birth date, sequence (odd = male), check digit."""
    seq = sequence % 499 * 2 + 2 - (1 if male else 0)  # 1..997 odd for men, 2..998 even for women
    body = f"{birth_place_code(district_code, birth.year)}{birth:%Y%m%d}{seq:03d}"
    # calc_check_digit reads the first 17 characters of an 18-character number.
    return body + ric.calc_check_digit(body + "0")


def _district_prefix(area: Area) -> str:
    district = Area.objects.filter(pk=area.district_id).first()
    return (district.gb2260 if district and district.gb2260 else "310117")[:6]


def _demo_compounds(areas: dict):
    out = []
    for key in ("malu", "fangsong"):
        top = areas.get(key)
        if top is None:
            continue
        out.extend(
            Area.objects.subtree(top).filter(kind=AreaKind.COMPOUND, is_demo=True, abolished_on__isnull=True)
        )
    return out


class _Maker:
    def __init__(self, rng: random.Random):
        self.rng = rng
        self.used_ids: set[str] = set()
        self.sequence = 0

    def name(self) -> str:
        r = self.rng
        given = r.choice(GIVEN) + (r.choice(GIVEN) if r.random() < 0.7 else "")
        return r.choice(SURNAMES) + given

    def birth(self, lo: int, hi: int) -> dt.date:
        year = self.rng.randint(max(1940, lo), min(2010, max(lo, hi)))
        return dt.date(year, self.rng.randint(1, 12), self.rng.randint(1, 28))

    def person(self, prefix: str, birth: dt.date, male: bool, grid: Area, address: str) -> Person:
        while True:
            self.sequence += 1
            number = synthetic_id_number(prefix, birth, self.sequence, male)
            if number not in self.used_ids:
                break
        self.used_ids.add(number)
        phone = f"+8613{self.rng.randint(5, 9)}{self.rng.randint(0, 99_999_999):08d}"
        person = Person(
            name=self.name(),
            gender=Person.Gender.MALE if male else Person.Gender.FEMALE,
            birth_date=birth,
            id_number=number,  # the descriptor fills id_number_hash, so bulk_create stays deduplicated
            phone=phone if self.rng.random() < 0.85 else None,
            address=address,
            is_demo=True,
        )
        person.set_area(grid)
        return person


def _household_people(maker: _Maker, prefix: str, grid: Area, address: str) -> list[tuple[Person, str]]:
    """A head, usually a spouse, sometimes children and a parent: plausible ages from 1940 to 2010."""
    r = maker.rng
    head_male = r.random() < 0.6
    head_birth = maker.birth(1945, 1992)
    members = [(maker.person(prefix, head_birth, head_male, grid, address), HouseholdMember.Relation.HEAD)]
    if r.random() < 0.75:
        spouse_birth = maker.birth(head_birth.year - 4, head_birth.year + 4)
        members.append((maker.person(prefix, spouse_birth, not head_male, grid, address), "spouse"))
    for _i in range(r.choice((0, 1, 1, 2))):
        lo = head_birth.year + 22
        if lo <= 2010:
            members.append(
                (maker.person(prefix, maker.birth(lo, lo + 15), r.random() < 0.5, grid, address), "child")
            )
    if r.random() < 0.15 and head_birth.year >= 1965:
        members.append(
            (
                maker.person(
                    prefix, maker.birth(1940, head_birth.year - 22), r.random() < 0.5, grid, address
                ),
                "parent",
            )
        )
    return members


def _link_logins(areas: dict) -> None:
    for username in LINKED_LOGINS:
        user = User.objects.filter(username=username).first()
        if user is None or Person.objects.filter(user=user).exists():
            continue
        grant = (
            RoleAssignment.objects.active()
            .filter(user=user, area__isnull=False)
            .select_related("area")
            .first()
        )
        if grant is None:
            continue
        person = (
            Person.objects.filter(subtree_q("area_path", grant.area.path), is_demo=True, user__isnull=True)
            .order_by("id")
            .first()
        )
        if person is not None:
            person.user = user
            person.save(update_fields=["user", "updated_at"])
            audit.record(None, "person.user_linked", person, details={"user": username, "demo": True})


def load(areas: dict, *, target: int = TARGET_PERSONS, seed: int = 2026) -> int:
    """Create the demo people once; return how many persons were created (0 on a second run)."""
    if Person.objects.filter(is_demo=True).exists():
        _link_logins(areas)
        return 0
    compounds = _demo_compounds(areas)
    if not compounds:
        return 0
    maker = _Maker(random.Random(seed))
    r = maker.rng
    dwellings: list[Dwelling] = []
    for compound in compounds:
        for i in range(DWELLINGS_PER_COMPOUND):
            d = Dwelling(
                building=str(1 + i // 4),
                unit=str(1 + i % 2),
                room=f"{1 + (i % 4) // 2}0{1 + i % 2}",
                floor_area_m2=Decimal(r.choice(("48", "56", "62.5", "75", "89.3", "96", "110", "128"))),
                use=Dwelling.Use.RESIDENTIAL if r.random() < 0.92 else Dwelling.Use.MIXED,
                occupied=True,
                is_demo=True,
            )
            d.set_area(compound)
            dwellings.append(d)
    Dwelling.objects.bulk_create(dwellings, batch_size=500)
    dwellings = list(Dwelling.objects.filter(is_demo=True).select_related("area").order_by("area_path", "id"))
    grids = {}
    for g in Area.objects.filter(kind=AreaKind.GRID, parent__in=compounds).order_by("path"):
        grids.setdefault(g.parent_id, []).append(g)
    prefixes = {c.pk: _district_prefix(c) for c in compounds}

    households, planned, count = [], [], 0
    # Round-robin over the compounds, one dwelling each turn, until the target is reached.
    by_compound: dict[int, list[Dwelling]] = {}
    for d in dwellings:
        by_compound.setdefault(d.area_id, []).append(d)
    turn = 0
    while count < target and turn < DWELLINGS_PER_COMPOUND:
        for compound in compounds:
            if count >= target or turn >= len(by_compound.get(compound.pk, [])):
                continue
            dwelling = by_compound[compound.pk][turn]
            grid = (grids.get(compound.pk) or [compound])[
                turn % max(1, len(grids.get(compound.pk) or [compound]))
            ]
            address = f"{compound.name.replace('（演示）', '')}{dwelling.building}号{dwelling.unit}单元{dwelling.room}室"
            kind = Household.Kind.REGISTERED if r.random() < 0.6 else Household.Kind.RESIDENT
            household = Household(
                number=f"{compound.pk:04d}-{turn + 1:03d}",
                kind=kind,
                tenure="owner" if kind == Household.Kind.REGISTERED or r.random() < 0.5 else "tenant",
                dwelling=dwelling,
                is_demo=True,
            )
            household.set_area(compound)
            members = _household_people(maker, prefixes[compound.pk], grid, address)
            households.append(household)
            planned.append(members)
            count += len(members)
        turn += 1
    Household.objects.bulk_create(households, batch_size=500)
    persons = [p for members in planned for p, _rel in members]
    Person.objects.bulk_create(persons, batch_size=500)
    # bulk_create sets primary keys on SQLite 3.35+ and PostgreSQL; fetch them by hash otherwise.
    if persons and persons[0].pk is None:
        ids = dict(Person.objects.filter(is_demo=True).values_list("id_number_hash", "id"))
        for p in persons:
            p.pk = p.id = ids[p.id_number_hash]
    if households and households[0].pk is None:
        ids = {(h.area_id, h.number): h.pk for h in Household.objects.filter(is_demo=True)}
        for h in households:
            h.pk = h.id = ids[(h.area_id, h.number)]
    HouseholdMember.objects.bulk_create(
        [
            HouseholdMember(household=h, person=p, relation=rel)
            for h, members in zip(households, planned, strict=True)
            for p, rel in members
        ],
        batch_size=1000,
    )
    with audit.audit_group():
        audit.record_bulk(None, "dwelling.created", dwellings, details={"demo": True})
        audit.record_bulk(None, "household.created", households, details={"demo": True})
        audit.record_bulk(None, "person.created", persons, details={"demo": True})
    _link_logins(areas)
    return len(persons)
