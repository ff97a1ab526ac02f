"""Identity's private tables for OpenID Connect sign-in (never on the bus nor in the read model):

- `identity_oidc_pending`: sign-ins sent to a provider and not back yet, by the SHA-256 of their `state`,
  with their nonce, PKCE verifier and the hash of the browser value that must come back with them;
- `identity_oidc_link`: which account a provider's (issuer, subject) signs in as.

`SqlOidcTables` is the application's `OidcTables` port; every method runs in the caller's transaction.
"""

from __future__ import annotations

from datetime import datetime

from jobdating.eventstore.base import EventStore, Transaction
from jobdating.eventstore.reading import columns, struct_of
from jobdating.identity.adapters.times import stored
from jobdating.identity.application.oidc_ports import PendingSignIn

TABLES = ("identity_oidc_pending", "identity_oidc_link")

SCHEMA = (
    """CREATE TABLE IF NOT EXISTS identity_oidc_pending (
        state_hash TEXT PRIMARY KEY,
        organisation_id TEXT NOT NULL,
        nonce TEXT NOT NULL,
        code_verifier TEXT NOT NULL,
        browser_hash TEXT NOT NULL,
        expires_at TEXT NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS identity_oidc_link (
        issuer TEXT NOT NULL,
        subject TEXT NOT NULL,
        account_id TEXT NOT NULL,
        linked_at TEXT NOT NULL,
        PRIMARY KEY (issuer, subject)
    )""",
    "CREATE UNIQUE INDEX IF NOT EXISTS identity_oidc_link_account ON identity_oidc_link (account_id, issuer)",
)


def migrate(store: EventStore) -> None:
    with store.transaction() as tx:
        for ddl in SCHEMA:
            tx.execute(ddl)


class SqlOidcTables:
    """The OpenID Connect tables in the service's own store (SQLite or PostgreSQL)."""

    def add_pending(self, tx: Transaction, state_hash: str, pending: PendingSignIn, now: datetime) -> None:
        # Sign-ins abandoned at the provider are forgotten as new ones start.
        tx.execute("DELETE FROM identity_oidc_pending WHERE expires_at <= ?", (stored(now),))
        tx.execute(
            "INSERT INTO identity_oidc_pending "
            "(state_hash, organisation_id, nonce, code_verifier, browser_hash, expires_at) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (
                state_hash,
                pending.organisation_id,
                pending.nonce,
                pending.code_verifier,
                pending.browser_hash,
                stored(pending.expires_at),
            ),
        )

    def take_pending(self, tx: Transaction, state_hash: str) -> PendingSignIn | None:
        row = tx.execute(
            f"SELECT {columns(PendingSignIn)} FROM identity_oidc_pending WHERE state_hash = ?",
            (state_hash,),
        ).fetchone()
        if row is None:
            return None
        tx.execute("DELETE FROM identity_oidc_pending WHERE state_hash = ?", (state_hash,))
        return struct_of(PendingSignIn, row)

    def linked_account(self, tx: Transaction, issuer: str, subject: str) -> str | None:
        row = tx.execute(
            "SELECT account_id FROM identity_oidc_link WHERE issuer = ? AND subject = ?", (issuer, subject)
        ).fetchone()
        return None if row is None else str(row[0])

    def linked_subject(self, tx: Transaction, account_id: str, issuer: str) -> str | None:
        row = tx.execute(
            "SELECT subject FROM identity_oidc_link WHERE account_id = ? AND issuer = ?", (account_id, issuer)
        ).fetchone()
        return None if row is None else str(row[0])

    def link(self, tx: Transaction, issuer: str, subject: str, account_id: str, at: datetime) -> None:
        tx.execute(
            "INSERT INTO identity_oidc_link (issuer, subject, account_id, linked_at) VALUES (?, ?, ?, ?)",
            (issuer, subject, account_id, stored(at)),
        )
