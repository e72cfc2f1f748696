"""Measure 2: p50/p95 of the most used pages and API lists with 8 concurrent clients (signed-in sessions).

City-level pages are loaded as a city admin (target p95 ≤ 300 ms), street-level and lower pages as the
admin of that street (target ≤ 100 ms). Deep list pages follow the keyset cursor several pages down
before they are measured. The baseline is a bare view doing one SELECT on the same stack.
"""

import html
import json
import re
from dataclasses import dataclass
from urllib.parse import quote

from django.urls import NoReverseMatch, reverse

from . import load
from .stats import LOWER_IS_BETTER, target

CLIENTS = 8
DEEP_PAGES = 5
TARGET_MS = {"city": 300, "street": 100}
CURSOR = re.compile(r'href="\?([^"]*?)cursor=([^"&]+)')


@dataclass
class Page:
    name: str
    path: str
    who: str  # "city" or "street": whose session, and which target applies
    deep: bool = False  # follow the next-page cursor DEEP_PAGES times first


def _url(name: str, *args) -> str | None:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def catalogue(where: dict, obj: dict) -> tuple[list[Page], list[str]]:
    """The pages and API lists measured, and notes on those that could not be included."""
    city, district, street, committee = (where[k] for k in ("city", "district", "street", "committee"))
    code = street.stat_code or street.gb2260 or ""
    wanted = [
        ("Home (city admin)", _url("core:home"), "city", False),
        ("Dashboard, city", _url("reports:dashboard", city.pk), "city", False),
        ("Dashboard, district", _url("reports:dashboard", district.pk), "city", False),
        ("Dashboard, street", _url("reports:dashboard", street.pk), "street", False),
        ("Dashboard, committee", _url("reports:dashboard", committee.pk), "street", False),
        ("Case list, first page (city)", _url("cases:list"), "city", False),
        (f"Case list, page {DEEP_PAGES + 1} (city)", _url("cases:list"), "city", True),
        ("Case list, first page (street)", _url("cases:list"), "street", False),
        (f"Case list, page {DEEP_PAGES + 1} (street)", _url("cases:list"), "street", True),
        ("Case list API, first page (city)", "/api/v1/cases/", "city", False),
        (f"Case list API, page {DEEP_PAGES + 1} (city)", "/api/v1/cases/", "city", True),
        ("Case page (street)", _url("cases:detail", obj["case"]) if obj["case"] else None, "street", False),
        ("Organization registry (city)", _url("orgs:list"), "city", False),
        ("Organization registry API (city)", "/api/v1/orgs/organizations", "city", False),
        (
            "Meeting page (city)",
            _url("councils:meeting", obj["meeting"]) if obj["meeting"] else None,
            "city",
            False,
        ),
        ("Volunteer list (city)", _url("volunteers:volunteers"), "city", False),
        ("Volunteer list (street)", _url("volunteers:volunteers"), "street", False),
        ("Volunteer list API (city)", "/api/v1/volunteers/volunteers", "city", False),
        (
            "Party organization page (city)",
            _url("party:org", obj["party_org"]) if obj["party_org"] else None,
            "city",
            False,
        ),
        (
            "Party statistics API, street",
            f"/api/v1/party/stats?area={quote(code)}&year={obj['year']}",
            "street",
            False,
        ),
        ("Matching: needs (city)", _url("matching:needs"), "city", False),
        ("Matching: resources (city)", _url("matching:resources"), "city", False),
        ("Area tree (city)", _url("areas:tree"), "city", False),
        ("Area page, street (street)", _url("areas:detail", street.pk), "street", False),
        ("Area subtree API, district (city)", f"/api/v1/areas/{district.pk}/subtree", "city", False),
        ("Case KPIs page (street)", _url("cases_field:kpis"), "street", False),
    ]
    pages, notes = [], []
    for name, path, who, deep in wanted:
        if path is None:
            notes.append(f"{name}: not measured (no such URL or no object in the data set)")
        else:
            pages.append(Page(name, path, who, deep))
    return pages, notes


def _next(path: str, status: int, body: bytes) -> str | None:
    if status != 200:
        return None
    if path.startswith("/api/"):
        cursor = json.loads(body).get("next_cursor")
        base = path.split("?", 1)[0]
        return f"{base}?cursor={quote(cursor)}" if cursor else None
    match = CURSOR.search(body.decode("utf-8", "replace"))
    if not match:
        return None
    query = html.unescape(match.group(1))
    base = path.split("?", 1)[0]
    return f"{base}?{query}cursor={match.group(2)}"


def _resolve_deep(port: int, page: Page, headers: dict) -> tuple[str | None, str]:
    path = page.path
    for _ in range(DEEP_PAGES):
        status, _h, body = load.request_once("127.0.0.1", port, load.Req("GET", path, None, headers))
        nxt = _next(path, status, body)
        if nxt is None:
            return None, f"{page.name}: the list has fewer than {DEEP_PAGES + 1} pages (status {status})"
        path = nxt
    return path, ""


def run(server, cfg, pages: list[Page], cookies: dict, log) -> tuple[list, dict, list, list]:
    """(targets, baselines, table rows, notes) of the page measure."""
    floor = load.run(
        "127.0.0.1",
        server.port,
        lambda c, n: load.Req("GET", "/__bench__/ping/", None, {"Cookie": cookies["city"]}),
        clients=CLIENTS,
        duration=cfg.page_seconds,
        warmup=1,
    ).summary()
    baseline = {
        "name": "bare Django view doing one SELECT, 8 clients, p95",
        "measured": floor["p95_ms"],
        "unit": "ms",
        "p50_ms": floor["p50_ms"],
        "requests_per_s": floor.get("requests_per_s"),
    }
    targets, rows, notes = [], [], []
    for page in pages:
        headers = {"Cookie": cookies[page.who], "Accept": "text/html,application/json"}
        path = page.path
        if page.deep:
            path, note = _resolve_deep(server.port, page, headers)
            if path is None:
                notes.append(note)
                continue
        status, _h, body = load.request_once("127.0.0.1", server.port, load.Req("GET", path, None, headers))
        goal = TARGET_MS[page.who]
        if status != 200:
            text = body[:160].decode("utf-8", "replace").replace("\n", " ")
            targets.append(
                target(
                    page.name,
                    None,
                    goal,
                    "ms",
                    LOWER_IS_BETTER,
                    group="pages",
                    note=f"HTTP {status}: {text}",
                    path=path,
                )
            )
            rows.append(
                {
                    "page": page.name,
                    "as": page.who,
                    "p50 ms": None,
                    "p95 ms": None,
                    "samples": 0,
                    "status": status,
                }
            )
            continue
        log(f"pages: {page.name}")
        res = load.run(
            "127.0.0.1",
            server.port,
            lambda c, n, p=path, h=headers: load.Req("GET", p, None, h),
            clients=CLIENTS,
            duration=cfg.page_seconds,
            warmup=1,
        ).summary()
        targets.append(
            target(
                f"p95 {page.name}",
                res["p95_ms"] if not res["errors"] else None,
                goal,
                "ms",
                LOWER_IS_BETTER,
                group="pages",
                baseline=baseline,
                note=f"{res['errors']} failed requests" if res["errors"] else "",
                path=path.split("cursor=")[0] + ("cursor=…" if "cursor=" in path else ""),
                bytes=len(body),
                **{k: res[k] for k in ("p50_ms", "p95_ms", "samples", "errors")},
            )
        )
        rows.append(
            {
                "page": page.name,
                "as": f"{page.who} admin",
                "p50 ms": res["p50_ms"],
                "p95 ms": res["p95_ms"],
                "samples": res["samples"],
                "status": 200 if not res["errors"] else f"{res['errors']} errors",
            }
        )
    return targets, {"pages": baseline}, rows, notes
