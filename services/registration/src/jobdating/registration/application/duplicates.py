"""The same person at two partners: publish this instance's blind index, record the suspicions its entries
and the other organisations' raise, and let this organisation's coordinators resolve them.

`DuplicateFinder.sweep` brings everything up to date in one transaction, whatever happened since the last
sweep (registrations, updates, erasures here; entries applied from the stream): it is idempotent, so a
crash between a command and its sweep loses nothing, and the service runs it every few seconds.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Sequence
from typing import Any, Final, Protocol

import msgspec

from jobdating.contracts.duplicates import (
    DISMISSED_BY_ERASURE,
    BlindIndexPublished,
    BlindIndexRemoved,
    DuplicateSuspected,
    MatchKind,
)
from jobdating.eventstore.base import StoredEvent, Transaction
from jobdating.registration.application.rows import Db
from jobdating.registration.application.service import RegistrationService
from jobdating.registration.domain import duplicates as rules
from jobdating.registration.domain.duplicates import IndexEntries, ResolveDuplicate, evolve_duplicate
from jobdating.registration.domain.errors import NotAllowed, NotFound, Rejected
from jobdating.registration.domain.permissions import may_resolve_duplicates
from jobdating.runtime.auth import Principal
from jobdating.runtime.commands import Aggregate, Meta, UnitOfWork
from jobdating.runtime.ids import new_id

SYSTEM_ACTOR: Final = "system:duplicates"
"""The actor of the index and of the suspicions in their envelopes."""
SWEEP_SECONDS: Final = 5.0
BATCH: Final = 500
"""Candidates whose entries one transaction publishes at most."""
FORGETTING: Final = frozenset({"BlindIndexRemoved", "DuplicateDismissed"})
"""What a sweep appends when an erased person's entries were blanked (theirs, or a partner's)."""
DUPLICATES: Final = Aggregate(rules.DuplicateState, evolve_duplicate)
INDEX: Final = Aggregate(lambda: None, lambda state, event: state)
Entries = tuple[str | None, str | None]


class DuplicateTables(Protocol):
    """The tables of the index and of the suspicions (`adapters.blind_index_tables`)."""

    @property
    def ERASED_ENTRIES(self) -> tuple[str, ...]: ...  # noqa: N802 - the module constant it reads

    def stale_candidates(self, db: Db, key_id: str, limit: int) -> list[Any]: ...

    def record_own_index(
        self, tx: Transaction, candidate_id: str, entries: Entries | None, version: int, key_id: str
    ) -> None: ...

    def new_matches(self, db: Db) -> list[Any]: ...

    def vanished_pairs(self, db: Db) -> list[str]: ...

    def record_suspicion(
        self, tx: Transaction, duplicate_id: str, pair: tuple[str, str, str], matched: Sequence[str], at: str
    ) -> None: ...

    def forget_suspicion(self, tx: Transaction, duplicate_id: str) -> None: ...

    def record_outcome(
        self, tx: Transaction, duplicate_id: str, status: str, reason: str | None, at: str
    ) -> None: ...

    def suspicions_of(self, db: Db, referring_org: str) -> list[Any]: ...

    def referring_org_of(self, db: Db, duplicate_id: str) -> str | None: ...


class Suspicion(msgspec.Struct, frozen=True, kw_only=True):
    """A suspected duplicate as a coordinator sees it: ids, kinds and outcome, never the other's data."""

    duplicate_id: str
    candidate_id: str
    other_org: str
    other_candidate_id: str
    matched: tuple[MatchKind, ...]
    status: str
    reason: str | None
    suspected_at: str
    resolved_at: str | None


def index_stream(candidate_id: str) -> str:
    """The stream of a candidate's blind index (stream ids are unique across a log's stream types)."""
    return f"blind-index-{candidate_id}"


class DuplicateFinder:
    """Publishes the index, records suspicions and their outcomes for one instance."""

    def __init__(
        self, service: RegistrationService, key: bytes | None, tables: DuplicateTables, batch: int = BATCH
    ) -> None:
        self.service = service
        self.key = key
        self.tables = tables
        self.batch = batch

    def _meta(self, actor_id: str = SYSTEM_ACTOR) -> Meta:
        return Meta(org=self.service.org, actor_id=actor_id, correlation_id=new_id())

    def sweep(self) -> list[StoredEvent]:
        """Publish what changed in the index, then suspect the new matches and dismiss the pairs whose
        entries were removed; without a federation key, nothing (the instance does not federate)."""
        if self.key is None:
            return []
        key = self.key
        stored: list[StoredEvent] = []
        while True:
            # In batches: a first sweep (a new key, a federation joined) must not hold the writer for long.
            published, more = self.service.bus.run(lambda w: self._publish(w, key))
            stored += published
            if not more:
                break
        stored += self.service.bus.run(self._match)
        if any(e.event_type in FORGETTING for e in stored):
            # Entries of an erased person were blanked: leave their digests in no file of the store.
            self.service.store.scrub(self.tables.ERASED_ENTRIES)
        return stored

    def _publish(self, w: UnitOfWork, key: bytes) -> tuple[list[StoredEvent], bool]:
        """Publish the entries of up to `batch` candidates changed since; whether more are left."""
        meta, key_id = self._meta(), rules.key_id(key)
        stored: list[StoredEvent] = []
        stale = self.tables.stale_candidates(w.tx, key_id, self.batch)
        for (
            candidate_id,
            version,
            erased,
            phone,
            email,
            had_phone,
            had_email,
            removed,
        ) in stale:
            if erased:
                if removed == 0:
                    w.fold(INDEX, index_stream(candidate_id))
                    stored += w.append(
                        index_stream(candidate_id), [BlindIndexRemoved(candidate_id=candidate_id)], meta
                    )
                self.tables.record_own_index(w.tx, candidate_id, None, version, key_id)
                continue
            entries = rules.index_entries(key, phone, email)
            if removed is None or (entries.phone, entries.email) != (had_phone, had_email):
                w.fold(INDEX, index_stream(candidate_id))
                published = BlindIndexPublished(
                    candidate_id=candidate_id, phone=entries.phone, email=entries.email
                )
                stored += w.append(index_stream(candidate_id), [published], meta)
            self.tables.record_own_index(w.tx, candidate_id, (entries.phone, entries.email), version, key_id)
        return stored, len(stale) == self.batch

    def _match(self, w: UnitOfWork) -> list[StoredEvent]:
        """Suspect the new matches, dismiss the pairs whose entries were removed."""
        meta, at = self._meta(), self.service.clock.now().isoformat()
        stored: list[StoredEvent] = []
        for own_id, phone, email, other_org, other_id, other_phone, other_email in self.tables.new_matches(
            w.tx
        ):
            matched = IndexEntries(phone=phone, email=email).kinds(
                IndexEntries(phone=other_phone, email=other_email)
            )
            duplicate_id = rules.duplicate_id(own_id, other_org, other_id)
            found = DuplicateSuspected(
                duplicate_id=duplicate_id,
                candidate_id=own_id,
                other_candidate_id=other_id,
                other_org=other_org,
                matched=matched,
            )
            stored += w.append(duplicate_id, rules.suspect(w.fold(DUPLICATES, duplicate_id), found), meta)
            self.tables.record_suspicion(w.tx, duplicate_id, (own_id, other_org, other_id), matched, at)
        for duplicate_id in self.tables.vanished_pairs(w.tx):
            state = w.fold(DUPLICATES, duplicate_id)
            stored += w.append(duplicate_id, rules.dismiss(state, duplicate_id, DISMISSED_BY_ERASURE), meta)
            self.tables.forget_suspicion(w.tx, duplicate_id)
        return stored

    def suspicions(self, principal: Principal) -> list[Suspicion]:
        """The suspicions about the candidates the caller's organisation follows (its coordinators only)."""
        if not may_resolve_duplicates(principal, principal.org):
            raise Rejected([NotAllowed("duplicates", NOT_COORDINATOR)])
        return [
            Suspicion(
                duplicate_id=row[0],
                candidate_id=row[1],
                other_org=row[2],
                other_candidate_id=row[3],
                matched=tuple(row[4].split(",")) if row[4] else (),
                status=row[5],
                reason=row[6],
                suspected_at=row[7],
                resolved_at=row[8],
            )
            for row in self.tables.suspicions_of(self.service.store, principal.org)
        ]

    def resolve(self, principal: Principal, cmd: ResolveDuplicate) -> list[StoredEvent]:
        """A coordinator of the organisation following the candidate says same person or different people."""

        duplicate_id = cmd.duplicate_id

        def work(w: UnitOfWork) -> list[StoredEvent]:
            referring_org = self.tables.referring_org_of(w.tx, duplicate_id)
            if referring_org is None:
                raise Rejected([NotFound("duplicate_id", rules.UNKNOWN)])
            if not may_resolve_duplicates(principal, referring_org):
                raise Rejected([NotAllowed("duplicate_id", NOT_COORDINATOR)])
            state = w.fold(DUPLICATES, duplicate_id)
            resolved = rules.resolve(cmd, state)
            stored = w.append(duplicate_id, [resolved], self._meta(principal.actor_id))
            at = self.service.clock.now().isoformat()
            self.tables.record_outcome(w.tx, duplicate_id, resolved.verdict, resolved.reason, at)
            return stored

        return self.service.bus.run(work)

    async def run(self, stop: asyncio.Event, every: float = SWEEP_SECONDS) -> None:
        """Sweep every `every` seconds until `stop` is set; a failed sweep is retried at the next."""
        while not stop.is_set():
            try:
                await asyncio.to_thread(self.sweep)
            except Exception:
                self.service.log.exception("duplicate_sweep_failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=every)


NOT_COORDINATOR: Final = (
    "seule la coordination de la structure qui suit le candidat voit et tranche ses doublons"
)
