"""The steps every registration command shares: run inside the write, seal, append, project, and count
and log the outcome (a key taken at commit time being a refusal like the others)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

import msgspec
from msgspec import UNSET

from jobdating.contracts.envelope import Event, decode_envelope
from jobdating.contracts.sealed import Sealed
from jobdating.eventstore.base import StoredEvent, Transaction
from jobdating.registration.application.ports import NOTHING_JUST_SEALED, DuplicateKey, PersonKey
from jobdating.registration.application.service import RegistrationService
from jobdating.registration.domain import decide as rules
from jobdating.registration.domain.commands import UpdateCandidate, UpdateCompany
from jobdating.registration.domain.errors import Rejected
from jobdating.registration.domain.personal import CandidatePersonal, CompanyContact
from jobdating.runtime.commands import Aggregate, Extra, Meta, UnitOfWork

S = TypeVar("S")
P = TypeVar("P", CandidatePersonal, CompanyContact)
U = TypeVar("U", UpdateCandidate, UpdateCompany)

SignUpRule = Callable[[S, Sealed], Sequence[Event]]
"""Decides a sign-up from the stream's state and the person's fields just sealed."""

_encode = msgspec.json.Encoder().encode


@dataclass(frozen=True)
class Sealing(Generic[S, P, U]):
    """How an update reaches a record's sealed fields: those still held (none once erased or withdrawn), the
    command's fields among them, how to read the old plaintext and merge the update into it."""

    current: Callable[[S], Sealed | None]
    fields: tuple[str, ...]
    decoder: msgspec.json.Decoder[P]
    merge: Callable[[P, U], P]


class CommandSteps:
    """What `RegistrationHandlers` does around each decision: the unit of work and its outcome, the person's
    key and sealed fields, the append and the projections in the same transaction."""

    def __init__(self, service: RegistrationService) -> None:
        self.service = service
        self.bus = service.bus
        self.keyring = service.keyring

    def append(
        self,
        w: UnitOfWork,
        stream_id: str,
        events: Sequence[Event],
        meta: Meta,
        before: Callable[[Transaction], None] | None = None,
        just_sealed: Mapping[Sealed, bytes] = NOTHING_JUST_SEALED,
    ) -> list[StoredEvent]:
        """Append, then (only when something was appended) the key work and the projections, in the same
        transaction."""
        stored = w.append(stream_id, events, meta)
        if stored:
            self._projecting(before, just_sealed)(w.tx, stored)
        return stored

    def _projecting(
        self,
        before: Callable[[Transaction], None] | None = None,
        just_sealed: Mapping[Sealed, bytes] = NOTHING_JUST_SEALED,
    ) -> Extra:
        def extra(tx: Transaction, stored: list[StoredEvent]) -> None:
            self.keyring.protect(tx)
            if before is not None:
                before(tx)
            self._project(tx, stored, just_sealed)

        return extra

    def _project(
        self, tx: Transaction, stored: Sequence[StoredEvent], just_sealed: Mapping[Sealed, bytes]
    ) -> None:
        """Apply freshly appended events to the projections, in their transaction (`just_sealed`: plaintexts
        the command sealed into them, which the projections then need not re-open)."""
        for event in stored:
            recorded = self.bus.registry.decode(decode_envelope(event.body), event.position)
            self.service.project(tx, recorded, just_sealed)

    def execute(
        self,
        name: str,
        aggregate: Aggregate[S],
        stream_id: str,
        decide: Callable[[S], Sequence[Event]],
        meta: Meta,
        before: Callable[[Transaction], None] | None = None,
    ) -> list[StoredEvent]:
        """A command on one stream that reads nothing else: `CommandBus.execute`, then the key work (`before`)
        and the projections."""
        return self._outcome(
            name,
            stream_id,
            meta,
            lambda: self.bus.execute(aggregate, stream_id, decide, meta, extra=self._projecting(before)),
        )

    def run(
        self, name: str, stream_id: str, work: Callable[[UnitOfWork], list[StoredEvent]], meta: Meta
    ) -> list[StoredEvent]:
        """Validation, facts, sealing and decision all run inside the write (`CommandBus.run`): the facts are
        read in the transaction that appends, and on SQLite in the group-commit leader."""
        return self._outcome(name, stream_id, meta, lambda: self.bus.run(work))

    def _outcome(
        self, name: str, stream_id: str, meta: Meta, write: Callable[[], list[StoredEvent]]
    ) -> list[StoredEvent]:
        """Count and log a command's outcome; a key taken at commit time is a refusal like the others."""
        try:
            stored = write()
        except Rejected as exc:
            self._refused(name, stream_id, exc)
            raise
        except DuplicateKey as exc:
            # Another command took the phone, e-mail or SIRET between our look-up and our commit.
            refusal = Rejected([rules.duplicate(exc.field)])
            self._refused(name, stream_id, refusal)
            raise refusal from exc
        self.service.counted(name, "accepted" if stored else "unchanged")
        for event in stored:
            self.service.log.info(
                "event_recorded",
                command=name,
                event_id=event.event_id,
                event_type=event.event_type,
                stream_id=event.stream_id,
                correlation_id=meta.correlation_id,
            )
        return stored

    def _refused(self, name: str, stream_id: str | None, exc: Rejected) -> None:
        self.service.counted(name, exc.kind)
        # Field names only: the values may be personal.
        self.service.log.info(
            "command_refused",
            command=name,
            stream_id=stream_id,
            kind=exc.kind,
            fields=[e.field for e in exc.errors],
        )

    def register(
        self,
        w: UnitOfWork,
        aggregate: Aggregate[S],
        stream_id: str,
        personal: CandidatePersonal | CompanyContact,
        decide: SignUpRule[S],
        meta: Meta,
    ) -> list[StoredEvent]:
        """A sign-up: the person's fields sealed under a new key, then fold -> decide -> append, the key saved
        in the same transaction."""
        key = self.keyring.new_key(stream_id)
        plaintext = _encode(personal)
        sealed = self.keyring.seal(key, plaintext)
        events = decide(w.fold(aggregate, stream_id), sealed)
        return self.append(
            w, stream_id, events, meta, lambda tx: self.keyring.save(tx, key), {sealed: plaintext}
        )

    def sign_up(
        self,
        name: str,
        aggregate: Aggregate[S],
        stream_id: str,
        meta: Meta,
        decision: Callable[[UnitOfWork], tuple[CandidatePersonal | CompanyContact, SignUpRule[S]]],
    ) -> None:
        """A whole sign-up command: `decision` validates and reads the facts inside the write, and gives the
        person's fields to seal and the rule that decides with them (see `register`)."""

        def work(w: UnitOfWork) -> list[StoredEvent]:
            personal, decide = decision(w)
            return self.register(w, aggregate, stream_id, personal, decide, meta)

        self.run(name, stream_id, work, meta)

    def update(
        self,
        w: UnitOfWork,
        stream_id: str,
        state: S,
        update: U,
        sealing: Sealing[S, P, U],
        decide: Callable[[Sealed | None], Sequence[Event]],
        meta: Meta,
    ) -> list[StoredEvent]:
        """An update: the personal fields it changes sealed again (`resealed`), then the decision, appended
        with the new plaintexts for the projections."""
        just_sealed: dict[Sealed, bytes] = {}
        sealed = self.resealed(
            w.tx,
            stream_id,
            sealing.current(state),
            update,
            sealing.fields,
            sealing.decoder,
            sealing.merge,
            just_sealed,
        )
        return self.append(w, stream_id, decide(sealed), meta, just_sealed=just_sealed)

    def resealed(
        self,
        tx: Transaction,
        stream_id: str,
        current: Sealed | None,
        update: U,
        fields: tuple[str, ...],
        decoder: msgspec.json.Decoder[P],
        merge: Callable[[P, U], P],
        just_sealed: dict[Sealed, bytes],
    ) -> Sealed | None:
        """The personal fields an update leaves, sealed again (their plaintext kept in `just_sealed` for the
        projections), or None when the update sets none of `fields`, the record holds none (erased,
        withdrawn or unknown), or the update leaves them as they were."""
        if current is None or all(getattr(update, f) is UNSET for f in fields):
            return None
        key = _require(self.keyring.key_of(tx, stream_id))
        before = decoder.decode(self.keyring.unseal(key, current))
        after = merge(before, update)
        if after == before:
            return None
        plaintext = _encode(after)
        sealed = self.keyring.seal(key, plaintext)
        just_sealed[sealed] = plaintext
        return sealed


def _require(key: PersonKey | None) -> PersonKey:
    if key is None:
        # The stream holds sealed fields but the keyring has no key: the two were not written together.
        raise RuntimeError("personal key missing for a live record")
    return key
