"""The servers of a run, on loopback only: gunicorn (sync workers) and a Celery worker; worker memory.

Both start from bench.bench_settings with the environment `config.server_env()` builds; both are
stopped (SIGTERM, then SIGKILL) by the context managers, whatever happens in the run.
"""

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path

from .load import Req, request_once

HOST = "127.0.0.1"
ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def _stop(proc: subprocess.Popen, wait: float = 20) -> None:
    if proc.poll() is not None:
        return
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=wait)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=10)


class Gunicorn:
    """A running gunicorn: its port, its master process and the pids of its workers."""

    def __init__(self, proc: subprocess.Popen, port: int, workers: int, log: Path):
        self.proc, self.port, self.workers, self.log = proc, port, workers, log

    def worker_pids(self) -> list[int]:
        return children(self.proc.pid)

    def describe(self) -> str:
        return f"gunicorn, {self.workers} sync workers, 127.0.0.1 only, persistent database connections"


def children(pid: int) -> list[int]:
    """Direct child processes of `pid` (from /proc)."""
    path = Path(f"/proc/{pid}/task/{pid}/children")
    try:
        return [int(p) for p in path.read_text().split()]
    except OSError:
        return []


def memory_kb(pid: int) -> dict:
    """VmHWM (peak resident set) and VmRSS of a process in kB, from /proc/<pid>/status."""
    out = {}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            key, _, value = line.partition(":")
            if key in ("VmHWM", "VmRSS"):
                out[key] = int(value.split()[0])
    except OSError:
        pass
    return out


@contextmanager
def gunicorn(env: dict, workers: int, log_dir: Path, timeout: int = 300):
    """Serve bench.baseline_wsgi with `workers` sync workers on a free loopback port until the block ends."""
    port = free_port()
    log = log_dir / "gunicorn.log"
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "bench.baseline_wsgi:application",
        "--bind",
        f"{HOST}:{port}",
        "--workers",
        str(workers),
        "--worker-class",
        "sync",
        "--timeout",
        str(timeout),
        "--backlog",
        "256",
        "--chdir",
        str(ROOT),
        "--error-logfile",
        str(log),
    ]
    with open(log_dir / "gunicorn.out", "wb") as out:
        proc = subprocess.Popen(command, env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)  # noqa: S603 - argv built here
    server = Gunicorn(proc, port, workers, log)
    try:
        _wait_ready(server)
        yield server
    finally:
        _stop(proc, wait=30)


def _wait_ready(server: Gunicorn, limit: float = 180) -> None:
    """Until every worker has answered a request: a worker's first request loads the URLs and the
    views (seconds on a busy machine), which must not land in a measured window."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline and len(server.worker_pids()) < server.workers:
        if server.proc.poll() is not None:
            raise RuntimeError(f"gunicorn exited; see {server.log}")
        time.sleep(0.3)
    seen: set = set()
    lock = threading.Lock()

    def ping():
        while time.monotonic() < deadline and len(seen) < server.workers:
            try:
                status, _h, body = request_once(HOST, server.port, Req("GET", "/__bench__/ping/"), timeout=60)
            except OSError:
                time.sleep(0.3)
                continue
            if status == 200:
                with lock:
                    seen.add(json.loads(body)["pid"])

    threads = [threading.Thread(target=ping, daemon=True) for _ in range(server.workers * 2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if len(seen) < server.workers:
        raise RuntimeError(f"gunicorn workers did not all answer within {limit} s; see {server.log}")


def worker_nice() -> int:
    return int(os.environ.get("BENCH_WORKER_NICE", "10"))


@contextmanager
def celery_worker(env: dict, log_dir: Path, queue: str = "gongzhi-bench"):
    """One Celery worker (solo pool: one task at a time, like one worker process) on the bench queue,
    at the CPU priority docs/operations.md recommends for workers sharing a host with app servers
    (`nice -n BENCH_WORKER_NICE`, default 10; 0 for equal priority): a burst is answered first and
    the backlog drains in the slack."""
    nice = worker_nice()
    command = ["nice", "-n", str(nice)] if nice else []
    command += [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "gongzhi",
        "worker",
        "--pool=solo",
        "--loglevel=WARNING",
    ]
    command += ["-Q", queue, "-n", f"bench-{os.getpid()}@localhost", "--without-gossip", "--without-mingle"]
    with open(log_dir / "celery.log", "wb") as out:
        proc = subprocess.Popen(command, env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)  # noqa: S603 - argv built here
    try:
        yield proc
    finally:
        _stop(proc, wait=30)
