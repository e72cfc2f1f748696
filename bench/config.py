"""Options of a run (all from the environment) and the environment of the processes it starts.

BENCH_DATABASE_URL  PostgreSQL database of the run (default postgres://postgres@127.0.0.1:5432/gongzhi_bench)
BENCH_SCALE         scale factor of the generated city data set (default 0.1: the quick mode)
BENCH_REUSE=1       use BENCH_DATABASE_URL as it is (already loaded); the run adds intake cases to it
BENCH_FROM=NAME     copy the loaded database NAME into the scratch database (CREATE DATABASE … TEMPLATE)
BENCH_KEEP=1        keep the scratch database after the run
BENCH_WORKERS       gunicorn sync workers (default 4 on this 2-core machine)
BENCH_ONLY          comma-separated measures: intake,pages,reports,import,memory (default all)
BENCH_INTAKE_SECONDS / BENCH_PAGE_SECONDS / BENCH_WARMUP   durations (defaults by mode)
BENCH_REDIS_URL     broker, result backend and cache of the servers (default redis://127.0.0.1:6379/12)
BENCH_WORKER_NICE   CPU priority of the Celery worker below gunicorn's (default 10, as operations.md advises)
BENCH_IMPORT_ROWS / BENCH_REPEATS   size of the import measure (20,000 rows, 3 repeats)
"""

import ast
import base64
import hashlib
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/gongzhi_bench"
MEASURES = ("intake", "pages", "reports", "import", "memory")


def _flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in {"1", "true", "yes", "on"}


@dataclass
class Config:
    database_url: str
    scale: float
    reuse: bool
    clone_from: str
    keep: bool
    workers: int
    only: tuple
    intake_seconds: float
    drain_seconds: float
    page_seconds: float
    warmup: float
    redis_url: str
    import_rows: int
    repeats: int
    var_dir: Path
    secrets: dict = field(default_factory=dict)

    @property
    def mode(self) -> str:
        if self.reuse or self.clone_from:
            return "loaded database"
        return "quick" if self.scale < 1 else "city"

    @property
    def database_name(self) -> str:
        return urlsplit(self.database_url).path.lstrip("/")

    def url_for(self, name: str) -> str:
        """The same server and credentials, another database."""
        parts = urlsplit(self.database_url)
        return urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, parts.fragment))

    def wants(self, measure: str) -> bool:
        return measure in self.only


def load() -> Config:
    url = os.environ.get("BENCH_DATABASE_URL") or DEFAULT_URL
    if not url.startswith(("postgres://", "postgresql://")):
        raise SystemExit(
            "BENCH_DATABASE_URL must be a PostgreSQL URL (the benchmarks measure the city setup)."
        )
    host = urlsplit(url).hostname or ""
    if host not in ("127.0.0.1", "localhost", "::1"):
        raise SystemExit("The benchmarks run on loopback only: BENCH_DATABASE_URL must point at 127.0.0.1.")
    scale = float(os.environ.get("BENCH_SCALE", "0.1"))
    reuse, clone_from = _flag("BENCH_REUSE"), os.environ.get("BENCH_FROM", "").strip()
    quick = not (reuse or clone_from) and scale < 1
    only = tuple(m.strip() for m in os.environ.get("BENCH_ONLY", ",".join(MEASURES)).split(",") if m.strip())
    unknown = set(only) - set(MEASURES)
    if unknown:
        raise SystemExit(f"unknown measures in BENCH_ONLY: {', '.join(sorted(unknown))}")
    var_dir = ROOT / "var" / "bench"
    var_dir.mkdir(parents=True, exist_ok=True)
    return Config(
        database_url=url,
        scale=scale,
        reuse=reuse,
        clone_from=clone_from,
        keep=_flag("BENCH_KEEP"),
        workers=int(os.environ.get("BENCH_WORKERS", "4")),
        only=only,
        intake_seconds=float(os.environ.get("BENCH_INTAKE_SECONDS", "10" if quick else "15")),
        drain_seconds=float(os.environ.get("BENCH_DRAIN_SECONDS", "60" if quick else "90")),
        page_seconds=float(os.environ.get("BENCH_PAGE_SECONDS", "4" if quick else "8")),
        warmup=float(os.environ.get("BENCH_WARMUP", "2" if quick else "3")),
        redis_url=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/12"),
        import_rows=int(os.environ.get("BENCH_IMPORT_ROWS", "20000")),
        repeats=int(os.environ.get("BENCH_REPEATS", "3")),
        var_dir=var_dir,
        secrets=_secrets(),
    )


def _secrets() -> dict:
    """The keys of the bench processes: those of the environment when set, else fresh ones.

    When no field key is configured, the key the embedded mode derives from the default secret is
    used, so personal data written by `gongzhi demo` without keys (the usual way to load a data set)
    still decrypts on the bench server, which runs with DEBUG off and therefore needs explicit keys.
    """
    field_keys = (
        os.environ.get("GONGZHI_FIELD_KEYS")
        or base64.urlsafe_b64encode(
            hashlib.sha256(f"gongzhi:field:{_default_secret()}".encode()).digest()
        ).decode()
    )
    return {
        "SECRET_KEY": os.environ.get("SECRET_KEY") or "bench-" + secrets.token_urlsafe(40),
        "GONGZHI_FIELD_KEYS": field_keys,
        "GONGZHI_HASH_KEY": os.environ.get("GONGZHI_HASH_KEY") or secrets.token_urlsafe(40),
    }


def _default_secret() -> str:
    """settings.DEFAULT_SECRET_KEY, read from the source: importing the settings here would freeze them
    before this process has chosen its database."""
    tree = ast.parse((ROOT / "src" / "gongzhi" / "settings.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "DEFAULT_SECRET_KEY":
            return ast.literal_eval(node.value)
    raise SystemExit("DEFAULT_SECRET_KEY not found in gongzhi/settings.py")


def server_env(cfg: Config, database_url: str | None = None) -> dict:
    """The environment of every process of a run: bench settings, the run's database, Redis, keys."""
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_REPLICA_URL", "GONGZHI_BEAT"}}
    env.update(cfg.secrets)
    env.update(
        DJANGO_SETTINGS_MODULE="bench.bench_settings",
        PYTHONPATH=os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p),
        DATABASE_URL=database_url or cfg.database_url,
        CONN_MAX_AGE="600",
        DEBUG="0",
        GONGZHI_VAR_DIR=str(cfg.var_dir),
        GONGZHI_QUEUED_INTAKE="1",  # Open311 answers with a token; a worker receives the cases
        CELERY_BROKER_URL=cfg.redis_url,
        CELERY_RESULT_BACKEND=cfg.redis_url,
        REDIS_URL=cfg.redis_url,
        LOG_LEVEL="WARNING",
    )
    return env
