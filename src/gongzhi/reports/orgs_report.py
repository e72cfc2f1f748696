"""The social-organization annual development report, computed from the records for any area and date.

Registrations count organizations registered on or before the as-of date and not deregistered by it,
inside the area's subtree (a range on area_path). Inspection figures add up the annual reports of
the inspection year (the as-of date's year) that took part: submitted or reviewed. Every figure the
page, the PDF and the workbook show is in the dict `build()` returns (also the JSON), and every
percentage is computed here, one decimal, half up (`rollups.rate`), never by the chart library.
"""

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext as _

from gongzhi.areas.models import Area, AreaFacts, subtree_q
from gongzhi.core.rollups import rate
from gongzhi.orgs.models import AnnualInspection, SocialOrganization
from gongzhi.orgs.models.inspection import STAFF_GROUPS
from gongzhi.orgs.models.registry import SUBTYPES_BY_TYPE, OrgType, Subtype

TOOK_PART = (AnnualInspection.State.SUBMITTED, AnnualInspection.State.REVIEWED)
MONEY_FIELDS = ("net_assets", "total_income", "total_expenditure")
STAFF_FIELDS = [
    "staff_total",
    *[f for fields in STAFF_GROUPS.values() for f in fields],
    "returned_from_abroad",
    "social_worker_certified",
    "other_certified",
]


def staff_labels() -> dict:
    return {
        "full_time": _("full-time"),
        "part_time": _("part-time"),
        "contract_labour": _("labour contract"),
        "contract_rehired_retiree": _("re-employed retirees"),
        "contract_enterprise_employee": _("employed by an enterprise or institution"),
        "contract_other_unit_part_time": _("part-time from another unit"),
        "contract_civil_servant": _("serving civil servants"),
        "contract_other": _("other"),
        "age_35_or_under": _("35 or under"),
        "age_36_to_50": _("36–50"),
        "age_51_to_60": _("51–60"),
        "age_over_60": _("over 60"),
        "edu_high_school_or_below": _("high school or below"),
        "edu_college_or_bachelor": _("college or bachelor's degree"),
        "edu_master_or_above": _("master's degree or above"),
        "returned_from_abroad": _("returned from study abroad"),
        "social_worker_certified": _("social-worker certificate holders"),
        "other_certified": _("other professional qualifications"),
    }


def group_titles() -> dict:
    return {
        "tenure": _("Full-time and part-time"),
        "contract": _("Contract kind"),
        "age": _("Age band"),
        "education": _("Education"),
        "certificates": _("Certificates and qualifications"),
    }


def year_end(year: int) -> dt.date:
    return dt.date(year, 12, 31)


def _pct(value) -> float | None:
    return None if value is None else float(value)


def _growth(now, then) -> float | None:
    """Growth rate in percent (one decimal, half up): (now − then) / then."""
    now, then = Decimal(now or 0), Decimal(then or 0)
    return _pct(rate(now - then, then))


def registered_as_of(area: Area, as_of: dt.date):
    return SocialOrganization.objects.filter(
        subtree_q("area_path", area.path),
        Q(deregistered_on__isnull=True) | Q(deregistered_on__gt=as_of),
        registered_on__lte=as_of,
    )


def _counts(area, as_of) -> dict[tuple[str, str], int]:
    rows = registered_as_of(area, as_of).values_list("org_type", "subtype").annotate(n=Count("id"))
    return {(t, s): n for t, s, n in rows}


def _slices(counts: dict, keys, labels, total) -> list[dict]:
    return [
        {
            "key": str(k),
            "label": str(labels[k]),
            "count": counts.get(k, 0),
            "share": _pct(rate(counts.get(k, 0), total)),
        }
        for k in keys
    ]


def registrations(area, as_of) -> dict:
    counts = _counts(area, as_of)
    by_type = {t: sum(n for (tt, _s), n in counts.items() if tt == t) for t in OrgType.values}
    total = sum(by_type.values())
    type_labels = {t: OrgType(t).label for t in OrgType.values}
    order = [OrgType.NON_ENTERPRISE_UNIT, OrgType.SOCIAL_GROUP, OrgType.FOUNDATION]  # the report's order

    def sub(org_type):
        keys = SUBTYPES_BY_TYPE[org_type]
        sub_counts = {k: counts.get((org_type, k), 0) for k in keys}
        return _slices(sub_counts, keys, {k: Subtype(k).label for k in keys}, by_type[org_type])

    return {
        "total": total,
        "by_type": _slices(by_type, [str(t) for t in order], type_labels, total),
        "social_group_subtypes": sub(OrgType.SOCIAL_GROUP),
        "non_enterprise_fields": sub(OrgType.NON_ENTERPRISE_UNIT),
        "foundation_kinds": sub(OrgType.FOUNDATION),
    }


def growth(area, as_of, compare_to) -> dict:
    now, then = _counts(area, as_of), _counts(area, compare_to)
    rows = []
    for t in OrgType.values:
        n_now = sum(n for (tt, _s), n in now.items() if tt == t)
        n_then = sum(n for (tt, _s), n in then.items() if tt == t)
        rows.append(
            {
                "key": t,
                "label": str(OrgType(t).label),
                "count_then": n_then,
                "count_now": n_now,
                "net_growth": n_now - n_then,
                "growth_rate": _growth(n_now, n_then),
            }
        )
    total_now, total_then = sum(r["count_now"] for r in rows), sum(r["count_then"] for r in rows)
    return {
        "from": compare_to.isoformat(),
        "to": as_of.isoformat(),
        "by_type": rows,
        "total": {
            "count_then": total_then,
            "count_now": total_now,
            "net_growth": total_now - total_then,
            "growth_rate": _growth(total_now, total_then),
        },
    }


def _inspection_sums(area, year) -> dict:
    qs = AnnualInspection.objects.filter(subtree_q("area_path", area.path), year=year, state__in=TOOK_PART)
    sums = qs.aggregate(
        organizations=Count("id"), **{f: Sum(f) for f in STAFF_FIELDS}, **{f: Sum(f) for f in MONEY_FIELDS}
    )
    by_type = dict(qs.values_list("org_type").annotate(n=Count("id")))
    sums = {k: (v if v is not None else (Decimal(0) if k in MONEY_FIELDS else 0)) for k, v in sums.items()}
    sums["by_type"] = by_type
    return sums


def _money(value) -> str:
    return str(Decimal(value or 0).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def inspection(area, year, compare_year) -> dict:
    now, then = _inspection_sums(area, year), _inspection_sums(area, compare_year)
    labels, titles = staff_labels(), group_titles()
    groups = {}
    for group, fields in [
        *STAFF_GROUPS.items(),
        ("certificates", ["social_worker_certified", "other_certified", "returned_from_abroad"]),
    ]:
        groups[group] = {
            "title": str(titles[group]),
            "rows": [
                {
                    "key": f,
                    "label": str(labels[f]),
                    "count": now[f],
                    "share": _pct(rate(now[f], now["staff_total"])),
                    "compare_count": then[f],
                    "compare_share": _pct(rate(then[f], then["staff_total"])),
                }
                for f in fields
            ],
        }
    n, n_then = now["organizations"], then["organizations"]
    avg = (Decimal(now["net_assets"]) / n) if n else None
    avg_then = (Decimal(then["net_assets"]) / n_then) if n_then else None

    def million(value):
        return (
            None
            if value is None
            else str((value / Decimal(1_000_000)).quantize(Decimal("0.0001"), ROUND_HALF_UP))
        )

    finances = {
        "rows": [
            {
                "key": f,
                "label": str(
                    {
                        "net_assets": _("net assets"),
                        "total_income": _("total income"),
                        "total_expenditure": _("total expenditure"),
                    }[f]
                ),
                "amount": _money(now[f]),
                "amount_100m": str(
                    (Decimal(now[f]) / Decimal(100_000_000)).quantize(Decimal("0.01"), ROUND_HALF_UP)
                ),
                "compare_amount": _money(then[f]),
                "growth_rate": _growth(now[f], then[f]) if then[f] else None,
            }
            for f in MONEY_FIELDS
        ],
        "average_net_assets": None if avg is None else _money(avg),
        "average_net_assets_million": million(avg),
        "compare_average_net_assets_million": million(avg_then),
        "average_growth_rate": _growth(avg, avg_then) if avg is not None and avg_then else None,
    }
    return {
        "year": year,
        "compare_year": compare_year,
        "organizations": n,
        "compare_organizations": n_then,
        "by_type": [
            {
                "key": t,
                "label": str(OrgType(t).label),
                "count": now["by_type"].get(t, 0),
                "compare_count": then["by_type"].get(t, 0),
            }
            for t in [OrgType.SOCIAL_GROUP, OrgType.NON_ENTERPRISE_UNIT, OrgType.FOUNDATION]
        ],
        "staff": {
            "total": now["staff_total"],
            "compare_total": then["staff_total"],
            "growth_rate": _growth(now["staff_total"], then["staff_total"]) if then["staff_total"] else None,
            "groups": groups,
        },
        "finances": finances,
    }


def density(area, as_of, total) -> dict:
    facts = AreaFacts.objects.filter(area=area, year=as_of.year).first()
    population = facts.registered_population if facts else None
    per = None
    if population:
        per = float((Decimal(total) * 10000 / Decimal(population)).quantize(Decimal("0.1"), ROUND_HALF_UP))
    return {"year": as_of.year, "registered_population": population, "per_10000": per}


def build(area: Area, as_of: dt.date, compare_to: dt.date | None = None) -> dict:
    """The whole report as plain JSON-able data."""
    compare_to = compare_to or _year_before(as_of)
    if compare_to >= as_of:
        raise ValueError("the compared date must be before the report date")
    reg = registrations(area, as_of)
    return {
        "report": "orgs",
        "area": {"id": area.pk, "code": area.code, "name": area.name, "kind": area.kind},
        "as_of": as_of.isoformat(),
        "compare_to": compare_to.isoformat(),
        "registrations": reg,
        "growth": growth(area, as_of, compare_to),
        "inspection": inspection(area, as_of.year, compare_to.year),
        "density": density(area, as_of, reg["total"]),
    }


def _year_before(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def fmt_pct(value) -> str:
    """A share for display: "66.0%" (the value is already rounded by the server), "—" when undefined."""
    return "—" if value is None else f"{Decimal(str(value)):.1f}%"
