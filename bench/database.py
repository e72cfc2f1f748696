"""The run's databases: create, copy, migrate, generate the city data set, drop (PostgreSQL on loopback).

The main database is a scratch one (generated at BENCH_SCALE, or copied from a loaded database with
BENCH_FROM) unless BENCH_REUSE=1. The import measure always runs in a scratch database of its own
(`<name>_import`), so it never touches the organizations of the data set.
"""

import importlib.util
import subprocess
import sys
import time

import psycopg
from psycopg import sql

from .config import ROOT, Config, server_env


def _admin(cfg: Config):
    return psycopg.connect(cfg.url_for("postgres"), autocommit=True)


def exists(cfg: Config, name: str) -> bool:
    with _admin(cfg) as conn:
        return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is not None


def drop(cfg: Config, name: str) -> None:
    with _admin(cfg) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def create(cfg: Config, name: str, template: str | None = None) -> float:
    """(Re)create database `name`, empty or as a copy of `template`; the seconds it took."""
    started = time.perf_counter()
    drop(cfg, name)
    with _admin(cfg) as conn:
        if template:
            conn.execute(
                sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                    sql.Identifier(name), sql.Identifier(template)
                )
            )
        else:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return time.perf_counter() - started


def gongzhi(cfg: Config, url: str, *args: str, log=None) -> float:
    """Run a `gongzhi` command against database `url`; the seconds it took (raises on failure)."""
    started = time.perf_counter()
    command = [sys.executable, "-m", "gongzhi.cli", *args]
    env = server_env(cfg, url)
    # The loaders run with the product's settings and without a broker (inline tasks).
    env.update(DJANGO_SETTINGS_MODULE="gongzhi.settings", CELERY_BROKER_URL="", REDIS_URL="")
    done = subprocess.run(command, env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, check=False)  # noqa: S603 - argv built here
    if done.returncode != 0:
        raise SystemExit(
            f"`gongzhi {' '.join(args)}` failed (exit {done.returncode}); see {getattr(log, 'name', '')}"
        )
    return time.perf_counter() - started


def city_dataset_available(cfg: Config) -> bool:
    """Whether `gongzhi demo` knows the city data set (being built while this suite was written)."""
    return importlib.util.find_spec("gongzhi.demo.city") is not None


def prepare(cfg: Config, log) -> dict:
    """Make the main database and the import database ready; what was done and how long it took."""
    name, info = cfg.database_name, {"database": cfg.database_name}
    import_db = f"{name}_import"
    if cfg.reuse:
        if not exists(cfg, name):
            raise SystemExit(f"BENCH_REUSE=1 but database {name} does not exist")
        info["dataset"] = "as loaded"
    elif cfg.clone_from:
        if not exists(cfg, cfg.clone_from):
            raise SystemExit(f"BENCH_FROM={cfg.clone_from}: no such database")
        info["copy_seconds"] = round(create(cfg, name, template=cfg.clone_from), 1)
        info["dataset"] = f"copy of {cfg.clone_from}"
    else:
        create(cfg, name)
        info["migrate_seconds"] = round(gongzhi(cfg, cfg.database_url, "migrate", "--noinput", log=log), 1)
        # The import database: a copy of the freshly migrated, still empty one.
        create(cfg, import_db, template=name)
        if city_dataset_available(cfg):
            args = ["demo", "--dataset", "city", "--scale", str(cfg.scale)]
            info["dataset"] = "city"
        else:
            args, info["dataset"] = ["demo"], "demo (city data set not available)"
        info["generate_seconds"] = round(gongzhi(cfg, cfg.database_url, *args, log=log), 1)
    if cfg.wants("import") and not exists(cfg, import_db):
        create(cfg, import_db)
        info["import_migrate_seconds"] = round(
            gongzhi(cfg, cfg.url_for(import_db), "migrate", "--noinput", log=log), 1
        )
    info["import_database"] = import_db
    return info


def cleanup(cfg: Config) -> None:
    """Drop what the run created: the import database always, the main one unless reused or kept."""
    drop(cfg, f"{cfg.database_name}_import")
    if not cfg.reuse and not cfg.keep:
        drop(cfg, cfg.database_name)


def counts(cfg: Config) -> dict:
    """Row counts of the big tables (estimates from pg_class: exact counts would scan millions of rows)."""
    tables = [
        "areas_area",
        "cases_case",
        "cases_caseevent",
        "orgs_socialorganization",
        "party_partymember",
        "councils_meeting",
        "volunteers_volunteer",
    ]
    with psycopg.connect(cfg.database_url, autocommit=True) as conn:
        conn.execute("ANALYZE")
        rows = conn.execute(
            "SELECT relname, reltuples::bigint FROM pg_class WHERE relname = ANY(%s) AND relkind = 'r'",
            [tables],
        ).fetchall()
    return {name: max(int(n), 0) for name, n in rows}
