"""The stack's services called directly, as one organisation's role would, to set a scene up or check
what a page did."""

from __future__ import annotations

from typing import Any

import httpx

from jobdating.testing.demo_data import COORDINATOR_ORG, JOB_DATING_ID

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


def company_interviews(demo: Demo, company_id: str) -> list[dict[str, Any]]:
    """The company's interviews in the demo's plan, as the coordination reads them, cancelled ones out."""
    plan = call(
        demo,
        "GET",
        "scheduling",
        f"/job-datings/{JOB_DATING_ID}/plan",
        COORDINATOR_ORG,
        "coordinator",
        params={"by": "company", "key": company_id},
    )
    return [i for g in plan["groups"] for i in g["interviews"] if i["status"] != "cancelled"]
