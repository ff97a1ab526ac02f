"""What loading the demo reports, and how it posts each record: created, or already there (409), so that
loading twice creates nothing twice."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import msgspec


class DemoError(RuntimeError):
    """A service refused a demo record for a reason other than 'already there'."""


class PrepReport(msgspec.Struct, kw_only=True):
    """What the weeks before the day booked (see `demo_prep`)."""

    rooms: int = 0
    workshops: int = 0
    enrolments: int = 0
    counselling: int = 0


class DemoReport(msgspec.Struct, kw_only=True):
    """What the loaded demo holds: its sites, computers, companies and candidates, whether this load
    created them (`created`) or found them there (`already_there`, a resumed stack)."""

    sites: int = 0
    computers: int = 0
    companies: int = 0
    candidates: int = 0
    created: int = 0
    already_there: int = 0
    interviews: int = 0
    candidates_served: int = 0
    solver_status: str = ""
    published_now: bool = False
    company_ids: dict[str, str] = {}
    """Each demo company's id in registration, by its key in the demo data."""
    preparation: PrepReport = msgspec.field(default_factory=PrepReport)


Progress = Callable[[str], None]


def create_record(
    http: httpx.Client, url: str, body: dict[str, Any], headers: dict[str, str], report: DemoReport
) -> int:
    """1 when the record is there now (created, or already there: 409), counted in `report`."""
    response = http.post(url, json=body, headers=headers)
    if response.status_code == 201:
        report.created += 1
        return 1
    if response.status_code == 409:
        report.already_there += 1
        return 1
    raise DemoError(f"POST {url} answered {response.status_code}: {response.text[:500]}")
