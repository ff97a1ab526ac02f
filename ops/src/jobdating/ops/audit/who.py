"""Who did what, from the stream's envelopes: each event's actor (`actorid`), when it was recorded, what it
was and what it was about, as rows of a table (`who_run.py` reads the stream and prints them).

An envelope names its actor by id only, never by name:
- a person's account (`acc-…`, identity's access tokens): their organisation is the one identity's
  `AccountInvited` put on the stream; their name comes only from identity, for a caller allowed to read it;
- a scheduled job of a service (`system:retention`) or a service acting on its own (`notifications`, after
  a delivery): "tâche automatique";
- anything else is a machine token's configured actor id (scripts, imports, the demo): "jeton machine".
For a job or a machine token, the organisation shown is the one of the instance that recorded the event.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from typing import Final
from zoneinfo import ZoneInfo

from jobdating.contracts.catalog import REGISTRY
from jobdating.contracts.envelope import Envelope
from jobdating.contracts.identity import AccountInvited
from jobdating.ops.audit.event_words import event_words, subject_words
from jobdating.ops.audit.who_details import event_detail
from jobdating.reporting.fold import DEFAULT_TIMEZONE

ACCOUNT_PREFIX: Final = "acc-"
SYSTEM_PREFIX: Final = "system:"
SERVICES: Final = frozenset({"registration", "sites", "scheduling", "notifications", "identity"})
"""A service's own name as actor: it acted by itself (notifications records a delivery's outcome)."""


class ActorKind(enum.Enum):
    PERSON = "compte"
    MACHINE = "jeton machine"
    SYSTEM = "tâche automatique"


def actor_kind(actor_id: str) -> ActorKind:
    if actor_id.startswith(ACCOUNT_PREFIX):
        return ActorKind.PERSON
    if actor_id.startswith(SYSTEM_PREFIX) or actor_id in SERVICES:
        return ActorKind.SYSTEM
    return ActorKind.MACHINE


class WhoError(ValueError):
    """A filter the operator typed wrong; shown as is, hence in French."""


@dataclass(frozen=True)
class Filters:
    """What to keep: recorded between `since` and `until` (inclusive), by `actor`, of organisation `org`."""

    since: datetime | None = None
    until: datetime | None = None
    actor: str | None = None
    org: str | None = None


@dataclass(frozen=True)
class Action:
    """One event as a row: who (id, kind, organisation, name once resolved), when, what, about what, and
    the detail some actions carry (a change by hand: its reason and the rules it overrode)."""

    at: datetime
    actor_id: str
    kind: ActorKind
    organisation: str | None
    event_type: str
    what: str
    subject: str
    name: str | None = None
    detail: str = ""

    @property
    def who(self) -> str:
        """The name when identity gave one, else the id, never a guess; jobs and tokens said as such."""
        if self.kind is ActorKind.PERSON:
            return self.name or self.actor_id
        return f"{self.kind.value} ({self.actor_id})"


@dataclass(frozen=True)
class Named:
    """What identity said of one account."""

    name: str | None
    organisation_id: str


def parse_moment(text: str, end: bool, zone: str = DEFAULT_TIMEZONE) -> datetime:
    """An ISO date or date-time; local time in `zone` without an offset. A date alone is the start of that
    day for `--since` and its end for `--until` (`end`), so that both bounds include the day named."""
    try:
        if len(text) == 10:
            day = date.fromisoformat(text)
            moment = datetime.combine(day + timedelta(days=1), time()) - timedelta(microseconds=1)
            if not end:
                moment = datetime.combine(day, time())
        else:
            moment = datetime.fromisoformat(text)
    except ValueError as exc:
        raise WhoError(f"date invalide : {text!r} (attendu AAAA-MM-JJ ou AAAA-MM-JJTHH:MM)") from exc
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=ZoneInfo(zone))


def account_organisations(envelopes: Iterable[Envelope]) -> dict[str, str]:
    """Each account's organisation, as identity's `AccountInvited` events on the stream say."""
    found: dict[str, str] = {}
    for env in envelopes:
        if env.event_type == AccountInvited.event_type:
            event = REGISTRY.payload(env)
            if isinstance(event, AccountInvited):
                found[event.account_id] = event.organisation_id
    return found


def actions(envelopes: Iterable[Envelope], filters: Filters, zone: str = DEFAULT_TIMEZONE) -> list[Action]:
    """The stream's events as rows, oldest first, within the time and actor filters (the organisation
    filter waits for identity's answers: `named`)."""
    envelopes = list(envelopes)
    organisations = account_organisations(envelopes)
    local = ZoneInfo(zone)
    rows: list[Action] = []
    for env in envelopes:
        if filters.since is not None and env.recorded_at < filters.since:
            continue
        if filters.until is not None and env.recorded_at > filters.until:
            continue
        if filters.actor is not None and env.actor_id != filters.actor:
            continue
        kind = actor_kind(env.actor_id)
        rows.append(
            Action(
                at=env.recorded_at.astimezone(local),
                actor_id=env.actor_id,
                kind=kind,
                organisation=organisations.get(env.actor_id) if kind is ActorKind.PERSON else env.org,
                event_type=env.event_type,
                what=event_words(env.event_type),
                subject=subject_words(env.stream_type, env.stream_id),
                detail=event_detail(env),
            )
        )
    rows.sort(key=lambda a: a.at)  # stable: events recorded at the same instant keep the stream's order
    return rows


def accounts_of(rows: Iterable[Action]) -> list[str]:
    """The accounts whose names to ask identity for."""
    return sorted({a.actor_id for a in rows if a.kind is ActorKind.PERSON})


def named(rows: Iterable[Action], names: Mapping[str, Named], org: str | None = None) -> list[Action]:
    """The rows with the names (and organisations) identity gave, then only those of `org` if given."""
    result: list[Action] = []
    for row in rows:
        known = names.get(row.actor_id) if row.kind is ActorKind.PERSON else None
        if known is not None:
            row = replace(row, name=known.name, organisation=known.organisation_id)
        if org is None or row.organisation == org:
            result.append(row)
    return result
