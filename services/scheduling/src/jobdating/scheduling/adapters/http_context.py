"""What every scheduling route needs: the handlers and queries, the caller as the domain sees them, and
date-times typed without an offset read as local time at the sites."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from fastapi import Request

from jobdating.runtime.auth import Principal
from jobdating.runtime.commands import Meta
from jobdating.scheduling.application.handlers import SchedulingHandlers
from jobdating.scheduling.application.queries import SchedulingQueries
from jobdating.scheduling.domain.errors import Invalid
from jobdating.scheduling.domain.permissions import Actor


@dataclass(frozen=True)
class HttpContext:
    """The service as its routes reach it; `default_zone` for job datings set up without a time zone."""

    handlers: SchedulingHandlers
    queries: SchedulingQueries
    org: str
    default_zone: ZoneInfo
    ids: Callable[[], str]

    def meta(self, request: Request, caller: Principal) -> Meta:
        """Who asks, for which organisation, in which correlation: stamped on every event written."""
        return Meta(org=self.org, actor_id=caller.actor_id, correlation_id=request.state.correlation_id)

    def zone_of(self, job_dating_id: str) -> ZoneInfo:
        """The time zone of a job dating's sites."""
        return ZoneInfo(self.queries.state(job_dating_id).timezone)


def actor_of(caller: Principal) -> Actor:
    """The caller as the domain's permission rules see them."""
    return Actor(org=caller.org, roles=frozenset(caller.roles))


def zone_named(name: str) -> ZoneInfo:
    """A time zone by name; an unknown one is refused on the `timezone` field."""
    try:
        return ZoneInfo(name)
    except (ValueError, KeyError, OSError) as exc:
        raise Invalid.on("timezone", "fuseau horaire inconnu (par exemple Europe/Paris)") from exc


def as_local(at: datetime, zone: ZoneInfo) -> datetime:
    """A date-time as typed: with its offset, or else local time at the sites."""
    return at if at.tzinfo is not None else at.replace(tzinfo=zone)
