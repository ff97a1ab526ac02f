"""The service's read models, in its own store, written in the same transaction as the events they follow.

- `candidates`, `companies`: one row per stream. Anonymous columns, plus personal columns in clear: this
  database is the one place they may be, and CandidateErased nulls them.
- `candidate_phones`, `candidate_emails`, `company_sirets`: which live candidate or company holds a phone,
  an e-mail or a SIRET (duplicate detection); a row leaves when its holder withdraws or is erased.
- `import_keys`: rows of partner files already imported, so that a second import creates nothing twice.
- `contact_openings`: who opened a candidate's contact, for which purpose, when (no personal data).
- `known_sites`: sites candidates may choose, fed by the sites service's events rather than by this log,
  so `rebuild` leaves it alone.
- `partner_companies`: companies registered at other organisations' registration instances (candidates
  here may wish for them), fed by their events on the stream; `rebuild` leaves it alone too.
  Both are written by `fed_tables`; how a candidate or company row follows its events is `person_rows`.

`apply` serves both the live path (called in the command's transaction) and `rebuild` (a replay of the
log), so the two cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Final

from jobdating.contracts import registration as events
from jobdating.contracts.catalog import REGISTRY
from jobdating.contracts.envelope import RecordedEvent, decode_envelope
from jobdating.contracts.registry import EventRegistry
from jobdating.contracts.sealed import Sealed
from jobdating.eventstore.base import EventStore, Transaction
from jobdating.registration.adapters import blind_index_tables
from jobdating.registration.adapters.fed_tables import PARTNER_COMPANIES_SCHEMA, SITES_SCHEMA
from jobdating.registration.adapters.keyring import Keyring
from jobdating.registration.adapters.lookup_holds import drop_candidate_lookups
from jobdating.registration.adapters.person_rows import (
    Recording,
    candidate_registered,
    candidate_updated,
    candidates_registered,
    company_registered,
    company_updated,
)
from jobdating.registration.application.lookups import held_by as held_by  # moved there; re-exported
from jobdating.registration.application.ports import NOTHING_JUST_SEALED, Keys
from jobdating.registration.application.queries import WITHDRAWN
from jobdating.registration.application.rows import Db, fetch_all, fetch_one


def _holders(table: str, key: str, holder: str) -> str:
    """A table of unique values (a phone, an e-mail, a SIRET, an imported row) and who holds each."""
    return f"""CREATE TABLE IF NOT EXISTS {table} (
        {key} TEXT PRIMARY KEY, {holder} TEXT NOT NULL)"""


SCHEMA: Final[dict[str, str]] = {
    "candidates": """CREATE TABLE IF NOT EXISTS candidates (
        candidate_id TEXT PRIMARY KEY, version INTEGER NOT NULL,
        referring_org TEXT NOT NULL, counsellor_id TEXT NOT NULL, site_id TEXT NOT NULL,
        postcode TEXT NOT NULL, commune TEXT NOT NULL, profile TEXT NOT NULL,
        status TEXT NOT NULL, withdrawal_reason TEXT, erased INTEGER NOT NULL,
        first_name TEXT, last_name TEXT, phone TEXT, email TEXT, address TEXT,
        registered_at TEXT NOT NULL, updated_at TEXT NOT NULL)""",
    "candidate_phones": _holders("candidate_phones", "phone", "candidate_id"),
    "candidate_emails": _holders("candidate_emails", "email", "candidate_id"),
    "companies": """CREATE TABLE IF NOT EXISTS companies (
        company_id TEXT PRIMARY KEY, version INTEGER NOT NULL, registering_org TEXT NOT NULL,
        name TEXT NOT NULL, name_key TEXT NOT NULL, siret TEXT NOT NULL, sector TEXT NOT NULL,
        profile TEXT NOT NULL, status TEXT NOT NULL, withdrawal_reason TEXT,
        contact_name TEXT, contact_phone TEXT, contact_email TEXT,
        registered_at TEXT NOT NULL, updated_at TEXT NOT NULL)""",
    "company_sirets": _holders("company_sirets", "siret", "company_id"),
    "import_keys": _holders("import_keys", "import_key", "stream_id"),
    "contact_openings": """CREATE TABLE IF NOT EXISTS contact_openings (
        event_id TEXT PRIMARY KEY, candidate_id TEXT NOT NULL, purpose TEXT NOT NULL,
        opened_by TEXT NOT NULL, opened_by_org TEXT NOT NULL, opened_at TEXT NOT NULL)""",
}
INDEXES: Final = (
    "CREATE INDEX IF NOT EXISTS candidates_site ON candidates (site_id)",
    "CREATE INDEX IF NOT EXISTS candidates_org ON candidates (referring_org)",
    "CREATE INDEX IF NOT EXISTS companies_name ON companies (name_key)",
    "CREATE INDEX IF NOT EXISTS import_keys_stream ON import_keys (stream_id)",
    "CREATE INDEX IF NOT EXISTS contact_openings_candidate ON contact_openings (candidate_id)",
)
LOG_TABLES: Final = tuple(SCHEMA)
"""The tables `rebuild` recreates from the log."""
ERASURE_TABLES: Final = ("person_keys", "candidates", "candidate_phones", "candidate_emails", "import_keys")
"""Where an erasure deletes or overwrites a person's data: scrubbed from the files once it committed."""


def migrate(tx: Transaction) -> None:
    """Create every projection table if missing."""
    for ddl in SCHEMA.values():
        tx.execute(ddl)
    for ddl in INDEXES:
        tx.execute(ddl)
    tx.execute(SITES_SCHEMA)
    tx.execute(PARTNER_COMPANIES_SCHEMA)
    blind_index_tables.migrate(tx)


def apply_batch(
    tx: Transaction,
    recorded: Sequence[RecordedEvent],
    keyring: Keys,
    just_sealed: Sequence[Mapping[Sealed, bytes]],
) -> None:
    """`apply` for many new events in log order (an import batch): runs of candidate registrations are
    written together (`person_rows.candidates_registered`), anything else one by one."""
    run: list[tuple[events.CandidateRegistered, Recording]] = []
    for event, sealed in zip(recorded, just_sealed, strict=True):
        if isinstance(event.data, events.CandidateRegistered):
            env = event.envelope
            run.append(
                (event.data, Recording(keyring, env.stream_version, env.recorded_at.isoformat(), sealed))
            )
            continue
        if run:
            candidates_registered(tx, run)
            run = []
        apply(tx, event, keyring, sealed)
    if run:
        candidates_registered(tx, run)


def apply(
    tx: Transaction,
    event: RecordedEvent,
    keyring: Keys,
    just_sealed: Mapping[Sealed, bytes] = NOTHING_JUST_SEALED,
) -> None:
    """Bring the projections up to date with one of this service's events.

    `just_sealed` maps values the caller sealed for this very event to their plaintext: the command has
    them in hand, so re-opening them (a key read and a decryption) is skipped. Anything else is opened
    with its key.
    """
    env = event.envelope
    at = env.recorded_at.isoformat()
    version = env.stream_version
    recording = Recording(keyring, version, at, just_sealed)
    match event.data:
        case events.CandidateRegistered() as e:
            candidate_registered(tx, e, recording)
        case events.CandidateUpdated() as e:
            candidate_updated(tx, e, recording)
        case events.CandidateWithdrew() as e:
            drop_candidate_lookups(tx, e.candidate_id)
            tx.execute(
                "UPDATE candidates SET status = ?, withdrawal_reason = ?, version = ?, updated_at = ? "
                "WHERE candidate_id = ?",
                (WITHDRAWN, e.reason, version, at, e.candidate_id),
            )
        case events.CandidateErased() as e:
            keyring.protect(tx)
            drop_candidate_lookups(tx, e.candidate_id)
            tx.execute("DELETE FROM import_keys WHERE stream_id = ?", (e.candidate_id,))
            tx.execute(
                "UPDATE candidates SET erased = 1, first_name = NULL, last_name = NULL, phone = NULL, "
                "email = NULL, address = NULL, counsellor_id = '', postcode = '', commune = '', "
                "version = ?, updated_at = ? WHERE candidate_id = ?",
                (version, at, e.candidate_id),
            )
        case events.CandidateContactOpened() as e:
            opened_at = env.occurred_at.isoformat()
            tx.execute(
                "INSERT INTO contact_openings (event_id, candidate_id, purpose, opened_by, opened_by_org, "
                "opened_at) VALUES (?, ?, ?, ?, ?, ?)",
                (env.event_id, e.candidate_id, e.purpose, e.opened_by, e.opened_by_org, opened_at),
            )
        case events.CompanyRegistered() as e:
            company_registered(tx, e, recording)
        case events.CompanyUpdated() as e:
            company_updated(tx, e, recording)
        case events.CompanyWithdrew() as e:
            tx.execute("DELETE FROM company_sirets WHERE company_id = ?", (e.company_id,))
            tx.execute(
                "UPDATE companies SET status = ?, withdrawal_reason = ?, version = ?, updated_at = ? "
                "WHERE company_id = ?",
                (WITHDRAWN, e.reason, version, at, e.company_id),
            )


def scrub_erased(store: EventStore) -> None:
    """After an erasure committed: leave the forgotten key and personal columns in no file of the store."""
    store.scrub(ERASURE_TABLES)


def rebuild(store: EventStore, keyring: Keys, registry: EventRegistry = REGISTRY, batch: int = 2000) -> int:
    """Drop and recreate the log's projections, then replay the whole log; returns the events replayed.

    One transaction: readers see the old tables or the new ones, never half a rebuild, and no command can
    commit in between. Events are paged through that transaction rather than `store.iter_all()`, whose
    reads would end the transaction on PostgreSQL.
    """
    replayed = 0
    with store.transaction() as tx:
        keyring.protect(tx)
        for table in LOG_TABLES:
            tx.execute(f"DROP TABLE IF EXISTS {table}")
        migrate(tx)
        position = 0
        while True:
            rows = tx.execute(
                "SELECT position, body FROM events WHERE position > ? ORDER BY position LIMIT ?",
                (position, batch),
            ).fetchall()
            if not rows:
                return replayed
            for pos, body in rows:
                apply(tx, registry.decode(decode_envelope(bytes(body)), int(pos)), keyring)
            replayed += len(rows)
            position = int(rows[-1][0])


def prepare_fresh(live: Db, fresh: Transaction, keyring: Keyring) -> None:
    """Ready an empty store to replay this log into fresh tables (an audit, an operator's replay): the
    projection and key tables, and a copy of the live person keys, without which the personal columns would
    come out empty. An erased person has no key left, so nothing erased comes back."""
    keyring.migrate(fresh)
    migrate(fresh)
    keys = fetch_all(live, "SELECT subject_id, key_id, key FROM person_keys")
    if keys:
        fresh.executemany("INSERT INTO person_keys (subject_id, key_id, key) VALUES (?, ?, ?)", keys)


def contents(db: Db, tables: Iterable[str] = LOG_TABLES) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of the given projection tables, sorted: what a rebuild must reproduce exactly."""
    return {table: sorted(tuple(row) for row in fetch_all(db, f"SELECT * FROM {table}")) for table in tables}


def candidate_row(db: Db, candidate_id: str) -> Any | None:
    """The candidate's row, or None."""
    return fetch_one(db, "SELECT * FROM candidates WHERE candidate_id = ?", (candidate_id,))
