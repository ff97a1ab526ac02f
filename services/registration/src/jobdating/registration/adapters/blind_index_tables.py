"""Tables of the blind index and of suspected duplicates (see `domain.duplicates`).

- `own_blind_index`: the entries this instance published for its candidates, with the candidate's version
  and the key they reflect (written with the append of `BlindIndexPublished`/`BlindIndexRemoved`);
- `partner_blind_index`: other organisations' entries, fed by the stream (`removed` keeps an erasure from
  being undone by an older event delivered late);
- `suspected_duplicates`: this instance's standing suspicions and their outcome (written with their
  events; a dismissed one is deleted).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

from jobdating.eventstore.base import Transaction
from jobdating.registration.application.rows import Db, fetch_all

SCHEMA: Final = (
    """CREATE TABLE IF NOT EXISTS own_blind_index (
    candidate_id TEXT PRIMARY KEY, phone TEXT, email TEXT, candidate_version INTEGER NOT NULL,
    key_id TEXT NOT NULL, removed INTEGER NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS partner_blind_index (
    org TEXT NOT NULL, candidate_id TEXT NOT NULL, phone TEXT, email TEXT, version INTEGER NOT NULL,
    removed INTEGER NOT NULL, PRIMARY KEY (org, candidate_id))""",
    "CREATE INDEX IF NOT EXISTS partner_blind_index_phone ON partner_blind_index (phone)",
    "CREATE INDEX IF NOT EXISTS partner_blind_index_email ON partner_blind_index (email)",
    """CREATE TABLE IF NOT EXISTS suspected_duplicates (
    duplicate_id TEXT PRIMARY KEY, candidate_id TEXT NOT NULL, other_candidate_id TEXT NOT NULL,
    other_org TEXT NOT NULL, matched TEXT NOT NULL, status TEXT NOT NULL, reason TEXT,
    suspected_at TEXT NOT NULL, resolved_at TEXT)""",
)
OPEN: Final = "open"
ERASED_ENTRIES: Final = ("own_blind_index", "partner_blind_index", "suspected_duplicates")
"""Where an erased person's digests were blanked: scrubbed from the store's files after a sweep."""


def migrate(tx: Transaction) -> None:
    """Create the tables (idempotent)."""
    for statement in SCHEMA:
        tx.execute(statement)


def record_partner_index(
    tx: Transaction, org: str, candidate_id: str, entries: tuple[str | None, str | None] | None, version: int
) -> None:
    """Another organisation's entries for one candidate (None: removed). Only a later version applies."""
    phone, email = entries if entries is not None else (None, None)
    tx.execute(
        "INSERT INTO partner_blind_index (org, candidate_id, phone, email, version, removed) "
        "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (org, candidate_id) DO UPDATE SET phone = excluded.phone, "
        "email = excluded.email, version = excluded.version, removed = excluded.removed "
        "WHERE partner_blind_index.version < excluded.version",
        (org, candidate_id, phone, email, version, 1 if entries is None else 0),
    )


def stale_candidates(db: Db, key_id: str, limit: int) -> list[Any]:
    """Up to `limit` of this instance's candidates whose index does not reflect their last version under the
    key `key_id`:
    (candidate_id, version, erased, phone, email, indexed phone, indexed email, removed or None)."""
    return fetch_all(
        db,
        "SELECT c.candidate_id, c.version, c.erased, c.phone, c.email, o.phone, o.email, o.removed "
        "FROM candidates c LEFT JOIN own_blind_index o ON o.candidate_id = c.candidate_id "
        "WHERE o.candidate_id IS NULL OR o.candidate_version <> c.version OR o.key_id <> ? "
        "ORDER BY c.candidate_id LIMIT ?",
        (key_id, limit),
    )


def record_own_index(
    tx: Transaction,
    candidate_id: str,
    entries: tuple[str | None, str | None] | None,
    version: int,
    key_id: str,
) -> None:
    """What this instance published for a candidate at `version` of their record, under the key `key_id`
    (None: removed)."""
    phone, email = entries if entries is not None else (None, None)
    tx.execute(
        "INSERT INTO own_blind_index (candidate_id, phone, email, candidate_version, key_id, removed) "
        "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (candidate_id) DO UPDATE SET phone = excluded.phone, "
        "email = excluded.email, candidate_version = excluded.candidate_version, key_id = excluded.key_id, "
        "removed = excluded.removed",
        (candidate_id, phone, email, version, key_id, 1 if entries is None else 0),
    )


def new_matches(db: Db) -> list[Any]:
    """Pairs (own candidate, own phone, own email, other org, other candidate, their phone, their email)
    sharing an entry and not yet suspected."""
    return fetch_all(
        db,
        "SELECT o.candidate_id, o.phone, o.email, p.org, p.candidate_id, p.phone, p.email "
        "FROM own_blind_index o JOIN partner_blind_index p ON p.removed = 0 "
        "AND (p.phone = o.phone OR p.email = o.email) "
        "WHERE o.removed = 0 AND NOT EXISTS (SELECT 1 FROM suspected_duplicates d "
        "WHERE d.candidate_id = o.candidate_id AND d.other_org = p.org "
        "AND d.other_candidate_id = p.candidate_id) ORDER BY o.candidate_id, p.org, p.candidate_id",
    )


def vanished_pairs(db: Db) -> list[str]:
    """Suspicions still standing whose own candidate or other candidate's entries were removed."""
    rows = fetch_all(
        db,
        "SELECT d.duplicate_id FROM suspected_duplicates d "
        "LEFT JOIN own_blind_index o ON o.candidate_id = d.candidate_id "
        "LEFT JOIN partner_blind_index p ON p.org = d.other_org AND p.candidate_id = d.other_candidate_id "
        "WHERE o.removed = 1 OR p.removed = 1 ORDER BY d.duplicate_id",
    )
    return [r[0] for r in rows]


def record_suspicion(
    tx: Transaction,
    duplicate_id: str,
    pair: tuple[str, str, str],
    matched: Sequence[str],
    at: str,
) -> None:
    """A new suspicion: (own candidate, other org, other candidate) and the kinds they share."""
    candidate_id, other_org, other_candidate_id = pair
    tx.execute(
        "INSERT INTO suspected_duplicates (duplicate_id, candidate_id, other_candidate_id, other_org, "
        "matched, status, suspected_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (duplicate_id) DO NOTHING",
        (duplicate_id, candidate_id, other_candidate_id, other_org, ",".join(matched), OPEN, at),
    )


def forget_suspicion(tx: Transaction, duplicate_id: str) -> None:
    """A suspicion dismissed (one of the two was erased): coordinators no longer see it."""
    tx.execute("DELETE FROM suspected_duplicates WHERE duplicate_id = ?", (duplicate_id,))


def record_outcome(tx: Transaction, duplicate_id: str, status: str, reason: str | None, at: str) -> None:
    """A suspicion resolved: `same_person` or `different_people`."""
    tx.execute(
        "UPDATE suspected_duplicates SET status = ?, reason = ?, resolved_at = ? WHERE duplicate_id = ?",
        (status, reason, at, duplicate_id),
    )


def suspicions_of(db: Db, referring_org: str) -> list[Any]:
    """The suspicions about the candidates `referring_org` follows, newest first: ids, kinds, outcome."""
    return fetch_all(
        db,
        "SELECT d.duplicate_id, d.candidate_id, d.other_org, d.other_candidate_id, d.matched, d.status, "
        "d.reason, d.suspected_at, d.resolved_at FROM suspected_duplicates d "
        "JOIN candidates c ON c.candidate_id = d.candidate_id WHERE c.referring_org = ? "
        "ORDER BY d.suspected_at DESC, d.duplicate_id",
        (referring_org,),
    )


def referring_org_of(db: Db, duplicate_id: str) -> str | None:
    """The organisation following the suspicion's own candidate (None: no such suspicion)."""
    rows = fetch_all(
        db,
        "SELECT c.referring_org FROM suspected_duplicates d JOIN candidates c "
        "ON c.candidate_id = d.candidate_id WHERE d.duplicate_id = ?",
        (duplicate_id,),
    )
    return str(rows[0][0]) if rows else None
