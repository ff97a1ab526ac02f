"""The French reason a service gave for refusing a request, read by a command-line tool that called it."""

from __future__ import annotations

from typing import Any

import httpx


def refusal_reason(response: httpx.Response) -> str:
    """The first reason of a refusal, as every service words them (`{detail: [{field, reason}]}`); the
    HTTP status when the body says nothing readable."""
    try:
        body: Any = response.json()
        return str(body["detail"][0]["reason"])
    except (ValueError, KeyError, IndexError, TypeError):
        return response.reason_phrase or str(response.status_code)
