"""The golden data set "shanghai-2013": records whose totals are the 2013 Shanghai report's (DOMAIN.md §11).

`gongzhi demo --dataset shanghai-2013` loads, into an empty database, the city (310000) with its
districts and 2013 facts (registered population 14,323,400), 11,607 organizations registered at the
end of 2013 (3,789 social groups, 7,666 private non-enterprise units, 152 foundations — plus a few
deregistered during 2013 and a few registered in 2014, which the report must leave out), their 2013
annual reports (9,500 took part, 200,300 staff, net assets 31.259 billion yuan) and a smaller 2012
round for the comparisons. Names are invented; USCCs are valid (stdnum check characters).
The report computes every figure from these rows; nothing here is a figure of the report.
"""

import datetime as dt
from decimal import Decimal

from django.db import connection, transaction
from stdnum.cn import uscc as stdnum_uscc

from gongzhi.areas.actions import build_area
from gongzhi.areas.models import Area, AreaFacts, AreaKind
from gongzhi.orgs.models import AnnualInspection, OrgStatusChange, SocialOrganization
from gongzhi.orgs.models.inspection import STAFF_GROUPS

from . import divisions

NAME = "shanghai-2013"
REGISTERED_POPULATION_2013 = 14_323_400
# Organizations registered on 31 December 2013, by type and subtype.
COUNTS = {
    "social_group": {"professional": 1781, "federative": 985, "academic": 769, "trade": 254},
    "non_enterprise_unit": {
        "education": 3120,
        "civil_affairs": 1180,
        "health": 520,
        "culture": 610,
        "science": 450,
        "sports": 560,
        "labour": 640,
        "law": 96,
        "other": 490,
    },
    "foundation": {"public_fundraising": 51, "non_public_fundraising": 101},
}
NEW_IN_2013 = {"social_group": 300, "non_enterprise_unit": 700, "foundation": 3}
DEREGISTERED_IN_2013 = {"social_group": 40, "non_enterprise_unit": 60, "foundation": 1}
REGISTERED_IN_2014 = {"social_group": 10, "non_enterprise_unit": 15, "foundation": 1}
# Annual reports that took part: 2013 (the golden totals) and 2012 (for comparisons).
INSPECTED = {
    2013: {"social_group": 3431, "non_enterprise_unit": 5921, "foundation": 148},
    2012: {"social_group": 3250, "non_enterprise_unit": 5500, "foundation": 140},
}
STAFF = {2013: (200_300, 143_100, 4_919), 2012: (186_200, 131_900, 4_100)}  # total, full-time, certificates
NET_ASSETS = {2013: Decimal("31259000000.00"), 2012: Decimal("27480000000.00")}
INCOME = {2013: Decimal("45210000000.00"), 2012: Decimal("40120000000.00")}
EXPENDITURE = {2013: Decimal("41870000000.00"), 2012: Decimal("37650000000.00")}
# Shares of staff by contract kind, age band and education (each group adds up to the total).
SPLITS = {
    "contract": [0.46, 0.22, 0.12, 0.11, 0.03, 0.06],
    "age": [0.31, 0.33, 0.21, 0.15],
    "education": [0.34, 0.58, 0.08],
}
PREFIX = {"social_group": "51", "non_enterprise_unit": "52", "foundation": "53"}
WORDS = ["明德", "同心", "致远", "惠民", "启航", "仁爱", "和合", "新知", "睿思", "晨曦", "博雅", "安康"]
SUFFIX = {"social_group": "协会", "non_enterprise_unit": "服务中心", "foundation": "基金会"}


def _org_code(seq: int) -> str:
    """A 9-character organization code (GB 11714) with its check character."""
    body = f"{seq:08d}"
    weights = [3, 7, 9, 10, 5, 8, 4, 2]
    c = 11 - sum(int(d) * w for d, w in zip(body, weights, strict=True)) % 11
    return body + {10: "X", 11: "0"}.get(c, str(c))


def make_uscc(org_type: str, area_code: str, seq: int) -> str:
    stem = PREFIX[org_type] + area_code + _org_code(seq)
    return stem + stdnum_uscc.calc_check_digit(stem)


def _spread(total: int, n: int) -> list[int]:
    """`n` integers adding up to `total`, as equal as possible."""
    base, rest = divmod(total, n)
    return [base + (1 if i < rest else 0) for i in range(n)]


def _split(total: int, shares: list[float], turn: int) -> list[int]:
    """`total` split by the shares; the units left by rounding down go round the categories in turn."""
    parts = [int(total * s) for s in shares]
    for k in range(total - sum(parts)):
        parts[(turn + k) % len(parts)] += 1
    return parts


def _money_spread(total: Decimal, n: int) -> list[Decimal]:
    """Varied amounts (weights 0.2 … 1.8) adding up to `total` exactly."""
    weights = [Decimal(w) for w in ("0.2", "0.5", "1.0", "1.5", "1.8")]
    unit = (total / n).quantize(Decimal("0.01"))
    amounts = [(unit * weights[i % 5]).quantize(Decimal("0.01")) for i in range(n)]
    amounts[-1] += total - sum(amounts)
    return amounts


def _areas() -> tuple[Area, list[Area]]:
    city = build_area(name="上海市", kind=AreaKind.CITY, gb2260="310000", is_demo=True)
    city.save()
    districts = []
    for row in divisions.districts():
        d = build_area(
            name=row["name"], kind=AreaKind.DISTRICT, parent=city, gb2260=row["code"], is_demo=True
        )
        d.save()
        districts.append(d)
    AreaFacts.objects.create(area=city, year=2013, registered_population=REGISTERED_POPULATION_2013)
    return city, districts


def _registration_dates(n_old: int, n_new: int) -> list[dt.date]:
    """Old ones spread over 1995-01-01 … 2012-06-30, new ones over 2013-01-10 … 2013-12-20."""
    old_start, old_days = dt.date(1995, 1, 1), (dt.date(2012, 6, 30) - dt.date(1995, 1, 1)).days
    new_start, new_days = dt.date(2013, 1, 10), (dt.date(2013, 12, 20) - dt.date(2013, 1, 10)).days
    old = [old_start + dt.timedelta(days=(i * old_days) // max(n_old - 1, 1)) for i in range(n_old)]
    new = [new_start + dt.timedelta(days=(i * new_days) // max(n_new - 1, 1)) for i in range(n_new)]
    return old + new


def fast_insert(model, rows: list[dict], batch_size: int = 2000) -> None:
    """INSERT rows (attname → plain value) with executemany; fields a row leaves out get the model's
    default, prepared once. Ten times faster than bulk_create for the tens of thousands of rows here."""
    if not rows:
        return
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    given = set(rows[0])
    sample = model()
    constant = {
        f.attname: f.get_db_prep_save(f.pre_save(sample, add=True), connection)
        for f in fields
        if f.attname not in given
    }
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {connection.ops.quote_name(model._meta.db_table)} ({columns}) VALUES ({marks})"  # noqa: S608 - names from the model
    with connection.cursor() as cursor:
        for i in range(0, len(rows), batch_size):
            cursor.executemany(
                sql,
                [
                    [row[f.attname] if f.attname in given else constant[f.attname] for f in fields]
                    for row in rows[i : i + batch_size]
                ],
            )


def _placed(area) -> dict:
    return {"area_id": area.pk, "area_path": area.path, **area.scope_ids()}


def _organizations(districts) -> list[dict]:
    orgs, seq = [], 0
    for org_type, subtypes in COUNTS.items():
        subtype_list = [s for s, n in subtypes.items() for _ in range(n)]
        # Interleave subtypes so new and inspected organizations have every subtype.
        subtype_list = subtype_list[::2] + subtype_list[1::2]
        total = len(subtype_list)
        extra_dereg, extra_2014 = DEREGISTERED_IN_2013[org_type], REGISTERED_IN_2014[org_type]
        dates = _registration_dates(total - NEW_IN_2013[org_type], NEW_IN_2013[org_type])
        rows = [(subtype_list[i], dates[i], None) for i in range(total)]
        rows += [(subtype_list[i], dt.date(2001, 3, 1), dt.date(2013, 5, 20)) for i in range(extra_dereg)]
        rows += [(subtype_list[i], dt.date(2014, 2, 18), None) for i in range(extra_2014)]
        for subtype, registered_on, deregistered_on in rows:
            seq += 1
            district = districts[seq % len(districts)]
            orgs.append(
                {
                    "name": f"上海市{WORDS[seq % len(WORDS)]}{SUFFIX[org_type]}（样例{seq:05d}）",
                    "uscc": make_uscc(org_type, district.gb2260, seq),
                    "org_type": org_type,
                    "subtype": subtype,
                    "registered_on": registered_on,
                    "status": "deregistered" if deregistered_on else "registered",
                    "status_changed_on": deregistered_on,
                    "deregistered_on": deregistered_on,
                    "address": f"{district.name}样例路{seq % 900 + 1}号",
                    "is_demo": True,
                    **_placed(district),
                }
            )
    fast_insert(SocialOrganization, orgs)
    ids = dict(SocialOrganization.objects.filter(is_demo=True).values_list("uscc", "id"))
    for org in orgs:
        org["id"] = ids[org["uscc"]]
    return orgs


def _inspections(orgs, year: int) -> int:
    total, full, certified = STAFF[year]
    chosen = []
    for org_type, n in INSPECTED[year].items():
        eligible = [
            o
            for o in orgs
            if o["org_type"] == org_type
            and o["registered_on"] <= dt.date(year, 6, 30)
            and (o["deregistered_on"] is None or o["deregistered_on"] > dt.date(year, 12, 31))
        ]
        chosen += eligible[:n]
    n = len(chosen)
    staff, full_time = _spread(total, n), _spread(full, n)
    net, income, spent = (_money_spread(m[year], n) for m in (NET_ASSETS, INCOME, EXPENDITURE))
    rows = []
    for i, org in enumerate(chosen):
        t = staff[i]
        row = {"staff_total": t, "full_time": full_time[i], "part_time": t - full_time[i]}
        for group in ("contract", "age", "education"):
            row.update(zip(STAFF_GROUPS[group], _split(t, SPLITS[group], i), strict=True))
        row.update(
            social_worker_certified=1 if i < certified else 0,
            other_certified=1 if i % 4 == 0 else 0,
            returned_from_abroad=1 if i % 25 == 0 else 0,
            organization_id=org["id"],
            org_type=org["org_type"],
            year=year,
            due_on=dt.date(year + 1, 5, 31),
            state=AnnualInspection.State.REVIEWED.value,
            result=AnnualInspection.Result.QUALIFIED.value,
            net_assets=net[i],
            total_income=income[i],
            total_expenditure=spent[i],
            is_demo=True,
            **{
                k: org[k]
                for k in ("area_id", "area_path", "district_id", "street_id", "community_id", "committee_id")
            },
        )
        rows.append(row)
    fast_insert(AnnualInspection, rows)
    return n


@transaction.atomic
def load() -> dict:
    """Load the data set (the demo command checks that the database is empty first)."""
    city, districts = _areas()
    orgs = _organizations(districts)
    history = [
        {
            "organization_id": o["id"],
            "status": "registered",
            "effective_on": o["registered_on"],
            "changes": "{}",
        }
        for o in orgs
    ] + [
        {
            "organization_id": o["id"],
            "status": "deregistered",
            "effective_on": o["deregistered_on"],
            "changes": "{}",
        }
        for o in orgs
        if o["deregistered_on"]
    ]
    fast_insert(OrgStatusChange, history)
    inspected = {year: _inspections(orgs, year) for year in (2012, 2013)}
    return {"city": city, "organizations": len(orgs), "inspections": inspected}
