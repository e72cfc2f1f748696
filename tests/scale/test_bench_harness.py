"""The benchmark harness's own logic: percentiles, target objects, the results files, the load client.

Fast and without timing asserts: `make bench` measures speed; this checks that its arithmetic and
its output are right.
"""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from bench import load, report
from bench.pages import _next
from bench.stats import HIGHER_IS_BETTER, LOWER_IS_BETTER, is_met, latency_summary, percentile, target


def test_percentile_interpolates_between_closest_ranks_like_numpy():
    values = [15, 20, 35, 40, 50]
    assert percentile(values, 0) == 15
    assert percentile(values, 50) == 35
    assert percentile(values, 100) == 50
    assert percentile(values, 40) == pytest.approx(29.0)
    assert percentile(values, 95) == pytest.approx(48.0)


def test_percentile_does_not_depend_on_the_order_of_samples():
    assert percentile([3, 1, 2], 50) == percentile([1, 2, 3], 50) == 2


def test_percentile_of_no_samples_is_none_and_of_one_sample_is_that_sample():
    assert percentile([], 95) is None
    assert percentile([0.25], 99) == 0.25


def test_percentile_outside_zero_to_hundred_is_refused():
    with pytest.raises(ValueError):
        percentile([1, 2], 101)


def test_latency_summary_gives_milliseconds_and_the_rate_over_the_window():
    summary = latency_summary([0.010, 0.020, 0.030, 0.040], duration=2.0, errors=1)
    assert summary["samples"] == 4
    assert summary["errors"] == 1
    assert summary["p50_ms"] == 25.0
    assert summary["max_ms"] == 40.0
    assert summary["requests_per_s"] == 2.0


def test_latency_summary_without_samples_has_no_percentiles():
    summary = latency_summary([], duration=1.0)
    assert summary["p95_ms"] is None and summary["requests_per_s"] == 0


def test_a_target_is_met_only_on_the_right_side_of_its_limit():
    assert is_met(300, 300, HIGHER_IS_BETTER)
    assert not is_met(299.9, 300, HIGHER_IS_BETTER)
    assert is_met(100, 100, LOWER_IS_BETTER)
    assert not is_met(100.1, 100, LOWER_IS_BETTER)


def test_a_figure_that_could_not_be_measured_is_a_miss_not_a_pass():
    assert not is_met(None, 300, LOWER_IS_BETTER)
    assert not is_met(float("nan"), 300, HIGHER_IS_BETTER)
    t = target("p95 Case list", None, 300, "ms", LOWER_IS_BETTER, note="HTTP 500")
    assert t["met"] is False and t["measured"] is None and t["note"] == "HTTP 500"


def test_target_object_has_the_fields_latest_json_promises():
    t = target(
        "Intake rate",
        412.345,
        300,
        "requests/s",
        HIGHER_IS_BETTER,
        baseline={"name": "bare", "measured": 900},
        p99_ms=80,
    )
    assert {"name", "measured", "target", "unit", "met"} <= set(t)
    assert t["measured"] == 412.3 and t["met"] is True
    assert t["baseline"]["name"] == "bare"
    assert t["details"] == {"p99_ms": 80}


def _report(targets):
    return {
        "date": "2026-11-26T20:00:00+00:00",
        "mode": "quick",
        "dataset": "city",
        "scale": 0.1,
        "machine": report.machine({"database": "PostgreSQL, gongzhi_bench"}),
        "server": "gunicorn, 4 sync workers",
        "seconds": 301.5,
        "targets": targets,
        "baselines": {"intake-8": {"name": "bare INSERT", "measured": 950.0, "unit": "requests/s"}},
        "tables": {"Intake": [{"endpoint": "API", "clients": 8, "requests/s": 420.0}]},
        "notes": ["Case list, page 6: the list has fewer than 6 pages"],
    }


def test_results_files_hold_every_target_the_machine_and_the_baselines(tmp_path):
    hit = target("Intake rate", 420, 300, "requests/s", HIGHER_IS_BETTER)
    miss = target("p95 Dashboard, city", 512.5, 300, "ms", LOWER_IS_BETTER)
    json_path, md_path = report.write(_report([hit, miss]), tmp_path)

    data = json.loads(json_path.read_text(encoding="utf-8"))
    assert [t["met"] for t in data["targets"]] == [True, False]
    assert (
        data["machine"]["cpus"] >= 1 and data["date"] and data["baselines"]["intake-8"]["measured"] == 950.0
    )

    text = md_path.read_text(encoding="utf-8")
    assert "1 of 2 targets met" in text
    assert "Missed: p95 Dashboard, city" in text
    assert "| p95 Dashboard, city | 512.5 ms | <= 300 ms | **NO** |" in text
    assert "| Intake rate | 420 requests/s | >= 300 requests/s | yes |" in text
    assert "fewer than 6 pages" in text


def test_next_cursor_is_followed_on_pages_and_in_the_api():
    page = b'<a class="btn" href="?view=open&amp;cursor=abc%3D%3D">Next</a>'
    assert _next("/cases/", 200, page) == "/cases/?view=open&cursor=abc%3D%3D"
    assert _next("/cases/", 200, b"<p>last page</p>") is None
    assert (
        _next("/api/v1/cases/", 200, b'{"items": [], "next_cursor": "x/y="}')
        == "/api/v1/cases/?cursor=x/y%3D"
    )
    assert _next("/api/v1/cases/", 200, b'{"items": [], "next_cursor": null}') is None
    assert _next("/cases/", 403, page) is None


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):  # noqa: N802 - the http.server interface
        status = 500 if self.path == "/broken" else 200
        body = b'{"ok": true}'
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def local_server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd.server_address[1]
    httpd.shutdown()
    httpd.server_close()


def test_load_client_records_answers_inside_the_window_and_counts_failures(local_server):
    result = load.run(
        "127.0.0.1",
        local_server,
        lambda client, n: load.Req("GET", "/broken" if n % 2 else "/ok"),
        clients=3,
        duration=0.3,
        warmup=0.05,
    )
    summary = result.summary()
    assert summary["clients"] == 3
    assert summary["samples"] > 0 and summary["errors"] > 0
    assert set(summary["statuses"]) == {"200", "500"}
    assert summary["statuses"]["200"] == summary["samples"]
    assert summary["error_samples"][0].startswith("500")
