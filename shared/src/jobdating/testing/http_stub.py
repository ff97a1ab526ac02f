"""What the tests' small real HTTP servers share, where one stands in for another party (a service's route,
identity's keys): a handler that answers JSON and keeps no access log, and a server run in a thread for the
time of a `with`."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class JsonHandler(BaseHTTPRequestHandler):
    """Answers each GET with the JSON document `answer` gives for its path (404 where it gives None)."""

    def answer(self, path: str) -> Any:
        raise NotImplementedError

    def do_GET(self) -> None:
        body = self.answer(self.path)
        if body is None:
            self.send_error(404)
            return
        raw = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)

    def log_message(self, format: str, *args: Any) -> None:
        pass  # the tests' output is not the place for an access log


@contextmanager
def serving(handler: type[BaseHTTPRequestHandler]) -> Iterator[str]:
    """The base URL of a server on a free local port answering with `handler`, until the `with` ends."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
