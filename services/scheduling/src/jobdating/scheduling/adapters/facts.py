"""The facts scheduling keeps from registration and sites events, and how decisions read them back.

Each stream's events are applied in order: an event older than what a row holds is a redelivery and is
skipped, an event that comes before the one it follows makes the consumer wait (`NotYet`).
"""

from __future__ import annotations

from typing import Any

import msgspec

from jobdating.bus.consumer import NotYet
from jobdating.contracts import registration, sites
from jobdating.contracts.envelope import RecordedEvent
from jobdating.contracts.registration import Availability, CandidateProfile, CompanyProfile, Wish
from jobdating.contracts.sites import OpeningHours
from jobdating.eventstore.base import Transaction
from jobdating.scheduling.application.instants import ts

_json = msgspec.json.Encoder()
_wishes = msgspec.json.Decoder(tuple[Wish, ...])
_availability = msgspec.json.Decoder(tuple[Availability, ...])
_hours = msgspec.json.Decoder(tuple[OpeningHours, ...])


# ---- applying the other services' events ---------------------------------------------------------


# Each stream the facts follow: its table and key, and the events that open it (the others continue it).
_CANDIDATE = ("sched_candidate", "candidate_id")
_COMPANY = ("sched_company", "company_id")
_SITE = ("sched_site", "site_id")
_COMPUTER = ("sched_computer", "computer_id")
_OPENING = (
    registration.CandidateRegistered,
    registration.CompanyRegistered,
    sites.SiteOpened,
    sites.ComputerAdded,
)


def apply_fact(tx: Transaction, event: RecordedEvent) -> bool:
    """Apply a registration or sites event to the facts; returns whether it changed anything."""
    stream = _stream_of(event.data)
    if stream is None:
        return False
    (table, key), stream_id = stream
    if isinstance(event.data, _OPENING):
        if not _first(tx, table, key, stream_id):
            return False
    elif not _next(tx, table, key, stream_id, event.envelope.stream_version):
        return False
    _apply(tx, event)
    return True


def _stream_of(data: object) -> tuple[tuple[str, str], str] | None:
    """The facts' table and key of the stream an event belongs to, and its id there (None: not a fact)."""
    match data:
        case (
            registration.CandidateRegistered()
            | registration.CandidateUpdated()
            | registration.CandidateWithdrew()
            | registration.CandidateErased()
            # No fact of scheduling's, but they take a version of the candidate's stream: followed so
            # that the events after them are in order (a walk-in is checked in by the policy).
            | registration.CandidateWalkedIn()
            | registration.CandidateContactOpened()
            | registration.CandidateConfirmedAttendance()
            | registration.CandidateNoteWritten()
        ):
            return _CANDIDATE, data.candidate_id
        case (
            registration.CompanyRegistered() | registration.CompanyUpdated() | registration.CompanyWithdrew()
        ):
            return _COMPANY, data.company_id
        case (
            sites.SiteOpened()
            | sites.SiteDetailsChanged()
            | sites.SiteClosed()
            | sites.SiteReopened()
            | sites.RoomAdded()
        ):
            return _SITE, data.site_id
        case (
            sites.ComputerAdded()
            | sites.ComputerOutOfOrder()
            | sites.ComputerRemoved()
            | sites.ComputerBackInService()
        ):
            return _COMPUTER, data.computer_id
    return None


def _apply(tx: Transaction, event: RecordedEvent) -> None:
    """Write what an event, new and in order on its stream, changes in the facts."""
    env = event.envelope
    at = env.occurred_at
    match event.data:
        case registration.CandidateRegistered() as e:
            _insert_candidate(tx, e.candidate_id, env.org, e.profile)
        case registration.CandidateUpdated() as e:
            if e.profile is not None:
                _update_candidate(tx, e.candidate_id, e.profile)
        case registration.CandidateWithdrew() | registration.CandidateErased() as e:
            _stamp_once(tx, _CANDIDATE, "withdrawn_at", e.candidate_id, ts(at))
            if isinstance(e, registration.CandidateErased):
                tx.execute("DELETE FROM sched_candidate_note WHERE candidate_id = ?", (e.candidate_id,))
                # Staff's notes on the person's interviews go too: the log keeps them until it ages out,
                # but no page or API shows words about someone erased.
                tx.execute("DELETE FROM sched_slot_note WHERE candidate_id = ?", (e.candidate_id,))
        case registration.CandidateNoteWritten() as e:
            tx.execute("DELETE FROM sched_candidate_note WHERE candidate_id = ?", (e.candidate_id,))
            if e.note:
                tx.execute(
                    "INSERT INTO sched_candidate_note (candidate_id, note) VALUES (?, ?)",
                    (e.candidate_id, e.note),
                )
        case registration.CompanyRegistered() as e:
            tx.execute(
                "INSERT INTO sched_company (company_id, org, name, sector, recruiters, window_start, "
                "window_end, "
                "day, withdrawn_at, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, 1)",
                (e.company_id, env.org, *_company_columns(e.profile)),
            )
        case registration.CompanyUpdated() as e:
            if e.profile is not None:
                tx.execute(
                    "UPDATE sched_company SET name = ?, sector = ?, recruiters = ?, window_start = ?, "
                    "window_end = ?, day = ? WHERE company_id = ?",
                    (*_company_columns(e.profile), e.company_id),
                )
        case registration.CompanyWithdrew() as e:
            _stamp_once(tx, _COMPANY, "withdrawn_at", e.company_id, ts(at))
        case sites.SiteOpened() as e:
            tx.execute(
                "INSERT INTO sched_site (site_id, org, host_org, name, hours, closed_at, version) "
                "VALUES (?, ?, ?, ?, ?, NULL, 1)",
                (e.site_id, env.org, e.host_org, e.name, _json.encode(e.hours).decode()),
            )
        case sites.SiteDetailsChanged() as e:
            if e.hours is not None:
                tx.execute(
                    "UPDATE sched_site SET hours = ? WHERE site_id = ?",
                    (_json.encode(e.hours).decode(), e.site_id),
                )
        case sites.SiteClosed() as e:
            _stamp_once(tx, _SITE, "closed_at", e.site_id, ts(at))
        case sites.SiteReopened() as e:
            # Open again as it was: what the closing cancelled is past or repaired, what comes is plannable.
            tx.execute("UPDATE sched_site SET closed_at = NULL WHERE site_id = ?", (e.site_id,))
        case sites.RoomAdded() as e:
            tx.execute(
                "INSERT INTO sched_room (site_id, room_id, name, capacity) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (site_id, room_id) DO NOTHING",
                (e.site_id, e.room_id, e.name, e.capacity),
            )
        case sites.ComputerAdded() as e:
            tx.execute(
                "INSERT INTO sched_computer (computer_id, site_id, label, lending_org, visio_ready, status, "
                "version) VALUES (?, ?, ?, ?, ?, 'in_service', 1)",
                (e.computer_id, e.site_id, e.label, e.lending_org, int(e.visio_ready)),
            )
        case sites.ComputerOutOfOrder() | sites.ComputerRemoved() as e:
            status = "removed" if isinstance(e, sites.ComputerRemoved) else "out_of_order"
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
        case sites.ComputerBackInService() as e:
            tx.execute(
                "UPDATE sched_computer SET status = 'in_service' WHERE computer_id = ?", (e.computer_id,)
            )
            tx.execute(
                "UPDATE sched_outage SET until = ? WHERE computer_id = ? AND until IS NULL",
                (ts(at), e.computer_id),
            )


def _stamp_once(tx: Transaction, stream: tuple[str, str], column: str, stream_id: str, at: str) -> None:
    """Record when a stream ended (withdrawn, closed); the first instant stays."""
    table, key = stream
    tx.execute(f"UPDATE {table} SET {column} = COALESCE({column}, ?) WHERE {key} = ?", (at, stream_id))


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
