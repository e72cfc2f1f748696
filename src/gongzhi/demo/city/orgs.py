"""Social organizations of the city data set: the registry (≈ 66 % private non-enterprise units, 33 %
social groups, 1 % foundations), their status history and last year's annual reports, whose staff
category counts add up to the plan's staff total (each group — tenure, contract, age, education —
adds up to each report's total, as `orgs` checks on submission)."""

import datetime as dt
from decimal import Decimal

from gongzhi.orgs.actions.inspection import is_exempt
from gongzhi.orgs.models import AnnualInspection, OrgStatusChange, SocialOrganization
from gongzhi.orgs.models.inspection import STAFF_GROUPS

from ..golden import SPLITS, make_uscc
from . import names
from .areas import PLACED
from .plan import moment, spread

TYPES = (("non_enterprise_unit", 0.66), ("social_group", 0.33), ("foundation", 0.01))
SUBTYPES = {
    "social_group": (("professional", 46), ("federative", 26), ("academic", 20), ("trade", 8)),
    "non_enterprise_unit": (
        ("education", 40),
        ("civil_affairs", 16),
        ("health", 7),
        ("culture", 8),
        ("science", 6),
        ("sports", 7),
        ("labour", 8),
        ("law", 2),
        ("other", 6),
    ),
    "foundation": (("public_fundraising", 33), ("non_public_fundraising", 67)),
}
SERVICE_FIELDS = ("elderly", "youth", "disability", "poverty", "community", "culture", "environment")
ORG_COLUMNS = (
    "id",
    *PLACED,
    "name",
    "uscc",
    "org_type",
    "subtype",
    "service_fields",
    "registered_on",
    "status",
    "status_changed_on",
    "deregistered_on",
    "address",
    "legal_representative",
    "supervising_unit",
    "evaluation_grade",
    "grade_awarded_on",
    "grade_valid_until",
    "is_demo",
)
STATE_WEIGHTS = (("reviewed", 85), ("submitted", 8), ("draft", 4), ("returned", 3))
RESULT_WEIGHTS = (("qualified", 90), ("basically_qualified", 7), ("unqualified", 3))


def _pick(rng, table):
    return rng.choices([k for k, _w in table], weights=[w for _k, w in table])[0]


def _split(rng, total: int, shares: list[float]) -> list[int]:
    """`total` split by shares varied ±30 % (largest remainder), adding up exactly."""
    raw = [s * (0.7 + 0.6 * rng.random()) for s in shares]
    unit = total / sum(raw)
    parts = [int(r * unit) for r in raw]
    for i in sorted(range(len(parts)), key=lambda i: parts[i] - raw[i] * unit)[: total - sum(parts)]:
        parts[i] += 1
    return parts


def _registered_on(rng, today: dt.date) -> dt.date:
    # More young organizations than old ones: 1995 … today, skewed to recent years.
    span = (today - dt.date(1995, 1, 1)).days
    return today - dt.timedelta(days=int(span * rng.random() ** 1.6))


def generate(rng, plan, areas, writer) -> dict:
    n = plan["organizations"]
    ids = writer.ids(SocialOrganization, n)
    orgs = writer.sink(SocialOrganization, ORG_COLUMNS)
    history = writer.sink(OrgStatusChange, ("id", "organization_id", "status", "effective_on", "changes"))
    year = plan.today.year - 1
    places = areas.streets + areas.districts
    place_weights = [7 / len(areas.streets)] * len(areas.streets) + [3 / len(areas.districts)] * len(
        areas.districts
    )
    inspected = []
    for seq, org_id in enumerate(ids, start=1):
        org_type = _pick(rng, TYPES)
        place = rng.choices(places, weights=place_weights)[0]
        district = place if place.kind == "district" else place.parent
        registered_on = _registered_on(rng, plan.today)
        deregistered_on = None
        if rng.random() < 0.03:
            deregistered_on = min(plan.today, registered_on + dt.timedelta(days=rng.randint(200, 4000)))
        grade = ""
        if rng.random() < 0.12 and registered_on.year < plan.today.year - 2:
            grade = rng.choice(("3A", "3A", "4A", "4A", "5A", "2A"))
        awarded = plan.today - dt.timedelta(days=rng.randint(30, 1500)) if grade else None
        org_name = f"{place.name[:6]}{rng.choice(names.ORG_WORDS)}{rng.choice(names.ORG_FIELDS[org_type])}"
        orgs.add(
            org_id,
            *place.placed,
            org_name,
            make_uscc(org_type, district.code, seq),
            org_type,
            _pick(rng, SUBTYPES[org_type]),
            rng.sample(SERVICE_FIELDS, rng.randint(1, 3)),
            registered_on,
            "deregistered" if deregistered_on else "registered",
            deregistered_on,
            deregistered_on,
            f"{place.name}{rng.choice(names.PLACE_WORDS)}路{rng.randint(1, 999)}号",
            names.person(rng),
            f"{district.name}民政局" if org_type != "foundation" else "上海市民政局",
            grade,
            awarded,
            awarded + dt.timedelta(days=5 * 365) if awarded else None,
            True,
        )
        history.add(writer.id(OrgStatusChange), org_id, "registered", registered_on, {})
        if deregistered_on:
            history.add(writer.id(OrgStatusChange), org_id, "deregistered", deregistered_on, {})
        alive = deregistered_on is None or deregistered_on > dt.date(year, 12, 31)
        if alive and registered_on <= dt.date(year, 12, 31):
            inspected.append((org_id, org_type, place, registered_on))
    staff = _inspections(rng, plan, writer, inspected, year)
    return {"organizations": n, "inspections": len(inspected), "staff": staff}


def _inspections(rng, plan, writer, inspected, year: int) -> int:
    columns = [
        "id",
        *PLACED,
        "organization_id",
        "org_type",
        "year",
        "state",
        "due_on",
        "submitted_at",
        "reviewed_at",
        "result",
        "return_reason",
        "exempt_reason",
        "staff_total",
        *[f for group in STAFF_GROUPS.values() for f in group],
        "returned_from_abroad",
        "social_worker_certified",
        "other_certified",
        "net_assets",
        "total_income",
        "total_expenditure",
        "is_demo",
    ]
    sink = writer.sink(AnnualInspection, columns)
    reporting = [row for row in inspected if not is_exempt(row[3], year)]
    staff = spread(rng, plan["inspection_staff"], len(reporting), minimum=1, jitter=0.9)
    staff_of = {row[0]: s for row, s in zip(reporting, staff, strict=True)}
    due_on = dt.date(year + 1, 5, 31)
    for org_id, org_type, place, _registered_on in inspected:
        total = staff_of.get(org_id)
        exempt = total is None
        state = "exempt" if exempt else _pick(rng, STATE_WEIGHTS)
        total = total or 0
        submitted = None
        if state in ("reviewed", "submitted", "returned"):
            submitted = moment(rng, dt.date(year + 1, 3, 1) + dt.timedelta(days=rng.randint(0, 80)))
        reviewed = submitted + dt.timedelta(days=rng.randint(3, 30)) if state == "reviewed" else None
        full = round(total * (0.55 + 0.3 * rng.random()))
        counts = [full, total - full]
        for group in ("contract", "age", "education"):
            counts += _split(rng, total, SPLITS[group])
        money = Decimal(total * rng.randint(20_000, 400_000))
        income = Decimal(total * rng.randint(30_000, 200_000))
        sink.add(
            writer.id(AnnualInspection),
            *place.placed,
            org_id,
            org_type,
            year,
            state,
            due_on,
            submitted,
            reviewed,
            _pick(rng, RESULT_WEIGHTS) if state == "reviewed" else "",
            "请补充财务审计报告。" if state == "returned" else "",
            "登记未满六个月。" if exempt else "",
            total,
            *counts,
            int(total * 0.02 * rng.random()),
            min(total, int(total * 0.15 * rng.random() + (1 if rng.random() < 0.3 else 0))),
            min(total, int(total * 0.1 * rng.random())),
            money,
            income,
            (income * Decimal(0.8 + 0.3 * rng.random())).quantize(Decimal("1")),
            True,
        )
    return sum(staff)
