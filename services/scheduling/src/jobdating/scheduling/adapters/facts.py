"""The facts scheduling keeps from registration and sites events, and how decisions read them back.

Each stream's events are applied in order: an event older than what a row holds is a redelivery and is
skipped, an event that comes before the one it follows makes the consumer wait (`NotYet`).
"""

from __future__ import annotations

from typing import Any

import msgspec

from jobdating.bus.consumer import NotYet
from jobdating.contracts.envelope import RecordedEvent
from jobdating.contracts.registration import (
    Availability,
    CandidateErased,
    CandidateProfile,
    CandidateRegistered,
    CandidateUpdated,
    CandidateWithdrew,
    CompanyProfile,
    CompanyRegistered,
    CompanyUpdated,
    CompanyWithdrew,
    Wish,
)
from jobdating.contracts.sites import (
    ComputerAdded,
    ComputerBackInService,
    ComputerOutOfOrder,
    ComputerRemoved,
    OpeningHours,
    RoomAdded,
    SiteClosed,
    SiteDetailsChanged,
    SiteOpened,
    SiteReopened,
)
from jobdating.eventstore.base import Transaction
from jobdating.scheduling.application.instants import ts

_json = msgspec.json.Encoder()
_wishes = msgspec.json.Decoder(tuple[Wish, ...])
_availability = msgspec.json.Decoder(tuple[Availability, ...])
_hours = msgspec.json.Decoder(tuple[OpeningHours, ...])


# ---- applying the other services' events ---------------------------------------------------------


def apply_fact(tx: Transaction, event: RecordedEvent) -> bool:
    """Apply a registration or sites event to the facts; returns whether it changed anything."""
    env = event.envelope
    at = env.occurred_at
    match event.data:
        case CandidateRegistered() as e:
            if not _first(tx, "sched_candidate", "candidate_id", e.candidate_id):
                return False
            _insert_candidate(tx, e.candidate_id, env.org, e.profile)
            return True
        case CandidateUpdated() as e:
            if not _next(tx, "sched_candidate", "candidate_id", e.candidate_id, env.stream_version):
                return False
            if e.profile is not None:
                _update_candidate(tx, e.candidate_id, e.profile)
            return True
        case CandidateWithdrew() | CandidateErased() as e:
            if not _next(tx, "sched_candidate", "candidate_id", e.candidate_id, env.stream_version):
                return False
            tx.execute(
                "UPDATE sched_candidate SET withdrawn_at = COALESCE(withdrawn_at, ?) WHERE candidate_id = ?",
                (ts(at), e.candidate_id),
            )
            return True
        case CompanyRegistered() as e:
            if not _first(tx, "sched_company", "company_id", e.company_id):
                return False
            tx.execute(
                "INSERT INTO sched_company (company_id, org, name, sector, recruiters, window_start, "
                "window_end, "
                "day, withdrawn_at, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, 1)",
                (e.company_id, env.org, *_company_columns(e.profile)),
            )
            return True
        case CompanyUpdated() as e:
            if not _next(tx, "sched_company", "company_id", e.company_id, env.stream_version):
                return False
            if e.profile is not None:
                tx.execute(
                    "UPDATE sched_company SET name = ?, sector = ?, recruiters = ?, window_start = ?, "
                    "window_end = ?, day = ? WHERE company_id = ?",
                    (*_company_columns(e.profile), e.company_id),
                )
            return True
        case CompanyWithdrew() as e:
            if not _next(tx, "sched_company", "company_id", e.company_id, env.stream_version):
                return False
            tx.execute(
                "UPDATE sched_company SET withdrawn_at = COALESCE(withdrawn_at, ?) WHERE company_id = ?",
                (ts(at), e.company_id),
            )
            return True
        case SiteOpened() as e:
            if not _first(tx, "sched_site", "site_id", e.site_id):
                return False
            tx.execute(
                "INSERT INTO sched_site (site_id, org, host_org, name, hours, closed_at, version) "
                "VALUES (?, ?, ?, ?, ?, NULL, 1)",
                (e.site_id, env.org, e.host_org, e.name, _json.encode(e.hours).decode()),
            )
            return True
        case SiteDetailsChanged() as e:
            if not _next(tx, "sched_site", "site_id", e.site_id, env.stream_version):
                return False
            if e.hours is not None:
                tx.execute(
                    "UPDATE sched_site SET hours = ? WHERE site_id = ?",
                    (_json.encode(e.hours).decode(), e.site_id),
                )
            return True
        case SiteClosed() as e:
            if not _next(tx, "sched_site", "site_id", e.site_id, env.stream_version):
                return False
            tx.execute(
                "UPDATE sched_site SET closed_at = COALESCE(closed_at, ?) WHERE site_id = ?",
                (ts(at), e.site_id),
            )
            return True
        case SiteReopened() as e:
            if not _next(tx, "sched_site", "site_id", e.site_id, env.stream_version):
                return False
            # Open again as it was: what the closing cancelled is past or repaired, what comes is plannable.
            tx.execute("UPDATE sched_site SET closed_at = NULL WHERE site_id = ?", (e.site_id,))
            return True
        case RoomAdded() as e:
            if not _next(tx, "sched_site", "site_id", e.site_id, env.stream_version):
                return False
            tx.execute(
                "INSERT INTO sched_room (site_id, room_id, name, capacity) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (site_id, room_id) DO NOTHING",
                (e.site_id, e.room_id, e.name, e.capacity),
            )
            return True
        case ComputerAdded() as e:
            if not _first(tx, "sched_computer", "computer_id", e.computer_id):
                return False
            tx.execute(
                "INSERT INTO sched_computer (computer_id, site_id, label, lending_org, visio_ready, status, "
                "version) VALUES (?, ?, ?, ?, ?, 'in_service', 1)",
                (e.computer_id, e.site_id, e.label, e.lending_org, int(e.visio_ready)),
            )
            return True
        case ComputerOutOfOrder() | ComputerRemoved() as e:
            if not _next(tx, "sched_computer", "computer_id", e.computer_id, env.stream_version):
                return False
            status = "removed" if isinstance(e, ComputerRemoved) else "out_of_order"
            tx.execute("UPDATE sched_computer SET status = ? WHERE computer_id = ?", (status, e.computer_id))
            open_outage = tx.execute(
                "SELECT 1 FROM sched_outage WHERE computer_id = ? AND until IS NULL", (e.computer_id,)
            ).fetchone()
            if open_outage is None:
                # Out of order again at the very instant an earlier outage began (a coarse clock): that
                # outage is open again rather than a second one on the same key.
                tx.execute(
                    "INSERT INTO sched_outage (computer_id, since, until) VALUES (?, ?, NULL) "
                    "ON CONFLICT (computer_id, since) DO UPDATE SET until = NULL",
                    (e.computer_id, ts(at)),
                )
            return True
        case ComputerBackInService() as e:
            if not _next(tx, "sched_computer", "computer_id", e.computer_id, env.stream_version):
                return False
            tx.execute(
                "UPDATE sched_computer SET status = 'in_service' WHERE computer_id = ?", (e.computer_id,)
            )
            tx.execute(
                "UPDATE sched_outage SET until = ? WHERE computer_id = ? AND until IS NULL",
                (ts(at), e.computer_id),
            )
            return True
    return False


def _first(tx: Transaction, table: str, key: str, stream_id: str) -> bool:
    """Whether the first event of a stream is new here (a second delivery finds the row)."""
    row = tx.execute(f"SELECT version FROM {table} WHERE {key} = ?", (stream_id,)).fetchone()
    return row is None


def _next(tx: Transaction, table: str, key: str, stream_id: str, version: int) -> bool:
    """Whether a later event of a stream is the next one: older ones are skipped, early ones wait."""
    row = tx.execute(f"SELECT version FROM {table} WHERE {key} = ?", (stream_id,)).fetchone()
    if row is None or version > int(row[0]) + 1:
        raise NotYet(f"{table} {stream_id} v{version}")
    if version <= int(row[0]):
        return False
    tx.execute(f"UPDATE {table} SET version = ? WHERE {key} = ?", (version, stream_id))
    return True


def _insert_candidate(tx: Transaction, candidate_id: str, org: str, profile: CandidateProfile) -> None:
    tx.execute(
        "INSERT INTO sched_candidate (candidate_id, org, referring_org, site_id, wishes, availability, "
        "withdrawn_at, version) VALUES (?, ?, ?, ?, ?, ?, NULL, 1)",
        (
            candidate_id,
            org,
            profile.referring_org,
            profile.site_id,
            _json.encode(profile.wishes).decode(),
            _json.encode(profile.availability).decode(),
        ),
    )


def _update_candidate(tx: Transaction, candidate_id: str, profile: CandidateProfile) -> None:
    tx.execute(
        "UPDATE sched_candidate SET referring_org = ?, site_id = ?, wishes = ?, availability = ? "
        "WHERE candidate_id = ?",
        (
            profile.referring_org,
            profile.site_id,
            _json.encode(profile.wishes).decode(),
            _json.encode(profile.availability).decode(),
            candidate_id,
        ),
    )


def _company_columns(profile: CompanyProfile) -> tuple[Any, ...]:
    return (
        profile.name,
        profile.sector,
        profile.parallel_recruiters,
        profile.window_start.isoformat(),
        profile.window_end.isoformat(),
        profile.day.isoformat() if profile.day is not None else None,
    )
