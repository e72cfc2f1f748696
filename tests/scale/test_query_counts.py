"""N+1 guards for the hot pages and API lists: the number of queries does not grow with the rows shown.

Each guard renders a list with a few rows, adds more rows of the same kind, and renders it again:
the query count must be the same (a list that fetched a relation per row would grow with them).
The dashboards have their own guards (tests/reports/test_dashboard_queries.py).
"""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from gongzhi.core import memo
from tests.cases.conftest import categories, report  # noqa: F401 - fixtures
from tests.orgs.conftest import register
from tests.volunteers.conftest import make_person, make_volunteer  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db


def queries(client, url) -> int:
    # Each count is of a page built afresh: the bell's count and the area bar's areas are kept
    # between pages.
    cache.clear()
    memo.clear_all()
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(ctx.captured_queries)


def assert_flat(client, url, add, *, first=2, more=6):
    add(first)
    before = queries(client, url)
    add(more)
    after = queries(client, url)
    assert after == before, f"{url}: {before} queries with {first} rows, {after} with {first + more}"


@pytest.fixture
def add_cases(tree, report, street_admin):  # noqa: F811
    def _add(n):
        for i in range(n):
            report(title=f"群租 {i}", area=tree["grid"] if i % 2 else tree["committee"])

    return _add


@pytest.fixture
def add_orgs(tree):
    def _add(n):
        for _ in range(n):
            register(tree["fangsong"])

    return _add


@pytest.fixture
def add_volunteers(tree, make_volunteer):  # noqa: F811
    def _add(n):
        for i in range(n):
            make_volunteer(f"志愿者{i}", skills=["理发"])

    return _add


def test_case_list_page_queries_do_not_grow_with_cases(client, street_admin, add_cases):
    client.force_login(street_admin)
    assert_flat(client, reverse("cases:list"), add_cases)


def test_case_api_list_queries_do_not_grow_with_cases(client, street_admin, add_cases):
    client.force_login(street_admin)
    assert_flat(client, "/api/v1/cases/", add_cases)


def test_org_registry_page_queries_do_not_grow_with_organizations(client, registry_officer, add_orgs):
    client.force_login(registry_officer)
    assert_flat(client, reverse("orgs:list"), add_orgs)


def test_org_api_list_queries_do_not_grow_with_organizations(client, registry_officer, add_orgs):
    client.force_login(registry_officer)
    assert_flat(client, "/api/v1/orgs/organizations", add_orgs)


def test_volunteer_list_page_queries_do_not_grow_with_volunteers(client, street_admin, add_volunteers):
    client.force_login(street_admin)
    assert_flat(client, reverse("volunteers:volunteers"), add_volunteers)


def test_volunteer_api_list_queries_do_not_grow_with_volunteers(client, street_admin, add_volunteers):
    client.force_login(street_admin)
    assert_flat(client, "/api/v1/volunteers/volunteers", add_volunteers)


def test_council_list_page_queries_do_not_grow_with_councils(client, street_admin, tree):
    from gongzhi.councils import actions
    from gongzhi.councils.models import Council

    def add(n):
        for i in range(n):
            actions.create_council(
                actor=None,
                area=tree["fangsong"],
                kind=Council.Kind.REGIONAL_COUNCIL,
                name=f"区域化党建联席会{i}",
            )

    client.force_login(street_admin)
    assert_flat(client, reverse("councils:list"), add)


def test_meeting_page_queries_do_not_grow_with_agenda_items(client, street_admin, tree):
    import datetime as dt

    from django.utils import timezone

    from gongzhi.councils import actions
    from gongzhi.councils.models import Council, Meeting

    council = actions.create_council(
        actor=None, area=tree["fangsong"], kind=Council.Kind.REGIONAL_COUNCIL, name="区域化党建联席会"
    )
    start = timezone.localtime().replace(hour=14, minute=0, second=0, microsecond=0) + dt.timedelta(days=1)
    meeting = actions.create_meeting(
        actor=None,
        council=council,
        kind=Meeting.Kind.ORDINARY,
        title="联席会议",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
        place="方松街道会议室",
    )

    def add(n):
        for i in range(n):
            actions.add_agenda_item(actor=None, meeting=meeting, title=f"议题 {i}")

    client.force_login(street_admin)
    assert_flat(client, reverse("councils:meeting", args=[meeting.pk]), add)
