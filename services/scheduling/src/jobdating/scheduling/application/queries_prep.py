"""Reads of the preparation pathway: people's accounts, and what a person already does at a given time
(another workshop, an individual interview, a job dating interview), named so that a refusal can say it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import msgspec

from jobdating.eventstore.reading import columns, struct_of
from jobdating.scheduling.application.instants import from_ts, ts
from jobdating.scheduling.application.queries_facts import Reader
from jobdating.scheduling.domain.coaches import AccountFacts

_strings = msgspec.json.Decoder(list[str])
Busy = tuple[datetime, datetime, str]
"""A commitment: when it starts and ends, and what it is, in French."""

_LIVE_WORKSHOPS = (
    "SELECT w.workshop_id, w.starts_at, w.ends_at, w.coach_ids FROM sched_workshop w "
    "WHERE w.starts_at < ? AND w.ends_at > ? "
    "AND w.workshop_id NOT IN (SELECT workshop_id FROM sched_workshop_cancelled)"
)


def accounts(read: Reader, account_ids: Iterable[str]) -> dict[str, AccountFacts]:
    """The accounts identity announced, among `account_ids`."""
    found: dict[str, AccountFacts] = {}
    for account_id in dict.fromkeys(account_ids):
        rows = read("SELECT org, roles, disabled FROM sched_account WHERE account_id = ?", (account_id,))
        if rows:
            org, roles, disabled = rows[0]
            found[account_id] = AccountFacts(
                account_id=account_id, org=org, roles=tuple(_strings.decode(roles)), disabled=bool(disabled)
            )
    return found


def staff_busy(read: Reader, person_id: str, starts: datetime, ends: datetime) -> list[Busy]:
    """What a coach or counsellor does during [starts, ends): workshops they run, individual interviews."""
    window = (ts(ends), ts(starts))
    busy: list[Busy] = [
        (from_ts(r[1]), from_ts(r[2]), f"{person_id} anime l'atelier {r[0]}")
        for r in read(_LIVE_WORKSHOPS, window)
        if person_id in _strings.decode(r[3])
    ]
    busy += _counselling(read, "counsellor_id", person_id, window, f"{person_id} a l'entretien individuel")
    return busy


def candidate_busy(read: Reader, candidate_id: str, starts: datetime, ends: datetime) -> list[Busy]:
    """What a candidate does during [starts, ends): workshops, individual interviews, interviews."""
    window = (ts(ends), ts(starts))
    seated = read(
        _LIVE_WORKSHOPS + " AND w.workshop_id IN "
        "(SELECT workshop_id FROM sched_workshop_seat WHERE candidate_id = ?)",
        (*window, candidate_id),
    )
    busy: list[Busy] = [
        (from_ts(r[1]), from_ts(r[2]), f"le candidat est inscrit à l'atelier {r[0]}") for r in seated
    ]
    busy += _counselling(read, "candidate_id", candidate_id, window, "le candidat a l'entretien individuel")
    busy += [
        (from_ts(r[1]), from_ts(r[2]), f"le candidat a l'entretien {r[0]}")
        for r in read(
            "SELECT slot_id, starts_at, ends_at FROM sched_slot WHERE candidate_id = ? "
            "AND status = 'assigned' AND starts_at < ? AND ends_at > ?",
            (candidate_id, *window),
        )
    ]
    return busy


def _counselling(
    read: Reader, column: str, person_id: str, window: tuple[str, str], words: str
) -> list[Busy]:
    rows: list[Any] = read(
        f"SELECT interview_id, starts_at, ends_at FROM sched_counselling WHERE {column} = ? "
        "AND cancelled = 0 AND starts_at < ? AND ends_at > ?",
        (person_id, *window),
    )
    return [(from_ts(r[1]), from_ts(r[2]), f"{words} {r[0]}") for r in rows]


@dataclass(frozen=True, kw_only=True)
class CounsellingView:
    """An individual interview as the API shows it."""

    interview_id: str
    job_dating_id: str
    candidate_id: str
    counsellor_id: str
    site_id: str
    starts_at: datetime
    ends_at: datetime
    cancelled: bool


_COUNSELLING = f"SELECT {columns(CounsellingView)} FROM sched_counselling"


def counselling(read: Reader, interview_id: str) -> CounsellingView | None:
    """One individual interview."""
    rows = read(_COUNSELLING + " WHERE interview_id = ?", (interview_id,))
    return struct_of(CounsellingView, rows[0]) if rows else None


def counsellings(read: Reader, counsellor_id: str) -> list[CounsellingView]:
    """The individual interviews a counsellor runs (called off ones too), by start."""
    rows = read(_COUNSELLING + " WHERE counsellor_id = ? ORDER BY starts_at, interview_id", (counsellor_id,))
    return [struct_of(CounsellingView, r) for r in rows]


def workshop_cancelled(read: Reader, workshop_id: str) -> bool:
    """Whether a session was called off."""
    return bool(read("SELECT 1 FROM sched_workshop_cancelled WHERE workshop_id = ?", (workshop_id,)))
