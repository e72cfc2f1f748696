"""The keyset paginator: no row lost or repeated across pages, even with ties and NULLs; forged cursors refused."""

import datetime as dt
import uuid

import pytest
from django.core import signing
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gongzhi.core.api_schemas import PageParams, paginate
from gongzhi.core.models import AuditEvent
from gongzhi.core.paging import SALT, InvalidCursor, KeysetPaginator


def make_events(keys) -> list[AuditEvent]:
    """One audit event per key; the key goes in area_id (a nullable integer), verb is a tie-heavy text."""
    rows = [
        AuditEvent(verb=f"v{(k or 0) % 3}", area_id=k, object_id=str(i), group_id=uuid.uuid4())
        for i, k in enumerate(keys)
    ]
    AuditEvent.objects.bulk_create(rows)
    return list(AuditEvent.objects.order_by("pk"))


def walk(paginator) -> list:
    """Every row, page by page, following the cursors."""
    seen, cursor = [], None
    for _ in range(10_000):
        page = paginator.page(cursor)
        seen.extend(page.items)
        if not page.has_next:
            assert page.next_cursor is None
            return seen
        assert len(page.items) == paginator.page_size
        cursor = page.next_cursor
    raise AssertionError("the pages never ended")


def expected(rows, desc: bool) -> list:
    """Reference order: key ascending with NULLs last, then id; descending is exactly the reverse."""
    ordered = sorted(rows, key=lambda r: (r.area_id is None, r.area_id or 0, r.pk))
    return ordered[::-1] if desc else ordered


@pytest.mark.parametrize("desc", [False, True])
def test_many_ties_on_the_ordering_key_lose_and_repeat_nothing(db, desc):
    rows = make_events([1] * 17 + [2] * 9 + [None] * 6 + [0] * 5)
    paginator = KeysetPaginator(AuditEvent.objects.all(), ["-area_id" if desc else "area_id"], page_size=4)
    seen = walk(paginator)
    assert [r.pk for r in seen] == [r.pk for r in expected(rows, desc)]


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(
    keys=st.lists(st.one_of(st.none(), st.integers(min_value=-2, max_value=3)), max_size=30),
    page_size=st.integers(min_value=1, max_value=7),
    desc=st.booleans(),
)
def test_any_mix_of_ties_and_nulls_is_paged_exactly_once_in_order(db, keys, page_size, desc):
    AuditEvent.objects.all().delete()
    rows = make_events(keys)
    paginator = KeysetPaginator(
        AuditEvent.objects.all(), ["-area_id" if desc else "area_id"], page_size=page_size
    )
    assert [r.pk for r in walk(paginator)] == [r.pk for r in expected(rows, desc)]


def test_two_keys_with_mixed_directions_page_like_order_by(db):
    make_events([i % 4 for i in range(30)])
    qs = AuditEvent.objects.all()
    seen = walk(KeysetPaginator(qs, ["verb", "-area_id"], page_size=3))
    assert [r.pk for r in seen] == list(qs.order_by("verb", "-area_id", "pk").values_list("pk", flat=True))


def test_a_descending_id_ordering_is_descending(db):
    rows = make_events(range(7))
    seen = walk(KeysetPaginator(AuditEvent.objects.all(), ["-id"], page_size=2))
    assert [r.pk for r in seen] == [r.pk for r in rows][::-1]


def test_equal_timestamps_page_through_by_id(db):
    make_events(range(11))
    AuditEvent.objects.update(created_at=timezone.now())  # every row ties on the key
    seen = walk(KeysetPaginator(AuditEvent.objects.all(), ["-created_at"], page_size=3))
    assert len({r.pk for r in seen}) == len(seen) == 11


def test_values_querysets_page_too(db):
    make_events([5, 5, 5, 1])
    qs = AuditEvent.objects.values("id", "area_id")
    seen = walk(KeysetPaginator(qs, ["area_id"], page_size=1, name="events"))
    assert [r["area_id"] for r in seen] == [1, 5, 5, 5]


def test_an_empty_list_has_one_empty_page(db):
    page = KeysetPaginator(AuditEvent.objects.all(), ["area_id"]).page()
    assert (page.items, page.next_cursor, page.has_next) == ([], None, False)


def test_the_page_size_is_clamped(db):
    assert KeysetPaginator(AuditEvent.objects.all(), page_size=0).page_size == 1
    assert KeysetPaginator(AuditEvent.objects.all(), page_size=10_000).page_size == 200


def test_a_page_after_the_first_is_one_query(db, django_assert_num_queries):
    make_events(range(10))
    paginator = KeysetPaginator(AuditEvent.objects.all(), ["area_id"], page_size=3)
    cursor = paginator.page().next_cursor
    with django_assert_num_queries(1):
        paginator.page(cursor)


# --- cursors that were not made by this list ---------------------------------------------------------
@pytest.fixture
def paginator(db):
    make_events(range(6))
    return KeysetPaginator(AuditEvent.objects.all(), ["-created_at"], page_size=2, name="audit")


def test_a_cursor_is_opaque_and_carries_no_readable_values(paginator):
    cursor = paginator.page().next_cursor
    assert "created_at" not in cursor and "audit" not in cursor


@pytest.mark.parametrize(
    "garbage", ["garbage", "", "x" * 500, "eyJhIjoxfQ:1abc:def", "..:..", "\u4e2d\u6587"]
)
def test_garbage_cursors_raise_invalid_cursor(paginator, garbage):
    if not garbage:
        assert paginator.page(garbage).items  # empty means the first page
        return
    with pytest.raises(InvalidCursor):
        paginator.page(garbage)


def test_a_tampered_cursor_raises_invalid_cursor(paginator):
    cursor = paginator.page().next_cursor
    for i in (0, len(cursor) // 2, len(cursor) - 1):
        flipped = cursor[:i] + ("A" if cursor[i] != "A" else "B") + cursor[i + 1 :]
        with pytest.raises(InvalidCursor):
            paginator.page(flipped)


def test_a_cursor_from_another_list_raises_invalid_cursor(paginator):
    cursor = paginator.page().next_cursor
    other_name = KeysetPaginator(AuditEvent.objects.all(), ["-created_at"], page_size=2, name="people")
    other_order = KeysetPaginator(AuditEvent.objects.all(), ["created_at"], page_size=2, name="audit")
    for other in (other_name, other_order):
        with pytest.raises(InvalidCursor, match="another list"):
            other.page(cursor)


def test_a_cursor_signed_with_another_key_raises_invalid_cursor(paginator):
    forged = signing.dumps({"c": paginator._context(), "v": [None, 1]}, salt=SALT, key="not-our-secret")
    with pytest.raises(InvalidCursor):
        paginator.page(forged)


@pytest.mark.parametrize(
    "values",
    [[1], [{"dt": "not a date"}, 1], [{"what": 1}, 1], ["2024-01-01T00:00:00+08:00", "not-an-id"], "x"],
)
def test_signed_cursors_with_wrong_values_raise_invalid_cursor(paginator, values):
    # Only a leaked secret key could produce these; they must still fail cleanly, never with a 500.
    forged = signing.dumps({"c": paginator._context(), "v": values}, salt=SALT, compress=True)
    with pytest.raises(InvalidCursor):
        paginator.page(forged)


def test_date_decimal_and_uuid_values_survive_the_cursor(db):
    paginator = KeysetPaginator(AuditEvent.objects.all(), ["object_id"], name="x")
    from decimal import Decimal

    values = [dt.date(2024, 2, 29), Decimal("1.50"), uuid.UUID(int=7), dt.datetime(2024, 1, 1, tzinfo=dt.UTC)]
    from gongzhi.core.paging import _decode, _encode

    assert [_decode(_encode(v)) for v in values] == values
    assert paginator.decode(paginator.encode(AuditEvent(object_id="a", pk=3))) == ["a", 3]


# --- the API ----------------------------------------------------------------------------------------------
def test_the_api_answers_a_garbage_cursor_with_a_structured_400(street_admin, client_for):
    response = client_for(street_admin).get("/api/v1/areas/", {"cursor": "garbage"})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_cursor"
    assert response.json()["error"]["message"]


def test_the_api_refuses_a_cursor_from_another_list(street_admin, client_for, tree):
    client = client_for(street_admin)
    subtree_cursor = client.get(f"/api/v1/areas/{tree['city'].pk}/subtree", {"limit": 2}).json()[
        "next_cursor"
    ]
    assert subtree_cursor
    response = client.get("/api/v1/areas/", {"cursor": subtree_cursor, "limit": 2})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_cursor"


def test_the_api_pages_through_every_area_exactly_once(street_admin, client_for, tree):
    client, cursor, seen = client_for(street_admin), None, []
    while True:
        body = client.get("/api/v1/areas/", {"limit": 3, **({"cursor": cursor} if cursor else {})}).json()
        seen += [a["id"] for a in body["items"]]
        cursor = body["next_cursor"]
        if not cursor:
            break
    assert sorted(seen) == sorted(a.pk for a in tree.values() if a.__class__.__name__ == "Area")


def test_paginate_returns_the_page_envelope(db):
    make_events(range(3))
    out = paginate(AuditEvent.objects.all(), PageParams(limit=2), ordering=("-id",), name="x")
    assert len(out["items"]) == 2 and out["next_cursor"]
