"""Measure 1: case intake under gunicorn — the API and Open311 — against the bare-INSERT baseline.

Each endpoint is loaded at 8 and 32 concurrent clients for a fixed time after a warm-up. Reports go to
committees (API) and streets (Open311) spread over the city, with the leaf categories in turn, the way
the 12345 hotline and Open311 clients send them. Targets: ≥ 300 requests/s and ≥ 30 % of the baseline.
"""

import json
import time
from urllib.parse import urlencode

from . import load
from .stats import HIGHER_IS_BETTER, target

LEVELS = (8, 32)
MIN_RATE = 300
MIN_SHARE = 30  # percent of the baseline
QUEUED_PATH = "/api/v1/cases/intake/"


def _baseline(client: int, n: int) -> load.Req:
    body = json.dumps(
        {"title": f"基准 {client}-{n}", "description": "道路破损，需要修复。"}, ensure_ascii=False
    )
    return load.Req("POST", "/__bench__/insert/", body.encode(), {"Content-Type": "application/json"})


def _api(token: str, where: dict, path: str = "/api/v1/cases/"):
    committees, categories = where["committees"], where["categories"]
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {token}"}

    def make(client: int, n: int) -> load.Req:
        i = client * 7919 + n
        body = {
            "category": categories[i % len(categories)],
            "area_id": committees[i % len(committees)],
            "channel": "hotline",
            "title": f"基准工单 {client}-{n}：路灯不亮",
            "description": "市民来电反映小区门口路灯不亮，请尽快处理。",
            "address": "基准路 1 号",
        }
        return load.Req("POST", path, json.dumps(body, ensure_ascii=False).encode(), headers)

    return make


def _open311(key: str, where: dict):
    streets, categories = where["streets"], where["categories"]
    headers = {"Content-Type": "application/x-www-form-urlencoded"}

    def make(client: int, n: int) -> load.Req:
        i = client * 7919 + n
        form = {
            "api_key": key,
            "jurisdiction_id": streets[i % len(streets)],
            "service_code": categories[i % len(categories)],
            "description": f"基准 Open311 {client}-{n}：人行道地砖松动",
            "address_string": "基准路 2 号",
        }
        return load.Req("POST", "/open311/v2/requests.json", urlencode(form).encode(), headers)

    return make


def run(server, cfg, token: str, key: str, where: dict, log) -> tuple[list, dict, list]:
    """(targets, baselines, table rows) of the intake measure."""
    # Targets: the queued intake (a ticket per request, a worker receives the cases). The synchronous
    # POST /api/v1/cases/ (numbered, routed and dispatched inside the request) is measured beside it.
    endpoints = [
        ("baseline", "bare Django view, one INSERT", _baseline),
        ("queue", "POST /api/v1/cases/intake/ (token, queued)", _api(token, where, QUEUED_PATH)),
        ("open311", "POST /open311/v2/requests.json (api_key, queued)", _open311(key, where)),
        ("api", "POST /api/v1/cases/ (token, synchronous; not a target)", _api(token, where)),
    ]
    targeted = endpoints[1:3]
    results: dict = {}
    rows = []
    for key_, label, make in endpoints:
        for clients in LEVELS:
            log(f"intake: {label}, {clients} clients, {cfg.intake_seconds:g} s")
            res = load.run(
                "127.0.0.1",
                server.port,
                make,
                clients=clients,
                duration=cfg.intake_seconds,
                warmup=cfg.warmup,
                ok=(200, 201, 202),
            ).summary()
            results[(key_, clients)] = res
            rows.append(
                {
                    "endpoint": label,
                    "clients": clients,
                    "requests/s": res.get("requests_per_s"),
                    "p50 ms": res["p50_ms"],
                    "p99 ms": res["p99_ms"],
                    "errors": res["errors"],
                }
            )
    targets, baselines = [], {}
    for clients in LEVELS:
        base = results[("baseline", clients)]
        baselines[f"intake-{clients}"] = {
            "name": f"bare Django view doing one INSERT, {clients} clients",
            "measured": base.get("requests_per_s"),
            "unit": "requests/s",
            "p50_ms": base["p50_ms"],
            "p99_ms": base["p99_ms"],
        }
        for key_, label, _make in targeted:
            res = results[(key_, clients)]
            rate = res.get("requests_per_s") or 0
            errors = res["errors"]
            note = f"{errors} failed requests: {res.get('error_samples', [''])[0]}" if errors else ""
            common = {"group": "intake", "baseline": baselines[f"intake-{clients}"]}
            targets.append(
                target(
                    f"Intake {label}, {clients} clients: rate",
                    rate,
                    MIN_RATE,
                    "requests/s",
                    HIGHER_IS_BETTER,
                    note=note,
                    **common,
                    **{k: res[k] for k in ("p50_ms", "p99_ms", "samples", "errors", "statuses")},
                )
            )
            share = 100 * rate / base["requests_per_s"] if base.get("requests_per_s") else None
            targets.append(
                target(
                    f"Intake {label}, {clients} clients: share of the baseline",
                    share,
                    MIN_SHARE,
                    "%",
                    HIGHER_IS_BETTER,
                    **common,
                )
            )
    return targets, baselines, rows


def drain(seconds: float, log) -> tuple[list, list]:
    """After the burst: how fast the worker turns waiting tickets into cases (table rows, notes).

    The one Celery worker (solo pool, at a lower CPU priority) drained during the measures too, on the
    same two cores. The
    drain is watched for at most `seconds`; tickets still waiting then are bench requests that would
    otherwise be received while the pages are measured: they are deleted, and the note says how many.
    """
    from django.db import connection

    from gongzhi.cases.models import IntakeTicket

    waiting = IntakeTicket.objects.filter(state=IntakeTicket.State.PENDING)
    total = IntakeTicket.objects.count()
    start_waiting, t0 = waiting.count(), time.monotonic()
    log(f"intake: {total:,} tickets, {start_waiting:,} waiting; watching the drain for up to {seconds:g} s")
    left = start_waiting
    while left and time.monotonic() - t0 < seconds:
        time.sleep(2)
        left = waiting.count()
    elapsed = time.monotonic() - t0
    rate = (start_waiting - left) / elapsed if elapsed > 0 else None
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM cases_intaketicket WHERE state = 'pending' AND payload->>'title' LIKE %s",
            ["基准%"],
        )
        discarded = cursor.rowcount
    done = IntakeTicket.objects.filter(state=IntakeTicket.State.DONE).count()
    row = {
        "endpoint": "drain: tickets received as cases by one Celery worker (solo pool), after the burst",
        "clients": "",
        "requests/s": round(rate, 1) if rate is not None else None,
        "p50 ms": None,
        "p99 ms": None,
        "errors": 0,
    }
    notes = [
        f"Queued intake: {total:,} tickets accepted in the burst; {done:,} received as cases; "
        f"{start_waiting:,} were waiting when the burst ended and one worker received "
        f"{start_waiting - left:,} of them in {elapsed:.0f} s ({rate or 0:.1f} cases/s); "
        f"{discarded:,} still waiting were deleted so they would not be received while the pages are "
        "measured."
    ]
    return [row], notes
