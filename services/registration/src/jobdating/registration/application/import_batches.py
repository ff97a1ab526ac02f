"""What both imports share: the per-row report, import keys, and storing a batch of new streams at once."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal, TypeVar

import msgspec

from jobdating.contracts.envelope import Envelope, Event, RecordedEvent
from jobdating.contracts.sealed import Sealed
from jobdating.eventstore.base import NewEvent
from jobdating.registration.application.import_columns import Columns
from jobdating.registration.application.import_table import Row
from jobdating.registration.application.ports import DuplicateKey, PersonKey
from jobdating.registration.application.service import RegistrationService
from jobdating.runtime.auth import Principal
from jobdating.runtime.commands import Meta

T = TypeVar("T")

Status = Literal["created", "already_imported", "rejected"]
LINE = "ligne"
"""The field named when a refusal concerns the whole row rather than one cell."""
ROW_FIELDS = frozenset({"candidate_id", "company_id", "import_key"})
"""The command's fields no cell holds: a refusal of one of them concerns the whole row."""
encode_personal = msgspec.json.Encoder().encode
"""The personal data of a row as the bytes sealed into its registration event."""


class RowError(msgspec.Struct, frozen=True):
    """A refused cell: the column as written in the file, and why."""

    field: str
    reason: str


class RowReport(msgspec.Struct, frozen=True, kw_only=True):
    """What happened to one row (`row` as numbered in the spreadsheet, the header being row 1)."""

    row: int
    status: Status
    id: str | None = None
    errors: tuple[RowError, ...] = ()


class ImportReport(msgspec.Struct, frozen=True, kw_only=True):
    """The outcome of one import; with `dry_run` nothing was stored and `created` means "would be created"."""

    kind: Literal["candidates", "companies"]
    dry_run: bool
    created: int
    already_imported: int
    rejected: int
    rows: list[RowReport]
    ignored_columns: list[str] = []


def import_key(secret: bytes, kind: str, org: str, value: str) -> str:
    """The deterministic key of an imported row: keyed, so a phone number alone cannot find it."""
    return hmac.new(secret, f"{kind}\x1f{org}\x1f{value}".encode(), hashlib.sha256).hexdigest()[:32]


@dataclass
class Claims:
    """Import keys, phones and e-mails taken by rows of this file so far (row -> the new record's id)."""

    keys: dict[str, str] = field(default_factory=dict)
    phones: dict[str, str] = field(default_factory=dict)
    emails: dict[str, str] = field(default_factory=dict)
    sirets: dict[str, str] = field(default_factory=dict)

    def merge(self, other: Claims) -> None:
        """Add what a committed batch claimed."""
        self.keys.update(other.keys)
        self.phones.update(other.phones)
        self.emails.update(other.emails)
        self.sirets.update(other.sirets)


@dataclass
class Pending:
    """A row that passed every check and waits for its batch's transaction."""

    envelope: Envelope
    event: Event
    key: PersonKey
    just_sealed: Mapping[Sealed, bytes]  # the plaintext sealed into the event, for the projections


@dataclass(eq=False)
class BatchWriter:
    """What both imports share: the secret, the choices on offer, the batch transaction."""

    svc: RegistrationService
    principal: Principal
    columns: Columns
    meta: Meta
    dry_run: bool

    def __post_init__(self) -> None:
        self.secret = self.svc.keyring.secret(self.svc.store)
        self.claims = Claims()

    def column(self, field: str) -> str:
        """The column a refusal of the command's `field` names: its header as written in the file, or the
        whole row (`LINE`) for the fields no cell holds."""
        return LINE if field in ROW_FIELDS else self.columns.name(field)

    def envelope(self, event: Event, stream_id: str, at: datetime) -> Envelope:
        """The envelope of the first event of a new stream, stamped by the command bus as its own are."""
        return self.svc.bus.stamp(event, stream_id, 1, self.meta, at).envelope

    def seal(self, stream_id: str, personal: msgspec.Struct) -> tuple[PersonKey, Sealed, bytes]:
        """A new stream's person key, and its personal data sealed with it (and as plaintext)."""
        key = self.svc.keyring.new_key(stream_id)
        plaintext = encode_personal(personal)
        return key, self.svc.keyring.seal(key, plaintext), plaintext

    def retried(self, write: Callable[[], T]) -> T:
        """`write`, once more after a `DuplicateKey`: a concurrent import may take a phone, a SIRET or an
        import key between the batch's look-up and its commit; the second look-up sees it, and such rows
        report as duplicates."""
        try:
            return write()
        except DuplicateKey:
            return write()

    def pending(
        self, event: Event, stream_id: str, at: datetime, key: PersonKey, sealed: Sealed, plaintext: bytes
    ) -> Pending:
        """A row's new stream, waiting for its batch: the event, its key, and the plaintext sealed into it."""
        envelope = self.envelope(event, stream_id, at)
        return Pending(envelope=envelope, event=event, key=key, just_sealed={sealed: plaintext})

    def commit(self, pending: list[Pending]) -> None:
        """Append the batch's new streams, save their keys and update the projections, in one transaction."""
        if self.dry_run or not pending:
            return
        svc = self.svc
        with svc.store.transaction() as tx:
            svc.keyring.protect(tx)
            stored = tx.append([NewEvent(envelope=p.envelope) for p in pending])
            svc.keyring.save(tx, *(p.key for p in pending))
            recorded = [
                RecordedEvent(head=p.envelope, payload=p.event, position=s.position)
                for p, s in zip(pending, stored, strict=True)
            ]
            svc.project_batch(tx, recorded, [p.just_sealed for p in pending])
        if svc.bus.on_commit is not None:
            svc.bus.on_commit(stored)
        svc.log.info(
            "import_batch_recorded",
            events=len(stored),
            first_event_id=stored[0].event_id,
            correlation_id=self.meta.correlation_id,
        )

    def count(self, command: str, reports: Iterable[RowReport], refusals: Mapping[int, str]) -> None:
        """Report each row to the command counter, as if it had been one command."""
        for r in reports:
            outcome = {"created": "accepted", "already_imported": "already_imported"}.get(r.status)
            self.svc.counted(command, outcome or refusals.get(r.row, "invalid"))


def summarise(
    kind: Literal["candidates", "companies"], dry_run: bool, rows: list[RowReport], columns: Columns
) -> ImportReport:
    """The report of a whole import, counts first."""
    statuses = [r.status for r in rows]
    return ImportReport(
        kind=kind,
        dry_run=dry_run,
        created=statuses.count("created"),
        already_imported=statuses.count("already_imported"),
        rejected=statuses.count("rejected"),
        rows=rows,
        ignored_columns=columns.ignored,
    )


def chunks(rows: Iterator[Row], size: int) -> Iterator[list[Row]]:
    """Rows in lists of `size` (the last one shorter)."""
    chunk: list[Row] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
