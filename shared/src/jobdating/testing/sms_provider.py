"""A stand-in SMS provider on a real socket (no SMS provider runs on a build machine: this is the one fake
the design allows): one message per idempotency key, the status it is told to give, and, with `rate`, the
refusal (429) a provider gives to what comes faster than its contract."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from jobdating.bus.server import free_port


class Provider(BaseHTTPRequestHandler):
    """Answers like an SMS provider. Class attributes are the provider's state (one class per server)."""

    sent: dict[str, str]
    received: list[dict[str, Any]]
    accepted: list[tuple[float, str]]  # when each new message was taken (wall clock), by its key
    status = 200
    # A token bucket: `rate` a second, `capacity` at once; none: no limit.
    rate: float | None = None
    capacity = 1.0
    tokens = 1.0
    refilled = 0.0
    limited = 0
    lock: threading.Lock

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.received.append(
            {"body": body, "key": self.headers["Idempotency-Key"], "auth": self.headers["Authorization"]}
        )
        status = 429 if not self._within_rate() else self.status
        if status != 200:
            self.send_response(status)
            self.end_headers()
            return
        key = self.headers["Idempotency-Key"]
        if key not in self.sent:
            self.accepted.append((time.time(), key))
        message_id = self.sent.setdefault(key, f"prov-{len(self.sent) + 1}")
        payload = json.dumps({"id": message_id}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def _within_rate(self) -> bool:
        cls = type(self)
        if cls.rate is None:
            return True
        with cls.lock:
            now = time.monotonic()
            cls.tokens = min(cls.capacity, cls.tokens + (now - cls.refilled) * cls.rate)
            cls.refilled = now
            if cls.tokens >= 1:
                cls.tokens -= 1
                return True
            cls.limited += 1
            return False

    def log_message(self, *_: Any) -> None:
        return


@contextmanager
def provider_server(
    rate: float | None = None, capacity: float = 1.0, path: str = "/sms"
) -> Iterator[tuple[str, type[Provider]]]:
    """A provider on a free port (a voice provider too: same API, another `path`): its URL and its
    handler class (what it received, sent and refused)."""
    state = {"sent": {}, "received": [], "accepted": [], "status": 200, "lock": threading.Lock()}
    limit = {"rate": rate, "capacity": capacity, "tokens": capacity, "refilled": time.monotonic()}
    handler = type("P", (Provider,), state | limit)
    server = ThreadingHTTPServer(("127.0.0.1", free_port()), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}{path}", handler
    finally:
        server.shutdown()
        server.server_close()
