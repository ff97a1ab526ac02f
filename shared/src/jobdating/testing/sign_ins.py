"""The demo's sign-ins as `jobdating up --demo` and `jobdating compose-demo` print them, read back by the
tests that sign in with them (one aligned row per account: role, e-mail, password, TOTP key, where), and
what those tests read with them."""

from __future__ import annotations

import base64
import json
import re
from typing import Any

import httpx

from jobdating.testing.demo_data import JOB_DATING_ID

_ROW = re.compile(
    r"^  (coordination|administration|conseil|accueil de site|animation des ateliers|recrutement)"
    r"\s+(\S+@\S+)\s+(\S+)\s+(\S+)\s+(.+)$"
)


def sign_ins(log: str) -> dict[str, list[tuple[str, str, str]]]:
    """The printed sign-ins by role label: (e-mail, password, TOTP secret or "-")."""
    found: dict[str, list[tuple[str, str, str]]] = {}
    for line in log.splitlines():
        row = _ROW.match(line)
        if row is not None:
            found.setdefault(row.group(1), []).append((row.group(2), row.group(3), row.group(4)))
    return found


def company_agenda(http: httpx.Client, scheduling_url: str, recruiter: str) -> list[dict[str, Any]]:
    """The interviews of the agenda a recruiter's access token reads (their organisation is their company's
    id), checked to be their company's only."""
    company = claims(recruiter)["org"]
    agenda = http.get(
        f"{scheduling_url}/job-datings/{JOB_DATING_ID}/plan",
        params={"by": "company", "key": company},
        headers={"Authorization": f"Bearer {recruiter}"},
    )
    assert agenda.status_code == 200, agenda.text
    interviews: list[dict[str, Any]] = [i for g in agenda.json()["groups"] for i in g["interviews"]]
    assert {i["company_id"] for i in interviews} <= {company}
    return interviews


def claims(token: str) -> dict[str, Any]:
    """An access token's claims, read without checking them (the services check them)."""
    segment = token.split(".")[1]
    decoded: dict[str, Any] = json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))
    return decoded
