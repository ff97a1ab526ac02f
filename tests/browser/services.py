"""The stack's services called directly, as one organisation's role would, to set a scene up or check
what a page did."""

from __future__ import annotations

from typing import Any

import httpx

from .conftest import Demo


def call(demo: Demo, method: str, service: str, path: str, org: str, role: str, **kwargs: Any) -> Any:
    """The JSON answer of a call with `org`'s `role` token; any refusal fails the test with its reasons."""
    answer = httpx.request(
        method,
        f"{demo.stack.url(service)}{path}",
        headers={"Authorization": f"Bearer {demo.stack.token_for(org, role)}"},
        timeout=15,
        **kwargs,
    )
    assert answer.status_code < 300, answer.text
    return answer.json()
