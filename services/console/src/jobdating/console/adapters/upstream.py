"""The other services over HTTP, called with the signed-in person's access token (never a shared one)."""

from __future__ import annotations

from typing import Any

import httpx

from jobdating.console.application.ports import Refused, Unreachable


class HttpServices:
    """`Services` over HTTP: one base URL per service, refusals turned into `Refused` with their reasons."""

    def __init__(self, urls: dict[str, str], timeout: float):
        self.urls = {name: url.rstrip("/") for name, url in urls.items()}
        self.http = httpx.Client(timeout=timeout)

    def sign_in(self, email: str, password: str, code: str | None) -> dict[str, Any]:
        body = {"email": email, "password": password, "code": code or None}
        return self._send("POST", "identity", "/sign-in", None, json=body)  # type: ignore[no-any-return]

    def get(self, service: str, path: str, token: str, params: dict[str, str] | None = None) -> Any:
        return self._send("GET", service, path, token, params=params)

    def post(self, service: str, path: str, token: str, body: dict[str, Any]) -> Any:
        return self._send("POST", service, path, token, json=body)

    def upload(
        self, service: str, path: str, token: str, file: tuple[str, bytes], params: dict[str, str]
    ) -> Any:
        return self._send("POST", service, path, token, files={"file": file}, params=params)

    def put(self, service: str, path: str, token: str, body: dict[str, Any]) -> Any:
        return self._send("PUT", service, path, token, json=body)

    def close(self) -> None:
        self.http.close()

    def _send(self, method: str, service: str, path: str, token: str | None, **kwargs: Any) -> Any:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        try:
            response = self.http.request(method, self.urls[service] + path, headers=headers, **kwargs)
        except httpx.HTTPError as exc:
            raise Unreachable(service) from exc
        if response.status_code >= 400:
            raise Refused(response.status_code, reasons_of(response), fields_of(response))
        if response.headers.get("content-type", "").startswith("application/pdf"):
            return response.content  # a document to hand on as it is (the letters to print)
        return response.json() if response.content else None


def reasons_of(response: httpx.Response) -> list[str]:
    """The French reasons of a refusal (`{"detail": [{field, reason}]}`, or a plain `detail`)."""
    try:
        detail = response.json().get("detail")
    except ValueError:
        return []
    if isinstance(detail, str):
        return [detail]
    if isinstance(detail, list):
        return [str(d.get("reason") or d.get("msg") or "") for d in detail if isinstance(d, dict)]
    return []


def fields_of(response: httpx.Response) -> dict[str, str]:
    """The reason given for each field a refusal names (the first one per field)."""
    try:
        detail = response.json().get("detail")
    except ValueError:
        return {}
    found: dict[str, str] = {}
    for d in detail if isinstance(detail, list) else []:
        if isinstance(d, dict) and d.get("field") and d.get("reason"):
            found.setdefault(str(d["field"]), str(d["reason"]))
    return found
