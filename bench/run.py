"""The benchmark suite (`make bench`): measured figures with their baselines and targets, on PostgreSQL.

    make bench                                  quick mode: generate the city data set at F = 0.1
    BENCH_SCALE=1.0 make bench                  generate F = 1.0 (takes as long as the generator does)
    BENCH_FROM=gz_city make bench               a scratch copy of an already-loaded database
    BENCH_DATABASE_URL=…/gz_city BENCH_REUSE=1 make bench   the loaded database itself

Servers run on 127.0.0.1 only (gunicorn with sync workers, a Celery worker, the local Redis as broker).
Measures: case intake (API and Open311) against a bare-INSERT view; the hot pages and API lists; the
organization annual report (page, PDF and XLSX as tasks); the Excel import; the workers' peak memory.
Writes bench/results/latest.json and latest.md; exits 1 when a target is missed. Options: bench/config.py.
"""

import datetime as dt
import json
import os
import subprocess
import sys
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import config, database, report, server  # noqa: E402
from bench.stats import LOWER_IS_BETTER, target  # noqa: E402

MAX_RSS_MB = 250
CITY_CASES = 2_000_000


class Log:
    """Progress on stdout (with the elapsed time) and everything the subprocesses say in var/bench/run.log."""

    def __init__(self, path: Path):
        self.started = time.time()
        self.file = open(path, "w", encoding="utf-8")  # noqa: SIM115 - closed at the end of the run

    def __call__(self, message: str) -> None:
        line = f"[{time.time() - self.started:6.0f} s] {message}"
        print(line, flush=True)
        self.file.write(line + "\n")
        self.file.flush()


def setup_django(cfg) -> None:
    os.environ.update(config.server_env(cfg))
    import django

    django.setup()


def memory(srv, started: dict) -> tuple[list, dict, list]:
    """Measure 5: the peak resident set (VmHWM) of each gunicorn worker after the run."""
    peaks = {pid: server.memory_kb(pid) for pid in srv.worker_pids()}
    worst = max((m.get("VmHWM", 0) for m in peaks.values()), default=0) / 1024
    base_mb = max((m.get("VmHWM", 0) for m in started.values()), default=0) / 1024
    baseline = {
        "name": "a worker's peak right after start-up (app loaded, one request)",
        "measured": round(base_mb, 1),
        "unit": "MB",
    }
    rows = [
        {
            "worker pid": pid,
            "peak MB (VmHWM)": round(m.get("VmHWM", 0) / 1024, 1),
            "now MB (VmRSS)": round(m.get("VmRSS", 0) / 1024, 1),
        }
        for pid, m in sorted(peaks.items())
    ]
    t = target(
        "Peak RSS of a gunicorn worker after the run",
        worst if peaks else None,
        MAX_RSS_MB,
        "MB",
        LOWER_IS_BETTER,
        group="memory",
        baseline=baseline,
        workers=len(peaks),
    )
    return [t], {"memory": baseline}, rows


def import_measure(cfg, info: dict, log: Log) -> dict:
    env = config.server_env(cfg, cfg.url_for(info["import_database"]))
    env.update(DJANGO_SETTINGS_MODULE="gongzhi.settings", CELERY_BROKER_URL="", REDIS_URL="")
    env.update(BENCH_IMPORT_ROWS=str(cfg.import_rows), BENCH_REPEATS=str(cfg.repeats))
    done = subprocess.run(  # noqa: S603 - argv built here
        [sys.executable, "-m", "bench.import_rate"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    log.file.write(done.stderr)
    if done.returncode != 0:
        return target(
            f"Excel import of {cfg.import_rows:,} social organizations",
            None,
            1000,
            "rows/s",
            ">=",
            group="import",
            note=f"the import process failed: {done.stderr.strip().splitlines()[-1:]}",
        )
    return json.loads(done.stdout.strip().splitlines()[-1])


def _guarded(out: dict, name: str, log: Log, func) -> None:
    """Run one measure; a crash is recorded as a missed target with its error, and the run goes on."""
    try:
        func()
    except Exception as exc:  # noqa: BLE001 - any failure of a measure is reported, not hidden
        log(f"{name}: FAILED: {exc!r}")
        log.file.write(traceback.format_exc())
        out["targets"].append(
            target(
                f"{name} measure completed", None, 1, "run", ">=", group=name, note=f"failed: {exc!r}"[:300]
            )
        )


def measure(cfg, info: dict, log: Log) -> dict:
    """Run every wanted measure; the parts of the report."""
    from bench import annual_report, fixtures, intake, pages

    out = {"targets": [], "baselines": {}, "tables": {}, "notes": []}
    setup_django(cfg)
    log("data: analyze and count")
    info["rows"] = database.counts(cfg)
    where = fixtures.areas()
    obj = fixtures.objects(where)
    city_admin = fixtures.user("bench_city_admin", "city_admin", where["city"])
    street_admin = fixtures.user("bench_street_admin", "street_admin", where["street"])
    cookies = {"city": fixtures.session_cookie(city_admin), "street": fixtures.session_cookie(street_admin)}
    info["areas"] = {k: f"{a.name} (id {a.pk}, {a.kind})" for k, a in where.items()}
    fixtures.baseline_table(create=True)
    env = config.server_env(cfg)

    def add(parts: tuple, table: str) -> None:
        t, b, rows = parts[:3]
        out["targets"] += t
        out["baselines"].update(b)
        out["tables"][table] = rows
        if len(parts) > 3:
            out["notes"] += parts[3]

    try:
        with (
            server.gunicorn(env, cfg.workers, cfg.var_dir) as srv,
            server.celery_worker(env, cfg.var_dir) as worker,
        ):
            out["server"] = srv.describe() + (
                f"; Celery worker (solo pool, nice {server.worker_nice()}) on Redis: the intake drain"
                " and the report files"
            )
            started = {pid: server.memory_kb(pid) for pid in srv.worker_pids()}

            def run_intake():
                token, key = fixtures.api_token(city_admin), fixtures.open311_key()
                parts = intake.run(srv, cfg, token, key, fixtures.intake_targets(), log)
                rows, notes = intake.drain(cfg.drain_seconds, log)
                add((parts[0], parts[1], parts[2] + rows, notes), "Intake under gunicorn")

            def run_pages():
                catalogue, notes = pages.catalogue(where, obj)
                out["notes"] += notes
                add(pages.run(srv, cfg, catalogue, cookies, log), "Pages and API lists, 8 clients")

            def run_reports():
                csrf = fixtures.csrf_of(cookies["city"])
                add(
                    annual_report.run(srv, cfg, cookies["city"], csrf, where, obj, log),
                    "Organization annual report",
                )
                worker_mb = server.memory_kb(worker.pid).get("VmHWM", 0) / 1024
                out["notes"].append(
                    f"Celery worker peak RSS (VmHWM) after the report files: {worker_mb:.0f} MB"
                )

            def fold_intake():
                # The intake burst leaves its rollup deltas pending; in service the five-minute sweep
                # folds them (docs/operations.md). Fold them as it would before the pages are read.
                from gongzhi.core import rollups

                t0 = time.time()
                folded = rollups.fold()
                out["notes"].append(
                    f"The {folded:,} rollup deltas of the intake burst were folded before the pages were "
                    f"measured, as the five-minute sweep does in service ({time.time() - t0:.1f} s)."
                )
                log(f"data: folded {folded:,} rollup deltas of the intake burst")

            for name, func in (("intake", run_intake), ("pages", run_pages), ("reports", run_reports)):
                if cfg.wants(name):
                    if name == "pages" and cfg.wants("intake"):
                        _guarded(out, "fold", log, fold_intake)
                    _guarded(out, name, log, func)
            if cfg.wants("memory"):
                _guarded(out, "memory", log, lambda: add(memory(srv, started), "gunicorn workers' memory"))
    finally:
        fixtures.baseline_table(create=False)
        from django.db import connections

        connections.close_all()
    return out


def _scale_of(info: dict):
    """The scale of a loaded data set, from its cases (F = 1.0 has 2,000,000)."""
    cases = (info.get("rows") or {}).get("cases_case")
    return round(cases / CITY_CASES, 3) if cases else "as loaded"


def main() -> int:
    started = time.time()
    load_at_start = round(os.getloadavg()[0], 2)
    cfg = config.load()
    log = Log(cfg.var_dir / "run.log")
    log(f"bench: mode {cfg.mode}, database {cfg.database_name}, measures {', '.join(cfg.only)}")
    try:
        log("data: preparing the database (migrate, generate or copy)")
        info = database.prepare(cfg, log.file)
        log(f"data: ready ({info})")
        parts = {"targets": [], "baselines": {}, "tables": {}, "notes": []}
        if set(cfg.only) - {"import"}:
            parts = measure(cfg, info, log)
        if cfg.wants("import"):
            log(f"import: {cfg.import_rows:,} rows × {cfg.repeats}")
            t = import_measure(cfg, info, log)
            parts["targets"].append(t)
            if t.get("baseline"):
                parts["baselines"]["import"] = t["baseline"]
    finally:
        database.cleanup(cfg)
    seconds = round(time.time() - started, 1)
    result = {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "mode": cfg.mode,
        "dataset": info.get("dataset"),
        "scale": cfg.scale if not (cfg.reuse or cfg.clone_from) else _scale_of(info),
        "machine": report.machine(
            {
                "database": f"PostgreSQL, {cfg.database_name}",
                "gunicorn_workers": cfg.workers,
                "load_average_1m_at_start": load_at_start,
            }
        ),
        "server": parts.pop("server", ""),
        "data": info,
        "seconds": seconds,
        **parts,
    }
    json_path, md_path = report.write(result)
    print(md_path.read_text(encoding="utf-8"))
    met = sum(1 for t in result["targets"] if t["met"])
    log(
        f"bench: {met} of {len(result['targets'])} targets met; total {seconds:.0f} s; {json_path}, {md_path}"
    )
    return 0 if met == len(result["targets"]) else 1


if __name__ == "__main__":
    sys.exit(main())
