"""Celery end to end: a real worker process, the local Redis as broker, jobs whose effect lands in the database."""

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from urllib.parse import quote

import pytest
from django.core.cache import cache
from django.db import connections
from django.test import override_settings

from gongzhi.areas.actions import build_area
from gongzhi.cases.actions import intake_queue
from gongzhi.cases.models import Case, CaseCategory, IntakeTicket
from gongzhi.celery import app
from gongzhi.core import tasks
from gongzhi.core.models import Rollup, RollupDelta

REDIS_HOST, REDIS_PORT = "127.0.0.1", 6379
BROKER = f"redis://{REDIS_HOST}:{REDIS_PORT}/13"  # a database of its own, away from a running deployment's 0
WAIT_SECONDS = 60


def _redis_answers() -> bool:
    try:
        with socket.create_connection((REDIS_HOST, REDIS_PORT), timeout=1) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def _database_url() -> str:
    """The URL of the test database this process uses (pytest-django's test_… name)."""
    s = connections["default"].settings_dict
    auth = quote(s["USER"] or "", safe="")
    if s.get("PASSWORD"):
        auth += ":" + quote(s["PASSWORD"], safe="")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{quote(s['NAME'], safe='')}"


@contextmanager
def _worker(queue: str, log_path):
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_REPLICA_URL", "GONGZHI_BEAT"}}
    env.update(
        DATABASE_URL=_database_url(),
        CELERY_BROKER_URL=BROKER,
        CELERY_RESULT_BACKEND=BROKER,
        REDIS_URL=BROKER,  # the cache, which holds the sweep lock, shared the way a deployment shares it
        DJANGO_SETTINGS_MODULE="gongzhi.settings",
        CONN_MAX_AGE="0",
    )
    command = [sys.executable, "-m", "celery", "-A", "gongzhi", "worker", "--pool=solo", "--loglevel=INFO"]
    command += ["-Q", queue, "-n", f"{queue}@localhost", "--without-gossip", "--without-mingle"]
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        yield proc
    finally:
        # Warm shutdown first (finishes the current task, closes its database connection).
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


@contextmanager
def _queued_to(queue: str):
    """This process enqueues to Redis as a deployment with CELERY_BROKER_URL does (not eagerly)."""
    saved = {
        k: app.conf[k] for k in ("broker_url", "task_always_eager", "task_default_queue", "result_backend")
    }
    _forget_cached_broker_state()
    app.conf.update(
        broker_url=BROKER, task_always_eager=False, task_default_queue=queue, result_backend=BROKER
    )
    try:
        with override_settings(CELERY_TASK_ALWAYS_EAGER=False, CELERY_BROKER_URL=BROKER):
            yield
    finally:
        app.conf.update(saved)
        _forget_cached_broker_state()
        _forget_queue(queue)


def _forget_cached_broker_state() -> None:
    """Pools, routing tables (default queue) and the result backend are cached on first use, maybe by
    an earlier test in this process with the embedded settings: drop them so the current conf applies."""
    app.close()
    app.__dict__.pop("amqp", None)
    app._backend_cache = None
    if hasattr(app._local, "backend"):
        del app._local.backend


def _forget_queue(queue: str) -> None:
    """Remove this run's queue bindings from the broker database (results expire by themselves)."""
    import redis

    client = redis.Redis.from_url(BROKER)
    try:
        keys = list(client.scan_iter(match=f"*{queue}*"))
        if keys:
            client.delete(*keys)
    finally:
        client.close()


def _wait_for(predicate, proc, log_path, what: str):
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        if predicate():
            return
        if proc.poll() is not None:
            break
        time.sleep(0.5)
    log = log_path.read_text(errors="replace")[-4000:]
    pytest.fail(f"{what} did not happen within {WAIT_SECONDS}s (worker exit code {proc.poll()}):\n{log}")


@pytest.mark.pg_only
@pytest.mark.slow
def test_a_real_worker_runs_queued_jobs_and_a_sweep_end_to_end(transactional_db, tmp_path):
    if not _redis_answers():
        pytest.skip(
            f"Redis does not answer on {REDIS_HOST}:{REDIS_PORT} (start it: redis-server --daemonize yes "
            '--bind 127.0.0.1 --port 6379 --save "" --appendonly no)'
        )
    city = build_area(name="上海市", kind="city", gb2260="310000")
    city.save()
    queue = f"gztest-{uuid.uuid4().hex[:10]}"
    log_path = tmp_path / "worker.log"

    with _worker(queue, log_path) as proc, _queued_to(queue):
        # 1. The generic task: a function by dotted path, queued through run_task.
        queued = tasks.run_task("gongzhi.core.rollups.add_delta", city.pk, "scale.e2e", "2025-01", 3, 1)
        assert queued.id  # an AsyncResult: it went to the broker, it did not run here
        assert not RollupDelta.objects.filter(figure="scale.e2e").exists()
        _wait_for(
            lambda: RollupDelta.objects.filter(area_id=city.pk, figure="scale.e2e").exists(),
            proc,
            log_path,
            "the queued add_delta job",
        )

        # 2. The sweep as a task (what Celery beat sends): the worker folds the delta into the rollup.
        result = tasks.run_task(tasks.sweep_task, only=["rollups.fold"])
        _wait_for(
            lambda: Rollup.objects.filter(area_id=city.pk, figure="scale.e2e", period="2025-01").exists(),
            proc,
            log_path,
            "the queued sweep",
        )
        assert result.get(timeout=WAIT_SECONDS) == {"rollups.fold": "1"}
        result.forget()
        queued.forget()

        # 3. Queued intake: the report is one row at once; after commit the worker receives it as a case.
        district = build_area(name="松江区", kind="district", parent=city, gb2260="310117")
        district.save()
        street = build_area(name="方松街道", kind="street", parent=district, stat_code="310117003000")
        street.save()
        CaseCategory.objects.create(code="e2e_litter", name="乱扔垃圾", resolve_within_days=5)
        cache.delete(intake_queue.DRAIN_FLAG)
        ticket = intake_queue.accept_report(
            actor=None,
            category="e2e_litter",
            area=street.pk,
            channel="hotline",
            title="端到端",
            description="队列受理的热线诉求",
        )
        _wait_for(
            lambda: IntakeTicket.objects.filter(pk=ticket.pk, state="done").exists(),
            proc,
            log_path,
            "the queued intake drain",
        )

    rollup = Rollup.objects.get(area_id=city.pk, figure="scale.e2e", period="2025-01")
    assert (rollup.numerator, rollup.denominator) == (3, 1)
    assert not RollupDelta.objects.filter(figure="scale.e2e").exists()
    case = Case.objects.get(open311_token=ticket.token)
    assert (case.street_id, case.channel) == (street.pk, "hotline")
    assert proc.returncode is not None
