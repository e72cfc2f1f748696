"""A subtree is one index range on both databases: EXPLAIN at city scale (60,000 areas).

The areas are bulk-created with computed paths (what a loader of the real city does), not built
one by one, so the test stays in seconds.
"""

import re

import pytest
from django.conf import settings
from django.db import connection

from gongzhi.areas import paths
from gongzhi.areas.models import Area, AreaKind, subtree_q

DISTRICTS, STREETS, COMMITTEES, COMPOUNDS, GRIDS = 16, 15, 25, 3, 2


def _bulk_city() -> dict:
    """1 city, 16 districts, 240 streets, 6,000 committees, 18,000 compounds, 36,000 grids (60,257)."""
    next_id = (Area.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
    rows: list[Area] = []

    def add(kind, parent, number, **ids):
        nonlocal next_id
        path = (parent.path if parent else "") + paths.segment(number)
        area = Area(
            id=next_id,
            name=f"{kind}-{path}",
            kind=kind,
            parent_id=parent.pk if parent else None,
            path=path,
            depth=paths.depth(path),
            **ids,
        )
        next_id += 1
        rows.append(area)
        return area

    city = add(AreaKind.CITY, None, 1, gb2260="310000")
    picked = {}
    for d in range(1, DISTRICTS + 1):
        district = add(AreaKind.DISTRICT, city, d, gb2260=f"3101{d:02d}")
        for s in range(1, STREETS + 1):
            street = add(AreaKind.STREET, district, s, district_id=district.pk)
            for c in range(1, COMMITTEES + 1):
                committee = add(
                    AreaKind.RESIDENTS_COMMITTEE, street, c, district_id=district.pk, street_id=street.pk
                )
                ids = {"district_id": district.pk, "street_id": street.pk, "committee_id": committee.pk}
                for p in range(1, COMPOUNDS + 1):
                    compound = add(AreaKind.COMPOUND, committee, p, **ids)
                    for g in range(1, GRIDS + 1):
                        add(AreaKind.GRID, compound, g, **ids)
                if (d, s, c) == (DISTRICTS // 2, STREETS // 2, COMMITTEES // 2):
                    picked["committee"] = committee
            if (d, s) == (DISTRICTS // 2, STREETS // 2):
                picked["street"] = street
    Area.objects.bulk_create(rows, batch_size=5000)
    picked["count"] = len(rows)
    return picked


@pytest.fixture
def city_scale(db):
    picked = _bulk_city()
    if settings.IS_POSTGRES:
        with connection.cursor() as cursor:
            # Rows inserted by this (test) transaction count as live for ANALYZE.
            cursor.execute("ANALYZE areas_area")
    else:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return picked


def _assert_index_range(plan: str) -> None:
    if settings.IS_POSTGRES:
        assert "Seq Scan" not in plan, plan
        assert re.search(r"(Index Scan|Index Only Scan|Bitmap Index Scan) (using|on) \S*path", plan), plan
    else:
        assert "SCAN areas_area" not in plan, plan
        assert "SEARCH areas_area USING" in plan and "INDEX" in plan, plan
        assert "path>? AND path<?" in plan, plan


@pytest.mark.slow
def test_subtree_queries_use_the_path_index_at_city_scale(city_scale):
    assert Area.objects.count() == city_scale["count"] >= 60_000
    street = city_scale["street"]
    subtree = Area.objects.subtree(street)
    expected = 1 + COMMITTEES * (1 + COMPOUNDS * (1 + GRIDS))
    assert subtree.count() == expected
    assert {a.street_id for a in subtree.exclude(pk=street.pk)} == {street.pk}
    _assert_index_range(subtree.explain())
    _assert_index_range(Area.objects.subtree(city_scale["committee"]).explain())
    # The same range through the helper other tables use (here on the area table itself).
    _assert_index_range(Area.objects.filter(subtree_q("path", street.path)).explain())
