"""Fixtures for the notification core: a local HTTP endpoint that records (and can refuse) requests."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from gongzhi.notices import delivery
from gongzhi.notices.actions import register_kind

CASE_ASSIGNED = register_kind("tests.case_assigned", "case assigned (tests)")


class HookServer:
    """Records every POST; answers from `responses` (status, body) in turn, then with `default`.

    With `secret` set it checks X-Gongzhi-Signature itself and answers 401 when it does not match,
    the way a real receiver would."""

    def __init__(self):
        self.requests: list[dict] = []
        self.responses: list[tuple[int, dict]] = []
        self.default = (200, {"errcode": 0, "errmsg": "ok"})
        self.secret: str | None = None
        self.verified: list[bool] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                body = self.rfile.read(length)
                outer.requests.append({"path": self.path, "headers": dict(self.headers), "body": body})
                status, answer = outer.responses.pop(0) if outer.responses else outer.default
                if outer.secret is not None:
                    ok = delivery.verify_signature(
                        outer.secret, body, self.headers.get(delivery.SIGNATURE_HEADER, "")
                    )
                    outer.verified.append(ok)
                    if not ok:
                        status, answer = 401, {"error": "bad signature"}
                raw = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def json(self, i=-1) -> dict:
        return json.loads(self.requests[i]["body"])


@pytest.fixture
def hook_server():
    server = HookServer()
    server.thread.start()
    yield server
    server.server.shutdown()
    server.server.server_close()


@pytest.fixture
def send_now(django_capture_on_commit_callbacks):
    """Run the after-commit sends of the block (the task runs eagerly without a broker)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)
