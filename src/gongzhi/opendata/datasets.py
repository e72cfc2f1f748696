"""What may be published as open data: each dataset's columns (the data dictionary) and its rows.

Only public facts leave the platform: areas and their yearly facts, the public registry fields of
social organizations (no legal representative, contact person or phone), public councils and their
public resolutions with the progress of their action items (never an item of a confidential agenda
item, never a person as owner), service contracts in force or done (OCDS), and case statistics from
the rollups at street level and above, with small cells suppressed. No table here holds a person.
Rows are streamed (`iterator()`) from the read alias, so a city-size bundle never sits in memory.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gongzhi.areas.models import Area, AreaFacts, AreaKind
from gongzhi.core.models import Rollup
from gongzhi.core.replica import report_read

CHUNK = 2000
# A published count or rate whose base is smaller than this is left empty: with so few cases in an
# area and month, a figure could point at a person.
MIN_CELL = 5
CASE_LEVELS = (AreaKind.CITY, AreaKind.DISTRICT, AreaKind.STREET, AreaKind.TOWN)
CASE_FIGURES = {"recv": "received", "res": "resolution", "sat": "satisfaction", "ontime": "on_time"}


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # integer, number, string, date, boolean
    description: object


@dataclass
class Dataset:
    name: str
    title: object
    description: object
    columns: list[Column]
    rows: Callable[[], Iterator[tuple]] = field(repr=False)


def _code(area_path_codes: dict, area_id) -> str:
    return area_path_codes.get(area_id, "")


def _area_codes() -> dict[int, str]:
    """area id → its statistical code (or GB/T 2260 code), for the areas that have one."""
    rows = report_read(Area.objects.filter(Q(stat_code__isnull=False) | Q(gb2260__isnull=False)))
    return {pk: stat or gb for pk, stat, gb in rows.values_list("id", "stat_code", "gb2260").iterator(CHUNK)}


def _day(value) -> str:
    return value.isoformat() if value else ""


def _areas() -> Iterator[tuple]:
    qs = report_read(Area.objects.exclude(kind__in=[AreaKind.GRID]).order_by("path"))
    for a in qs.values(
        "id",
        "parent_id",
        "name",
        "kind",
        "stat_code",
        "gb2260",
        "established_on",
        "abolished_on",
        "in_preparation",
    ).iterator(CHUNK):
        yield (
            a["id"],
            a["parent_id"] or "",
            a["name"],
            a["kind"],
            a["stat_code"] or "",
            a["gb2260"] or "",
            _day(a["established_on"]),
            _day(a["abolished_on"]),
            a["in_preparation"],
        )


FACT_FIELDS = (
    "registered_population",
    "resident_population",
    "nonlocal_population",
    "dwellings_built",
    "dwellings_occupied",
    "staff_count",
    "patrol_staff_count",
    "budget_yuan",
)


def _area_facts() -> Iterator[tuple]:
    qs = report_read(AreaFacts.objects.order_by("area_id", "year"))
    for f in qs.values("area_id", "year", *FACT_FIELDS).iterator(CHUNK):
        yield (f["area_id"], f["year"], *("" if f[k] is None else f[k] for k in FACT_FIELDS))


def _organizations() -> Iterator[tuple]:
    from gongzhi.orgs.models import SocialOrganization

    codes = _area_codes()
    qs = report_read(SocialOrganization.objects.order_by("id"))
    for o in qs.values(
        "id",
        "name",
        "uscc",
        "org_type",
        "subtype",
        "form",
        "service_fields",
        "registered_on",
        "status",
        "deregistered_on",
        "address",
        "supervising_unit",
        "business_scope",
        "evaluation_grade",
        "grade_awarded_on",
        "grade_valid_until",
        "area_id",
    ).iterator(CHUNK):
        yield (
            o["id"],
            o["name"],
            o["uscc"],
            o["org_type"],
            o["subtype"],
            o["form"],
            ";".join(str(s) for s in (o["service_fields"] or [])),
            _day(o["registered_on"]),
            o["status"],
            _day(o["deregistered_on"]),
            o["address"],
            o["supervising_unit"],
            o["business_scope"],
            o["evaluation_grade"],
            _day(o["grade_awarded_on"]),
            _day(o["grade_valid_until"]),
            o["area_id"],
            _code(codes, o["area_id"]),
        )


def _councils() -> Iterator[tuple]:
    from gongzhi.councils.models import Council

    qs = report_read(Council.objects.filter(is_public=True).order_by("id"))
    for c in qs.values("id", "name", "kind", "purpose", "area_id", "is_active").iterator(CHUNK):
        yield (c["id"], c["name"], c["kind"], c["purpose"], c["area_id"], c["is_active"])


def public_resolutions_q(prefix: str = "") -> Q:
    """Public resolutions of public councils, never one taken on a confidential agenda item."""
    from gongzhi.councils.models import AgendaItem

    p = prefix
    return Q(**{f"{p}is_public": True, f"{p}council__is_public": True}) & (
        Q(**{f"{p}motion__isnull": True}) | Q(**{f"{p}motion__item__audience": AgendaItem.Audience.EVERYONE})
    )


def _resolutions() -> Iterator[tuple]:
    from gongzhi.councils.models import Resolution

    qs = report_read(Resolution.objects.filter(public_resolutions_q()).order_by("id"))
    for r in qs.values("id", "council_id", "meeting_id", "title", "text", "decided_on", "area_id").iterator(
        CHUNK
    ):
        yield (
            r["id"],
            r["council_id"],
            r["meeting_id"] or "",
            r["title"],
            r["text"],
            _day(r["decided_on"]),
            r["area_id"],
        )


def _action_items() -> Iterator[tuple]:
    from gongzhi.councils.models import ActionItem

    qs = report_read(ActionItem.objects.filter(public_resolutions_q("resolution__")).order_by("id"))
    person = ActionItem.OwnerKind.PERSON
    for i in qs.values(
        "id",
        "resolution_id",
        "title",
        "owner_kind",
        "owner_label",
        "due_on",
        "status",
        "progress",
        "completed_on",
        "is_overdue",
    ).iterator(CHUNK):
        yield (
            i["id"],
            i["resolution_id"],
            i["title"],
            i["owner_kind"],
            "" if i["owner_kind"] == person else i["owner_label"],  # a person's name is not published
            _day(i["due_on"]),
            i["status"],
            i["progress"],
            _day(i["completed_on"]),
            i["is_overdue"],
        )


def _num(value: Decimal | None) -> str:
    if value is None:
        return ""
    value = Decimal(value)
    return str(int(value)) if value == value.to_integral_value() else str(value.normalize())


def _rate(num: Decimal, den: Decimal) -> str:
    if den < MIN_CELL:
        return ""
    return str((Decimal(100) * num / den).quantize(Decimal("0.1")))


def _case_statistics() -> Iterator[tuple]:
    """Per area (street level and above), month and category ("" = all): counts and rates."""
    levels = dict(
        report_read(Area.objects.filter(kind__in=CASE_LEVELS)).values_list("id", "kind").iterator(CHUNK)
    )
    if not levels:
        return
    codes = _area_codes()
    # Figures are "cases.<metric>" or "cases.<metric>.c.<category>"; channels and handlers stay inside.
    wanted = Q()
    for metric in CASE_FIGURES:
        wanted |= Q(figure=f"cases.{metric}") | Q(figure__startswith=f"cases.{metric}.c.")
    qs = report_read(
        Rollup.objects.filter(wanted, area_id__in=list(levels)).order_by("area_id", "period", "figure")
    )
    current, cells = None, {}

    def emit(key, cells):
        area_id, period, category = key
        received = cells.get("recv", (Decimal(0), Decimal(0)))[0]
        row = [area_id, levels[area_id], _code(codes, area_id), period, category]
        row.append(_num(received) if received >= MIN_CELL else "")
        for metric in ("res", "sat", "ontime"):
            num, den = cells.get(metric, (Decimal(0), Decimal(0)))
            row.append(_rate(num, den))
        return tuple(row)

    for area_id, period, figure, num, den in qs.values_list(
        "area_id", "period", "figure", "numerator", "denominator"
    ).iterator(CHUNK):
        parts = figure.split(".")
        metric = parts[1]
        category = parts[3] if len(parts) >= 4 else ""
        key = (area_id, period, category)
        if key != current:
            # Rows arrive ordered by area and period; categories interleave, so keep a small buffer
            # per (area, period) and flush it when the period changes.
            if current is not None and (current[0], current[1]) != (area_id, period):
                yield from (emit(k, v) for k, v in sorted(cells.items()))
                cells = {}
            current = key
        cells.setdefault(key, {})[metric] = (Decimal(num), Decimal(den))
    yield from (emit(k, v) for k, v in sorted(cells.items()))


def all_datasets() -> list[Dataset]:
    C = Column
    area_id = C("area_id", "integer", _("id of the area (see areas)"))
    code = C("area_code", "string", _("statistical (12-digit) or GB/T 2260 code of the area"))
    return [
        Dataset(
            "areas",
            _("Areas"),
            _("The area tree: city, districts, streets and towns, communities, committees and compounds."),
            [
                C("id", "integer", _("area id")),
                C("parent_id", "integer", _("id of the parent area (empty for the city)")),
                C("name", "string", _("name")),
                C("kind", "string", _("kind of area")),
                C("stat_code", "string", _("statistical division code (12 digits)")),
                C("gb2260", "string", _("GB/T 2260 code (6 digits)")),
                C("established_on", "date", _("established on")),
                C("abolished_on", "date", _("abolished on (empty if in force)")),
                C("in_preparation", "boolean", _("committee in preparation")),
            ],
            _areas,
        ),
        Dataset(
            "area_facts",
            _("Yearly facts of areas"),
            _("Population, dwellings, staff and budget of an area in a year, as recorded by its staff."),
            [area_id, C("year", "integer", _("year"))]
            + [
                C(k, "number" if k == "budget_yuan" else "integer", AreaFacts._meta.get_field(k).verbose_name)
                for k in FACT_FIELDS
            ],
            _area_facts,
        ),
        Dataset(
            "organizations",
            _("Registered social organizations"),
            _(
                "The public registry fields of social organizations; contact people and phones are not published."
            ),
            [
                C("id", "integer", _("organization id")),
                C("name", "string", _("name")),
                C("uscc", "string", _("unified social credit code")),
                C("org_type", "string", _("type")),
                C("subtype", "string", _("subtype")),
                C("form", "string", _("form")),
                C("service_fields", "string", _("service fields, separated by semicolons")),
                C("registered_on", "date", _("registration date")),
                C("status", "string", _("status")),
                C("deregistered_on", "date", _("deregistration date")),
                C("address", "string", _("address")),
                C("supervising_unit", "string", _("supervising unit")),
                C("business_scope", "string", _("business scope")),
                C("evaluation_grade", "string", _("evaluation grade (1A–5A)")),
                C("grade_awarded_on", "date", _("grade awarded on")),
                C("grade_valid_until", "date", _("grade valid until")),
                area_id,
                code,
            ],
            _organizations,
        ),
        Dataset(
            "councils",
            _("Public councils"),
            _("Councils with a public accountability page."),
            [
                C("id", "integer", _("council id")),
                C("name", "string", _("name")),
                C("kind", "string", _("kind of council")),
                C("purpose", "string", _("purpose")),
                area_id,
                C("is_active", "boolean", _("active")),
            ],
            _councils,
        ),
        Dataset(
            "resolutions",
            _("Public resolutions"),
            _(
                "Public resolutions of public councils; resolutions on confidential agenda items are never included."
            ),
            [
                C("id", "integer", _("resolution id")),
                C("council_id", "integer", _("id of the council (see councils)")),
                C("meeting_id", "integer", _("id of the meeting")),
                C("title", "string", _("title")),
                C("text", "string", _("text")),
                C("decided_on", "date", _("decided on")),
                area_id,
            ],
            _resolutions,
        ),
        Dataset(
            "action_items",
            _("Progress of resolutions"),
            _("Action items of public resolutions with their progress; a person as owner is not named."),
            [
                C("id", "integer", _("action item id")),
                C("resolution_id", "integer", _("id of the resolution (see resolutions)")),
                C("title", "string", _("action")),
                C("owner_kind", "string", _("owner kind")),
                C("owner", "string", _("owner (a unit, organization, department or committee)")),
                C("due_on", "date", _("due date")),
                C("status", "string", _("status")),
                C("progress", "integer", _("progress (%)")),
                C("completed_on", "date", _("completed on")),
                C("is_overdue", "boolean", _("overdue")),
            ],
            _action_items,
        ),
        Dataset(
            "case_statistics",
            _("Case statistics"),
            _(
                "Residents' demands and community problems per area (street level and above), month and "
                "category: cases received, resolution, satisfaction and on-time rates (%%). A figure based on "
                "fewer than %(min)s cases is left empty."
            )
            % {"min": MIN_CELL},
            [
                area_id,
                C("area_kind", "string", _("kind of area")),
                code,
                C("period", "string", _("month (YYYY-MM)")),
                C("category", "string", _("case category code (empty: all categories)")),
                C("received", "integer", _("cases received")),
                C("resolution_rate", "number", _("resolution rate (%)")),
                C("satisfaction_rate", "number", _("satisfaction rate (%)")),
                C("on_time_rate", "number", _("on-time resolution rate (%)")),
            ],
            _case_statistics,
        ),
    ]
