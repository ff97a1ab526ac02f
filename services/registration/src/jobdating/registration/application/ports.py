"""What the application needs from the outside: keys, read models and file readers, as protocols.

Adapters implement them (`adapters.keyring`, `adapters.projections`, `adapters.fed_tables`,
`adapters.files`); `bootstrap` wires the implementations in.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import IO, Final, Protocol

import msgspec

from jobdating.contracts.envelope import RecordedEvent
from jobdating.contracts.sealed import Sealed
from jobdating.contracts.sites import SiteOpened
from jobdating.eventstore.base import Transaction
from jobdating.registration.application.import_table import Table
from jobdating.registration.application.rows import Db

NOTHING_JUST_SEALED: Final[Mapping[Sealed, bytes]] = {}


class PersonKey(msgspec.Struct, frozen=True, kw_only=True):
    """The key sealing one person's fields; `subject_id` is their candidate or company id."""

    subject_id: str
    key_id: str
    key: bytes


class DuplicateKey(Exception):
    """A phone, e-mail, SIRET or import key is already held: a concurrent command won the race."""

    def __init__(self, field: str) -> None:
        super().__init__(f"{field} already held by another record")
        self.field = field


class Keys(Protocol):
    """Per-person keys: sealing, opening and forgetting personal data (crypto-shredding)."""

    def protect(self, tx: Transaction) -> None: ...

    def new_key(self, subject_id: str) -> PersonKey: ...

    def save(self, tx: Transaction, *keys: PersonKey) -> None: ...

    def key_of(self, db: Db, subject_id: str) -> PersonKey | None: ...

    def seal(self, key: PersonKey, plaintext: bytes) -> Sealed: ...

    def unseal(self, key: PersonKey, sealed: Sealed) -> bytes: ...

    def open(self, db: Db, sealed: Sealed) -> bytes | None: ...

    def forget(self, tx: Transaction, subject_id: str) -> bool: ...

    def secret(self, db: Db) -> bytes: ...


class Project(Protocol):
    """Brings the read models up to date with one of this service's events, in the caller's transaction
    (`just_sealed`: plaintexts the caller sealed into it, which need not be opened again)."""

    def __call__(
        self, tx: Transaction, event: RecordedEvent, just_sealed: Mapping[Sealed, bytes] = ..., /
    ) -> None: ...


class ProjectBatch(Protocol):
    """`Project` for many new events at once (an import batch), with each event's `just_sealed`."""

    def __call__(
        self,
        tx: Transaction,
        events: Sequence[RecordedEvent],
        just_sealed: Sequence[Mapping[Sealed, bytes]],
        /,
    ) -> None: ...


class FedTables(Protocol):
    """The tables other services' events feed: sites candidates may choose, other instances' companies and
    blind index entries."""

    def record_site_opened(self, tx: Transaction, site: SiteOpened, version: int) -> None: ...

    def record_site_open(self, tx: Transaction, site_id: str, open: bool, version: int) -> bool: ...

    def record_partner_company(
        self, tx: Transaction, company_id: str, org: str, live: bool, version: int
    ) -> None: ...

    def record_partner_index(
        self,
        tx: Transaction,
        org: str,
        candidate_id: str,
        entries: tuple[str | None, str | None] | None,
        version: int,
    ) -> None: ...


ReadTable = Callable[[Path | str | IO[bytes]], Table]
"""Opens a CSV or XLSX file as a table."""
