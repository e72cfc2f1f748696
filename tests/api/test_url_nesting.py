"""The API's URL patterns, nested by first path segment, resolve every path to the same view as the
flat list NinjaAPI builds, and are tried a few at a time rather than all 400."""

import re

from django.urls import URLPattern, resolve

from gongzhi.api import api, url_patterns

SAMPLE = {
    "int": "7",
    "str": "abc",
    "slug": "abc",
    "path": "a/b",
    "uuid": "12345678-1234-5678-1234-567812345678",
}


def _sample_path(route: str) -> str:
    return re.sub(r"<(?:(\w+):)?\w+>", lambda m: SAMPLE[m.group(1) or "str"], route)


def _first_match(patterns, route_path: str):
    for pattern in patterns:
        if pattern.resolve(route_path):
            return pattern
    return None


def test_every_api_path_reaches_the_view_the_flat_list_gives_it():
    flat, _app, _ns = api.urls
    checked = 0
    for pattern in flat:
        if not isinstance(pattern, URLPattern):
            continue
        sample = _sample_path(str(pattern.pattern))
        expected = _first_match(flat, sample)
        match = resolve(f"/api/v1/{sample}")
        # The same pattern: its full route and name (`api.urls` builds new view objects on each call).
        assert (match.route, match.url_name) == (f"api/v1/{expected.pattern}", expected.name), sample
        checked += 1
    assert checked > 300


def test_a_request_is_matched_against_a_few_dozen_patterns_not_all():
    nested, _app, _ns = url_patterns()
    flat, _app, _ns = api.urls
    assert len(nested) < 40 < len(flat)
    cases = next(p for p in nested if str(p.pattern) == "cases/")
    assert len(cases.url_patterns) < 60
    # The catch-all answering unknown paths stays last.
    assert str(nested[-1].pattern) == "<path:rest>"
