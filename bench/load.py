"""A small threaded HTTP load client: keep-alive connections (http.client, one per thread), fixed duration.

Each client thread sends requests back to back. Warm-up requests are not recorded; then every
request that starts inside the `duration` window is a sample (it may end after the window, so
a page slower than the window still yields one sample per client). The server may close the
connection after each response (gunicorn's sync workers do); http.client then reconnects on the next
request, which is what a real keep-alive client does against such a server.
"""

import http.client
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from .stats import latency_summary


@dataclass
class Req:
    method: str
    path: str
    body: bytes | None = None
    headers: dict = field(default_factory=dict)


@dataclass
class LoadResult:
    clients: int
    duration: float
    latencies: list = field(default_factory=list)
    statuses: dict = field(default_factory=dict)
    errors: int = 0
    error_samples: list = field(default_factory=list)

    def summary(self) -> dict:
        out = latency_summary(self.latencies, duration=self.duration, errors=self.errors)
        out["clients"] = self.clients
        out["statuses"] = {str(k): v for k, v in sorted(self.statuses.items())}
        if self.error_samples:
            out["error_samples"] = self.error_samples[:3]
        return out


def request_once(host: str, port: int, req: Req, timeout: float = 120) -> tuple[int, dict, bytes]:
    """One request on a fresh connection: (status, headers, body)."""
    conn = http.client.HTTPConnection(host, port, timeout=timeout)
    try:
        conn.request(req.method, req.path, body=req.body, headers=req.headers)
        resp = conn.getresponse()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read()
    finally:
        conn.close()


def run(
    host: str,
    port: int,
    make: Callable[[int, int], Req],
    *,
    clients: int,
    duration: float,
    warmup: float = 2.0,
    warm_requests: int = 2,
    ok: tuple = (200,),
    timeout: float = 120,
) -> LoadResult:
    """Run `clients` threads; `make(client, n)` builds each request.

    Warm-up: every client first sends `warm_requests` requests and keeps going until `warmup` seconds
    have passed (so every worker has loaded what the endpoint needs); then all clients start the
    measured window of `duration` seconds together.
    """
    result = LoadResult(clients=clients, duration=duration)
    lock = threading.Lock()
    window: dict = {}

    def open_window() -> None:
        now = time.perf_counter()
        window["begin"], window["end"] = now, now + duration

    gate = threading.Barrier(clients, action=open_window)

    def client(index: int) -> None:
        conn = http.client.HTTPConnection(host, port, timeout=timeout)
        latencies, statuses, errors, samples = [], {}, 0, []
        n, warm_until = 0, time.perf_counter() + warmup
        measuring = False
        while True:
            if not measuring and n >= warm_requests and time.perf_counter() >= warm_until:
                gate.wait()
                measuring = True
            req = make(index, n)
            n += 1
            started = time.perf_counter()
            if measuring and started >= window["end"]:
                break
            try:
                conn.request(req.method, req.path, body=req.body, headers=req.headers)
                resp = conn.getresponse()
                body = resp.read()
                status = resp.status
            except (OSError, http.client.HTTPException) as exc:
                conn.close()
                conn = http.client.HTTPConnection(host, port, timeout=timeout)
                status, body = None, str(exc).encode()
            finished = time.perf_counter()
            if not measuring:
                continue
            if status in ok:
                latencies.append(finished - started)
            else:
                errors += 1
                if len(samples) < 3:
                    samples.append(f"{status}: {body[:200].decode('utf-8', 'replace')}")
            statuses[status] = statuses.get(status, 0) + 1
        conn.close()
        with lock:
            result.latencies.extend(latencies)
            result.errors += errors
            result.error_samples.extend(samples)
            for k, v in statuses.items():
                result.statuses[k] = result.statuses.get(k, 0) + v

    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return result
