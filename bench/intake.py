"""Measure 1: case intake under gunicorn — the API and Open311 — against the bare-INSERT baseline.

Each endpoint is loaded at 8 and 32 concurrent clients for a fixed time after a warm-up. Reports go to
committees (API) and streets (Open311) spread over the city, with the leaf categories in turn, the way
the 12345 hotline and Open311 clients send them. Targets: ≥ 300 requests/s and ≥ 30 % of the baseline.
"""

import json
from urllib.parse import urlencode

from . import load
from .stats import HIGHER_IS_BETTER, target

LEVELS = (8, 32)
MIN_RATE = 300
MIN_SHARE = 30  # percent of the baseline


def _baseline(client: int, n: int) -> load.Req:
    body = json.dumps(
        {"title": f"基准 {client}-{n}", "description": "道路破损，需要修复。"}, ensure_ascii=False
    )
    return load.Req("POST", "/__bench__/insert/", body.encode(), {"Content-Type": "application/json"})


def _api(token: str, where: dict):
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
        return load.Req("POST", "/api/v1/cases/", json.dumps(body, ensure_ascii=False).encode(), headers)

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
    endpoints = [
        ("baseline", "bare Django view, one INSERT", _baseline),
        ("api", "POST /api/v1/cases/ (token)", _api(token, where)),
        ("open311", "POST /open311/v2/requests.json (api_key)", _open311(key, where)),
    ]
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
                ok=(200, 201),
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
        for key_, label, _make in endpoints[1:]:
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
