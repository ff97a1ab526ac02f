"""The demo day's HTTP calls: they wait for a service being restarted, and a refusal ends the day."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import httpx

from jobdating.ops.demo_report import DemoError


class Patient:
    """HTTP calls that wait for a service being restarted (connection refused: the request never reached
    it, so sending it again is safe) instead of failing the day; other transport errors end the day with
    a clear message."""

    def __init__(self, http: httpx.Client, restart_dead: Callable[[], None], wait_seconds: float) -> None:
        self.http = http
        self.restart_dead = restart_dead
        self.wait_seconds = wait_seconds

    def get(
        self, url: str, *, params: dict[str, Any] | None = None, headers: dict[str, str]
    ) -> httpx.Response:
        return self._send("GET", url, params=params, headers=headers)

    def post(
        self, url: str, *, json: dict[str, Any], headers: dict[str, str] | None = None
    ) -> httpx.Response:
        return self._send("POST", url, json=json, headers=headers or {})

    def _send(self, method: str, url: str, **options: Any) -> httpx.Response:
        deadline = time.monotonic() + self.wait_seconds
        while True:
            try:
                return self.http.request(method, url, **options)
            except httpx.ConnectError as exc:
                if time.monotonic() > deadline:
                    raise DemoError(f"{url} ne répond plus depuis {self.wait_seconds:.0f} s") from exc
                self.restart_dead()
                time.sleep(0.2)
            except httpx.TransportError as exc:
                raise DemoError(f"{method} {url} a échoué : {exc!r}") from exc


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def require_ok(response: httpx.Response, what: str) -> None:
    """An error answer ends the day, naming the call and what it was for (`what`, in French)."""
    if response.status_code >= 400:
        raise DemoError(
            f"{response.request.method} {response.request.url.path} ({what}) a répondu "
            f"{response.status_code} : {response.text[:300]}"
        )
