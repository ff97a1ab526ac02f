"""Reading back the facts scheduling keeps from registration and sites (tables fed by `adapters.facts`)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from functools import partial
from typing import Any

import msgspec

from jobdating.eventstore import reading
from jobdating.eventstore.base import EventStore, Transaction
from jobdating.eventstore.reading import columns, struct_of
from jobdating.scheduling.application.instants import maybe_ts
from jobdating.scheduling.domain.facts import (
    CandidateFacts,
    CompanyFacts,
    ComputerFacts,
    Facts,
    Outage,
    RoomFacts,
    SiteFacts,
)

Reader = Callable[[str, Sequence[Any]], list[Any]]
"""Runs a SELECT and returns its rows: inside a command's transaction, or straight on the store."""


def in_tx(tx: Transaction) -> Reader:
    """A reader inside `tx` (what a decision reads is what it writes against)."""
    return partial(reading.rows, tx)


def on_store(store: EventStore) -> Reader:
    """A reader for queries outside any command."""
    return partial(reading.rows, store)


_CANDIDATE = f"SELECT {columns(CandidateFacts)} FROM sched_candidate"
_COMPANY = f"SELECT {columns(CompanyFacts)} FROM sched_company"
_SITE = f"SELECT {columns(SiteFacts)} FROM sched_site"
# A computer's outages are another table's rows (`_outages`).
_COMPUTER = "SELECT computer_id, site_id, visio_ready FROM sched_computer"


def candidate(read: Reader, candidate_id: str) -> CandidateFacts | None:
    """A candidate's facts, None when registration never announced them."""
    rows = read(f"{_CANDIDATE} WHERE candidate_id = ?", (candidate_id,))
    return _candidate(rows[0]) if rows else None


def company(read: Reader, company_id: str) -> CompanyFacts | None:
    """A company's facts, None when registration never announced it."""
    rows = read(f"{_COMPANY} WHERE company_id = ?", (company_id,))
    return _company(rows[0]) if rows else None


def site(read: Reader, site_id: str) -> SiteFacts | None:
    """A site's facts, None when the sites service never announced it."""
    rows = read(f"{_SITE} WHERE site_id = ?", (site_id,))
    return _site(rows[0]) if rows else None


def sites(read: Reader, site_ids: Sequence[str] | None = None) -> dict[str, SiteFacts]:
    """Sites by id (every known site when `site_ids` is None)."""
    rows = read(_SITE, ())
    found = {r[0]: _site(r) for r in rows}
    return found if site_ids is None else {k: v for k, v in found.items() if k in site_ids}


def computers(read: Reader, site_ids: Sequence[str]) -> list[ComputerFacts]:
    """The computers of these sites that were not removed, with their outages."""
    if not site_ids:
        return []
    marks = ", ".join("?" for _ in site_ids)
    found = read(
        f"{_COMPUTER} WHERE site_id IN ({marks}) AND status <> 'removed' ORDER BY computer_id", site_ids
    )
    outages = _outages(read, [r[0] for r in found])
    return [_computer(r, outages.get(r[0], ())) for r in found]


def computer(read: Reader, computer_id: str) -> tuple[ComputerFacts, str] | None:
    """A computer's facts and its status (in_service, out_of_order, removed)."""
    found = read(f"{_COMPUTER.replace('FROM', ', status FROM')} WHERE computer_id = ?", (computer_id,))
    if not found:
        return None
    r = found[0]
    return _computer(r[:3], _outages(read, [computer_id]).get(computer_id, ())), str(r[3])


def room(read: Reader, site_id: str, room_id: str) -> RoomFacts | None:
    """A workshop room of a site."""
    found = read(
        f"SELECT {columns(RoomFacts)} FROM sched_room WHERE site_id = ? AND room_id = ?", (site_id, room_id)
    )
    return struct_of(RoomFacts, found[0]) if found else None


def names(read: Reader) -> dict[str, str]:
    """Readable names of sites, computers and companies by id (a company is not a person: its name may be
    shown; candidates have none here)."""
    found: dict[str, str] = {}
    for table, key, column in (
        ("sched_site", "site_id", "name"),
        ("sched_computer", "computer_id", "label"),
        ("sched_company", "company_id", "name"),
    ):
        found.update({str(r[0]): str(r[1]) for r in read(f"SELECT {key}, {column} FROM {table}", ())})
    return found


def notes(read: Reader, site_ids: Sequence[str]) -> dict[str, str]:
    """The counsellors' notes on the candidates of these sites (those who have one), by candidate."""
    if not site_ids:
        return {}
    marks = ", ".join("?" for _ in site_ids)
    rows = read(
        "SELECT n.candidate_id, n.note FROM sched_candidate_note n "
        f"JOIN sched_candidate c ON c.candidate_id = n.candidate_id WHERE c.site_id IN ({marks})",
        tuple(site_ids),
    )
    return {str(r[0]): str(r[1]) for r in rows}


def facts_for(read: Reader, site_ids: Sequence[str]) -> Facts:
    """Everything a plan over these sites is built from: their candidates, every company, the sites and
    their computers."""
    marks = ", ".join("?" for _ in site_ids) or "NULL"
    return Facts(
        candidates=tuple(
            _candidate(r) for r in read(f"{_CANDIDATE} WHERE site_id IN ({marks})", tuple(site_ids))
        ),
        companies=tuple(_company(r) for r in read(_COMPANY, ())),
        sites=tuple(sites(read, site_ids).values()),
        computers=tuple(computers(read, site_ids)),
    )


def _outages(read: Reader, computer_ids: Sequence[str]) -> dict[str, tuple[Outage, ...]]:
    if not computer_ids:
        return {}
    marks = ", ".join("?" for _ in computer_ids)
    found: dict[str, list[Outage]] = {}
    for r in read(
        f"SELECT computer_id, since, until FROM sched_outage WHERE computer_id IN ({marks}) ORDER BY since",
        computer_ids,
    ):
        found.setdefault(r[0], []).append(Outage(since=datetime.fromisoformat(r[1]), until=maybe_ts(r[2])))
    return {k: tuple(v) for k, v in found.items()}


def _candidate(r: Any) -> CandidateFacts:
    return struct_of(CandidateFacts, r, json=("wishes", "availability"))


def _company(r: Any) -> CompanyFacts:
    return struct_of(CompanyFacts, r)


def _site(r: Any) -> SiteFacts:
    return struct_of(SiteFacts, r, json=("hours",))


def _computer(r: Any, outages: tuple[Outage, ...]) -> ComputerFacts:
    return msgspec.structs.replace(struct_of(ComputerFacts, r), outages=outages)
