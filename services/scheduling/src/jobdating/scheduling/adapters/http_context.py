"""What every scheduling route needs: the handlers and queries, the caller as the domain sees them, and
date-times typed without an offset read as local time at the sites."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends

from jobdating.runtime.asking import Asking, asking
from jobdating.scheduling.application.handlers import SchedulingHandlers
from jobdating.scheduling.application.queries import SchedulingQueries
from jobdating.scheduling.domain.errors import Invalid
from jobdating.scheduling.domain.permissions import Actor


@dataclass(frozen=True)
class HttpContext:
    """The service as its routes reach it; `default_zone` for job datings set up without a time zone."""

    handlers: SchedulingHandlers
    queries: SchedulingQueries
    default_zone: ZoneInfo

    def zone_of(self, job_dating_id: str) -> ZoneInfo:
        """The time zone of a job dating's sites."""
        return ZoneInfo(self.queries.state(job_dating_id).timezone)


Asker = Annotated[Asking[Actor], Depends(asking(Actor))]
"""Who is asking: the caller, as scheduling's permission rules see them, and what their writes carry."""


def zone_named(name: str) -> ZoneInfo:
    """A time zone by name; an unknown one is refused on the `timezone` field."""
    try:
        return ZoneInfo(name)
    except (ValueError, KeyError, OSError) as exc:
        raise Invalid.on("timezone", "fuseau horaire inconnu (par exemple Europe/Paris)") from exc


def as_local(at: datetime, zone: ZoneInfo) -> datetime:
    """A date-time as typed: with its offset, or else local time at the sites."""
    return at if at.tzinfo is not None else at.replace(tzinfo=zone)


def joined(*parts: APIRouter) -> APIRouter:
    """One untagged router holding `parts` in order, each with its own tags (a router's tags would go to
    every route it includes)."""
    router = APIRouter()
    for part in parts:
        router.include_router(part)
    return router
