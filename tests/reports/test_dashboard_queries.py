"""Query-count guards of the area dashboard: the page and its export cost a constant number of queries
whatever the number of child areas and of records behind the figures (N+1 regressions fail here)."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gongzhi.areas.actions import build_area
from gongzhi.cases.models import CaseCategory
from gongzhi.core import dashboards
from gongzhi.core.models import Rollup
from gongzhi.reports import dashboard
from tests.scale.conftest import replica_alias  # noqa: F401 - fixture: a second alias on the test database

PERIOD = {"from": "2025-11", "to": "2026-03"}
MONTHS = ["2025-11", "2025-12", "2026-01", "2026-02", "2026-03"]
# Session, user, grants, area, ancestors, children, two reads per window, series, breakdowns,
# category names, navigation and to-do badges of the base layout: 12 (page) and 10 (export) when
# this was written, with a little room; the point is that 2 and 40 child areas cost the same.
MAX_PAGE_QUERIES = 16
MAX_EXPORT_QUERIES = 14


def _figure_names() -> set[str]:
    names = set()
    for section in dashboards.sections():
        for f in section.figures:
            names.add(f.name)
            if f.denominator:
                names.add(f.denominator)
    return names


@pytest.fixture
def street_with(tree):
    """street_with(n, categories) → a new street with n committees and rollup rows for every figure,
    month and committee (and the street), plus `categories` case categories with their dimension rows."""

    def make(n: int, categories: int):
        street = build_area(
            name=f"测试街道{n}", kind="street", parent=tree["songjiang"], stat_code=f"3101179{n:02d}000"
        )
        street.save()
        committees = []
        for i in range(n):
            c = build_area(
                name=f"第{i + 1}居委会",
                kind="residents_committee",
                parent=street,
                stat_code=f"3101179{n:02d}{i + 1:03d}",
            )
            c.save()
            committees.append(c)
        codes = [f"cat{n}_{j}" for j in range(categories)]
        CaseCategory.objects.bulk_create(
            CaseCategory(code=code, name=f"类别{j}") for j, code in enumerate(codes)
        )
        names = sorted(_figure_names()) + [f"cases.recv.c.{code}" for code in codes]
        names += ["cases.recv.ch.hotline", "cases.recv.ch.patrol"]
        Rollup.objects.bulk_create(
            Rollup(area_id=area.pk, figure=name, period=month, numerator=i % 7 + 1, denominator=i % 5 + 2)
            for area in [street, *committees]
            for i, name in enumerate(names)
            for month in MONTHS
        )
        return street

    return make


def _count(client, url, params, *, cached=False) -> int:
    if not cached:
        cache.clear()  # the figures are built, not served from the page cache
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(captured.captured_queries)


def test_dashboard_page_takes_the_same_queries_for_2_and_40_child_areas(
    client_for, tree, district_admin, street_with, django_assert_max_num_queries
):
    small, large = street_with(2, 2), street_with(40, 25)
    client = client_for(district_admin)
    client.get(f"/reports/dashboard/{small.pk}/", PERIOD)  # warm: session, translations, templates
    counts = []
    for street in (small, large):
        with django_assert_max_num_queries(MAX_PAGE_QUERIES):
            counts.append(_count(client, f"/reports/dashboard/{street.pk}/", PERIOD))
    assert counts[0] == counts[1], counts
    cache.clear()
    response = client.get(f"/reports/dashboard/{large.pk}/", PERIOD)
    assert len(response.context["data"]["children"]) == 40


def test_a_second_view_comes_from_the_page_cache_until_the_next_fold(
    client_for, tree, district_admin, street_with, django_capture_on_commit_callbacks
):
    from gongzhi.core import rollups

    street = street_with(3, 2)
    client = client_for(district_admin)
    url = f"/reports/dashboard/{street.pk}/"
    first = _figures(client.get(url, PERIOD))
    built = _count(client, url, PERIOD)
    served = _count(client, url, PERIOD, cached=True)
    assert served < built
    assert _figures(client.get(url, PERIOD)) == first

    # A pending delta is not on the dashboard ("as of the last update by the periodic sweep") ...
    committee = street.children.order_by("path").first()
    rollups.add_delta(committee, "cases.recv", "2026-03", 1000)
    assert _figures(client.get(url, PERIOD)) == first
    # ... and the fold that adds it changes the page at once.
    with django_capture_on_commit_callbacks(execute=True):
        rollups.fold()
    assert _figures(client.get(url, PERIOD)) != first


def _figures(response) -> str:
    """The cached part of the page (the rest carries a fresh CSRF token on every response)."""
    html = response.content.decode()
    return html[html.index('<p class="text-muted small">') : html.index("</main>")]


def test_dashboard_export_takes_the_same_queries_for_2_and_40_child_areas(
    client_for, tree, district_admin, street_with, django_assert_max_num_queries
):
    small, large = street_with(2, 2), street_with(40, 25)
    client = client_for(district_admin)
    client.get(f"/reports/dashboard/{small.pk}/export.xlsx", PERIOD)
    counts = []
    for street in (small, large):
        with django_assert_max_num_queries(MAX_EXPORT_QUERIES):
            counts.append(_count(client, f"/reports/dashboard/{street.pk}/export.xlsx", PERIOD))
    assert counts[0] == counts[1], counts


def test_building_the_figures_reads_no_domain_table(tree, district_admin, street_with):
    street = street_with(10, 5)
    period = dashboard.parse_period(PERIOD)
    with CaptureQueriesContext(connection) as captured:
        data = dashboard.build(district_admin, street, period)
    tables = " ".join(q["sql"] for q in captured.captured_queries)
    for table in ("cases_case", "volunteers_", "matching_", "orgs_socialorganization", "party_"):
        assert f'"{table}' not in tables.replace('"cases_casecategory"', "")
    assert len(data["children"]) == 10


def test_dashboard_reads_go_to_the_replica_when_one_is_configured(replica_alias):  # noqa: F811
    from django.db import connections

    from gongzhi.core import rollups

    city = build_area(name="上海市", kind="city", gb2260="310000")
    city.save()
    Rollup.objects.create(area_id=city.pk, figure="t.x", period="2026-01", numerator=3, denominator=4)
    Rollup.objects.create(area_id=city.pk, figure="t.x.c.a", period="2026-01", numerator=1)
    with CaptureQueriesContext(connections["default"]) as on_default:
        with CaptureQueriesContext(connections["replica"]) as on_replica:
            many = rollups.read_many([city.pk], ["t.x"], "2026-01", "2026-01")
            series = rollups.read_series(city, ["t.x"], "2026-01", "2026-01")
            dims = rollups.read_prefixed(city, ["t.x.c."], None, "2026-01")
    assert (
        many[(city.pk, "t.x")] == (3, 4)
        and series["t.x"]["2026-01"] == (3, 4)
        and dims == {"t.x.c.a": (1, 0)}
    )
    assert len(on_replica.captured_queries) == 3
    assert on_default.captured_queries == []
