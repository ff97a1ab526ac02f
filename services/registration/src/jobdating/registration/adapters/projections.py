"""The service's read models, in its own store, written in the same transaction as the events they follow.

- `candidates`, `companies`: one row per stream. Anonymous columns, plus personal columns in clear: this
  database is the one place they may be, and CandidateErased nulls them.
- `candidate_phones`, `candidate_emails`, `company_sirets`: which live candidate or company holds a phone,
  an e-mail or a SIRET (duplicate detection); a row leaves when its holder withdraws or is erased.
- `import_keys`: rows of partner files already imported, so that a second import creates nothing twice.
- `known_sites`: sites candidates may choose, fed by the sites service's events rather than by this log,
  so `rebuild` leaves it alone.
- `partner_companies`: companies registered at other organisations' registration instances (candidates
  here may wish for them), fed by their events on the stream; `rebuild` leaves it alone too.

`apply` serves both the live path (called in the command's transaction) and `rebuild` (a replay of the
log), so the two cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Final

import msgspec

from jobdating.contracts.catalog import REGISTRY
from jobdating.contracts.envelope import RecordedEvent, decode_envelope
from jobdating.contracts.registration import (
    CandidateErased,
    CandidateProfile,
    CandidateRegistered,
    CandidateUpdated,
    CandidateWithdrew,
    CompanyProfile,
    CompanyRegistered,
    CompanyUpdated,
    CompanyWithdrew,
)
from jobdating.contracts.registry import EventRegistry
from jobdating.contracts.sealed import Sealed
from jobdating.contracts.sites import SiteOpened
from jobdating.eventstore.base import EventStore, Transaction
from jobdating.registration.adapters.keyring import Keyring
from jobdating.registration.application.ports import NOTHING_JUST_SEALED, DuplicateKey, Keys
from jobdating.registration.application.queries import LOOKUPS, REGISTERED, WITHDRAWN
from jobdating.registration.application.queries import held_by as held_by  # moved there; re-exported
from jobdating.registration.application.rows import Db, fetch_all, fetch_one
from jobdating.registration.domain.fields import search_key
from jobdating.registration.domain.personal import CandidatePersonal, CompanyContact

SCHEMA: Final[dict[str, str]] = {
    "candidates": """CREATE TABLE IF NOT EXISTS candidates (
        candidate_id TEXT PRIMARY KEY, version INTEGER NOT NULL,
        referring_org TEXT NOT NULL, counsellor_id TEXT NOT NULL, site_id TEXT NOT NULL,
        postcode TEXT NOT NULL, commune TEXT NOT NULL, profile TEXT NOT NULL,
        status TEXT NOT NULL, withdrawal_reason TEXT, erased INTEGER NOT NULL,
        first_name TEXT, last_name TEXT, phone TEXT, email TEXT, address TEXT,
        registered_at TEXT NOT NULL, updated_at TEXT NOT NULL)""",
    "candidate_phones": """CREATE TABLE IF NOT EXISTS candidate_phones (
        phone TEXT PRIMARY KEY, candidate_id TEXT NOT NULL)""",
    "candidate_emails": """CREATE TABLE IF NOT EXISTS candidate_emails (
        email TEXT PRIMARY KEY, candidate_id TEXT NOT NULL)""",
    "companies": """CREATE TABLE IF NOT EXISTS companies (
        company_id TEXT PRIMARY KEY, version INTEGER NOT NULL, registering_org TEXT NOT NULL,
        name TEXT NOT NULL, name_key TEXT NOT NULL, siret TEXT NOT NULL, sector TEXT NOT NULL,
        profile TEXT NOT NULL, status TEXT NOT NULL, withdrawal_reason TEXT,
        contact_name TEXT, contact_phone TEXT, contact_email TEXT,
        registered_at TEXT NOT NULL, updated_at TEXT NOT NULL)""",
    "company_sirets": """CREATE TABLE IF NOT EXISTS company_sirets (
        siret TEXT PRIMARY KEY, company_id TEXT NOT NULL)""",
    "import_keys": """CREATE TABLE IF NOT EXISTS import_keys (
        import_key TEXT PRIMARY KEY, stream_id TEXT NOT NULL)""",
}
INDEXES: Final = (
    "CREATE INDEX IF NOT EXISTS candidates_site ON candidates (site_id)",
    "CREATE INDEX IF NOT EXISTS candidates_org ON candidates (referring_org)",
    "CREATE INDEX IF NOT EXISTS companies_name ON companies (name_key)",
    "CREATE INDEX IF NOT EXISTS import_keys_stream ON import_keys (stream_id)",
)
SITES_SCHEMA: Final = """CREATE TABLE IF NOT EXISTS known_sites (
    site_id TEXT PRIMARY KEY, name TEXT NOT NULL, name_key TEXT NOT NULL, host_org TEXT NOT NULL,
    commune TEXT NOT NULL, postcode TEXT NOT NULL, open INTEGER NOT NULL, version INTEGER NOT NULL)"""
PARTNER_COMPANIES_SCHEMA: Final = """CREATE TABLE IF NOT EXISTS partner_companies (
    company_id TEXT PRIMARY KEY, org TEXT NOT NULL, live INTEGER NOT NULL, version INTEGER NOT NULL)"""
LOG_TABLES: Final = tuple(SCHEMA)
"""The tables `rebuild` recreates from the log."""
ERASURE_TABLES: Final = ("person_keys", "candidates", "candidate_phones", "candidate_emails", "import_keys")
"""Where an erasure deletes or overwrites a person's data: scrubbed from the files once it committed."""

_personal = msgspec.json.Decoder(CandidatePersonal)
_contact = msgspec.json.Decoder(CompanyContact)
_json = msgspec.json.Encoder()


def migrate(tx: Transaction) -> None:
    """Create every projection table if missing."""
    for ddl in SCHEMA.values():
        tx.execute(ddl)
    for ddl in INDEXES:
        tx.execute(ddl)
    tx.execute(SITES_SCHEMA)
    tx.execute(PARTNER_COMPANIES_SCHEMA)


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
    match event.data:
        case CandidateRegistered() as e:
            _candidate_registered(tx, e, keyring, version, at, just_sealed)
        case CandidateUpdated() as e:
            _candidate_updated(tx, e, keyring, version, at, just_sealed)
        case CandidateWithdrew() as e:
            _drop_candidate_lookups(tx, e.candidate_id)
            tx.execute(
                "UPDATE candidates SET status = ?, withdrawal_reason = ?, version = ?, updated_at = ? "
                "WHERE candidate_id = ?",
                (WITHDRAWN, e.reason, version, at, e.candidate_id),
            )
        case CandidateErased() as e:
            keyring.protect(tx)
            _drop_candidate_lookups(tx, e.candidate_id)
            tx.execute("DELETE FROM import_keys WHERE stream_id = ?", (e.candidate_id,))
            tx.execute(
                "UPDATE candidates SET erased = 1, first_name = NULL, last_name = NULL, phone = NULL, "
                "email = NULL, address = NULL, version = ?, updated_at = ? WHERE candidate_id = ?",
                (version, at, e.candidate_id),
            )
        case CompanyRegistered() as e:
            _company_registered(tx, e, keyring, version, at, just_sealed)
        case CompanyUpdated() as e:
            _company_updated(tx, e, keyring, version, at, just_sealed)
        case CompanyWithdrew() as e:
            tx.execute("DELETE FROM company_sirets WHERE company_id = ?", (e.company_id,))
            tx.execute(
                "UPDATE companies SET status = ?, withdrawal_reason = ?, version = ?, updated_at = ? "
                "WHERE company_id = ?",
                (WITHDRAWN, e.reason, version, at, e.company_id),
            )


def scrub_erased(store: EventStore) -> None:
    """After an erasure committed: leave the forgotten key and personal columns in no file of the store."""
    store.scrub(ERASURE_TABLES)


def open_personal(
    db: Db, keyring: Keys, sealed: Sealed, just_sealed: Mapping[Sealed, bytes] = NOTHING_JUST_SEALED
) -> CandidatePersonal | None:
    """A candidate's personal fields, or None when their key is gone."""
    plaintext = just_sealed.get(sealed) or keyring.open(db, sealed)
    return None if plaintext is None else _personal.decode(plaintext)


def open_contact(
    db: Db, keyring: Keys, sealed: Sealed, just_sealed: Mapping[Sealed, bytes] = NOTHING_JUST_SEALED
) -> CompanyContact | None:
    """A company contact, or None when its key is gone."""
    plaintext = just_sealed.get(sealed) or keyring.open(db, sealed)
    return None if plaintext is None else _contact.decode(plaintext)


def profile_json(profile: CandidateProfile | CompanyProfile) -> str:
    """How a profile is stored in its row."""
    return _json.encode(profile).decode()


def _candidate_registered(
    tx: Transaction,
    e: CandidateRegistered,
    keyring: Keys,
    version: int,
    at: str,
    just_sealed: Mapping[Sealed, bytes],
) -> None:
    p = e.profile
    person = open_personal(tx, keyring, e.personal, just_sealed)
    tx.execute(
        "INSERT INTO candidates (candidate_id, version, referring_org, counsellor_id, site_id, postcode, "
        "commune, profile, status, withdrawal_reason, erased, first_name, last_name, phone, email, address, "
        "registered_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, 0, ?, ?, ?, ?, ?, ?, ?)",
        (
            e.candidate_id,
            version,
            p.referring_org,
            p.counsellor_id,
            p.site_id,
            p.postcode,
            p.commune,
            profile_json(p),
            REGISTERED,
            *_personal_columns(person),
            at,
            at,
        ),
    )
    if person is not None:
        _hold_candidate_lookups(tx, e.candidate_id, person)
    if e.import_key is not None:
        _hold(tx, "import_keys", e.import_key, e.candidate_id)


def _candidate_updated(
    tx: Transaction,
    e: CandidateUpdated,
    keyring: Keys,
    version: int,
    at: str,
    just_sealed: Mapping[Sealed, bytes],
) -> None:
    if e.profile is not None:
        p = e.profile
        tx.execute(
            "UPDATE candidates SET counsellor_id = ?, site_id = ?, postcode = ?, commune = ?, profile = ? "
            "WHERE candidate_id = ?",
            (p.counsellor_id, p.site_id, p.postcode, p.commune, profile_json(p), e.candidate_id),
        )
    if e.personal is not None:
        keyring.protect(tx)
        person = open_personal(tx, keyring, e.personal, just_sealed)
        _drop_candidate_lookups(tx, e.candidate_id)
        tx.execute(
            "UPDATE candidates SET first_name = ?, last_name = ?, phone = ?, email = ?, address = ? "
            "WHERE candidate_id = ?",
            (*_personal_columns(person), e.candidate_id),
        )
        if person is not None:
            _hold_candidate_lookups(tx, e.candidate_id, person)
    tx.execute(
        "UPDATE candidates SET version = ?, updated_at = ? WHERE candidate_id = ?",
        (version, at, e.candidate_id),
    )


def _company_registered(
    tx: Transaction,
    e: CompanyRegistered,
    keyring: Keys,
    version: int,
    at: str,
    just_sealed: Mapping[Sealed, bytes],
) -> None:
    p = e.profile
    contact = open_contact(tx, keyring, e.contact, just_sealed)
    tx.execute(
        "INSERT INTO companies (company_id, version, registering_org, name, name_key, siret, sector, "
        "profile, status, withdrawal_reason, contact_name, contact_phone, contact_email, registered_at, "
        "updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?, ?, ?, ?)",
        (
            e.company_id,
            version,
            e.registering_org,
            p.name,
            search_key(p.name),
            p.siret,
            p.sector,
            profile_json(p),
            REGISTERED,
            *_contact_columns(contact),
            at,
            at,
        ),
    )
    _hold(tx, "company_sirets", p.siret, e.company_id)
    if e.import_key is not None:
        _hold(tx, "import_keys", e.import_key, e.company_id)


def _company_updated(
    tx: Transaction,
    e: CompanyUpdated,
    keyring: Keys,
    version: int,
    at: str,
    just_sealed: Mapping[Sealed, bytes],
) -> None:
    if e.profile is not None:
        p = e.profile
        tx.execute("DELETE FROM company_sirets WHERE company_id = ?", (e.company_id,))
        _hold(tx, "company_sirets", p.siret, e.company_id)
        tx.execute(
            "UPDATE companies SET name = ?, name_key = ?, siret = ?, sector = ?, profile = ? "
            "WHERE company_id = ?",
            (p.name, search_key(p.name), p.siret, p.sector, profile_json(p), e.company_id),
        )
    if e.contact is not None:
        keyring.protect(tx)
        contact = open_contact(tx, keyring, e.contact, just_sealed)
        tx.execute(
            "UPDATE companies SET contact_name = ?, contact_phone = ?, contact_email = ? "
            "WHERE company_id = ?",
            (*_contact_columns(contact), e.company_id),
        )
    tx.execute(
        "UPDATE companies SET version = ?, updated_at = ? WHERE company_id = ?", (version, at, e.company_id)
    )


def _personal_columns(person: CandidatePersonal | None) -> tuple[str | None, ...]:
    if person is None:
        return (None, None, None, None, None)
    return (person.first_name, person.last_name, person.phone, person.email, person.address)


def _contact_columns(contact: CompanyContact | None) -> tuple[str | None, ...]:
    if contact is None:
        return (None, None, None)
    return (contact.name, contact.phone, contact.email)


def _hold_candidate_lookups(tx: Transaction, candidate_id: str, person: CandidatePersonal) -> None:
    _hold(tx, "candidate_phones", person.phone, candidate_id)
    if person.email is not None:
        _hold(tx, "candidate_emails", person.email, candidate_id)


def _drop_candidate_lookups(tx: Transaction, candidate_id: str) -> None:
    row = tx.execute("SELECT phone, email FROM candidates WHERE candidate_id = ?", (candidate_id,)).fetchone()
    if row is None:
        return
    phone, email = row
    if phone is not None:
        tx.execute("DELETE FROM candidate_phones WHERE phone = ? AND candidate_id = ?", (phone, candidate_id))
    if email is not None:
        tx.execute("DELETE FROM candidate_emails WHERE email = ? AND candidate_id = ?", (email, candidate_id))


def _hold(tx: Transaction, table: str, value: str, owner: str) -> None:
    column, owner_column = LOOKUPS[table]
    # ON CONFLICT DO NOTHING rather than a caught error: PostgreSQL aborts a transaction on any error.
    cur = tx.execute(
        f"INSERT INTO {table} ({column}, {owner_column}) VALUES (?, ?) ON CONFLICT ({column}) DO NOTHING",
        (value, owner),
    )
    if cur.rowcount == 0:
        held = tx.execute(f"SELECT {owner_column} FROM {table} WHERE {column} = ?", (value,)).fetchone()
        if held is None or held[0] != owner:
            raise DuplicateKey(column)


def record_site_opened(tx: Transaction, site: SiteOpened, version: int) -> None:
    """A site candidates may choose; an older event than the one already applied changes nothing."""
    tx.execute(
        "INSERT INTO known_sites (site_id, name, name_key, host_org, commune, postcode, open, version) "
        "VALUES (?, ?, ?, ?, ?, ?, 1, ?) ON CONFLICT (site_id) DO UPDATE SET name = excluded.name, "
        "name_key = excluded.name_key, host_org = excluded.host_org, commune = excluded.commune, "
        "postcode = excluded.postcode, open = 1, version = excluded.version "
        "WHERE known_sites.version < excluded.version",
        (site.site_id, site.name, search_key(site.name), site.host_org, site.commune, site.postcode, version),
    )


def record_partner_company(tx: Transaction, company_id: str, org: str, live: bool, version: int) -> None:
    """A company of another instance registered (live) or withdrew. The stream version orders them: a
    withdrawal delivered before the registration stays a withdrawal."""
    tx.execute(
        "INSERT INTO partner_companies (company_id, org, live, version) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (company_id) DO UPDATE SET org = excluded.org, live = excluded.live, "
        "version = excluded.version WHERE partner_companies.version < excluded.version",
        (company_id, org, 1 if live else 0, version),
    )


def record_site_open(tx: Transaction, site_id: str, open: bool, version: int) -> bool:
    """Close or reopen a known site; False when the site was never seen opened (its SiteOpened is still to
    come). An older event than the one already applied changes nothing."""
    if tx.execute("SELECT 1 FROM known_sites WHERE site_id = ?", (site_id,)).fetchone() is None:
        return False
    tx.execute(
        "UPDATE known_sites SET open = ?, version = ? WHERE site_id = ? AND version < ?",
        (1 if open else 0, version, site_id, version),
    )
    return True


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
