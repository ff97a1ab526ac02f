"""Identity's private tables: what never goes on the bus nor into the read model others may copy.

- `identity_login`: an account's address, password hash (argon2id) and TOTP secret;
- `identity_invitation`: invitation links by the SHA-256 of their token, with expiry and use;
- `identity_sign_in_failure`: recent failed sign-ins per key (hashed address, client address).

`PrivateTables` is the application's port of the same name; every method runs in the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import msgspec

from jobdating.eventstore.base import EventStore, Transaction
from jobdating.eventstore.log_models import create_tables
from jobdating.eventstore.reading import struct_of
from jobdating.identity.adapters.times import loaded, stored
from jobdating.identity.application.ports import Invitation, Login

TABLES = ("identity_login", "identity_invitation", "identity_sign_in_failure")

SCHEMA = (
    """CREATE TABLE IF NOT EXISTS identity_login (
        account_id TEXT PRIMARY KEY,
        email TEXT NOT NULL UNIQUE,
        password_hash TEXT,
        totp_secret TEXT,
        totp_step BIGINT
    )""",
    """CREATE TABLE IF NOT EXISTS identity_invitation (
        token_hash TEXT PRIMARY KEY,
        account_id TEXT NOT NULL,
        expires_at TEXT NOT NULL,
        used_at TEXT
    )""",
    "CREATE INDEX IF NOT EXISTS identity_invitation_account ON identity_invitation (account_id)",
    """CREATE TABLE IF NOT EXISTS identity_sign_in_failure (
        failure_key TEXT NOT NULL,
        failed_at TEXT NOT NULL
    )""",
    "CREATE INDEX IF NOT EXISTS identity_sign_in_failure_key "
    "ON identity_sign_in_failure (failure_key, failed_at)",
)

_roles = msgspec.json.Decoder(tuple[str, ...])
_LOGIN = (
    "SELECT l.account_id, a.organisation_id, l.email, a.roles, a.status, l.password_hash, l.totp_secret, "
    "l.totp_step FROM identity_login l JOIN identity_account a ON a.account_id = l.account_id"
)


def _login(row: Any) -> Login | None:
    if row is None:
        return None
    return struct_of(Login, row, json=("roles",))


def migrate(store: EventStore) -> None:
    with store.transaction() as tx:
        create_tables(tx, SCHEMA)


class SqlPrivateTables:
    """The private tables in the service's own store (SQLite or PostgreSQL)."""

    def login_by_email(self, tx: Transaction, email: str) -> Login | None:
        return _login(tx.execute(f"{_LOGIN} WHERE l.email = ?", (email,)).fetchone())

    def login_by_account(self, tx: Transaction, account_id: str) -> Login | None:
        return _login(tx.execute(f"{_LOGIN} WHERE l.account_id = ?", (account_id,)).fetchone())

    def add_login(self, tx: Transaction, account_id: str, email: str) -> None:
        tx.execute("INSERT INTO identity_login (account_id, email) VALUES (?, ?)", (account_id, email))

    def set_credentials(
        self, tx: Transaction, account_id: str, password_hash: str, totp_secret: str | None
    ) -> None:
        tx.execute(
            "UPDATE identity_login SET password_hash = ?, totp_secret = ?, totp_step = NULL "
            "WHERE account_id = ?",
            (password_hash, totp_secret, account_id),
        )

    def set_totp_step(self, tx: Transaction, account_id: str, step: int) -> None:
        tx.execute("UPDATE identity_login SET totp_step = ? WHERE account_id = ?", (step, account_id))

    def add_invitation(
        self, tx: Transaction, token_hash: str, account_id: str, expires_at: datetime, issued_at: datetime
    ) -> None:
        # An earlier link of the same account stops working now: it reads as expired.
        tx.execute(
            "UPDATE identity_invitation SET expires_at = ? WHERE account_id = ? AND used_at IS NULL "
            "AND expires_at > ?",
            (stored(issued_at), account_id, stored(issued_at)),
        )
        tx.execute(
            "INSERT INTO identity_invitation (token_hash, account_id, expires_at, used_at) "
            "VALUES (?, ?, ?, NULL)",
            (token_hash, account_id, stored(expires_at)),
        )

    def invitation(self, tx: Transaction, token_hash: str) -> Invitation | None:
        row = tx.execute(
            "SELECT i.account_id, a.organisation_id, l.email, i.expires_at, i.used_at "
            "FROM identity_invitation i JOIN identity_login l ON l.account_id = i.account_id "
            "JOIN identity_account a ON a.account_id = i.account_id WHERE i.token_hash = ?",
            (token_hash,),
        ).fetchone()
        if row is None:
            return None
        return struct_of(Invitation, row)

    def use_invitation(self, tx: Transaction, token_hash: str, at: datetime) -> None:
        tx.execute(
            "UPDATE identity_invitation SET used_at = ? WHERE token_hash = ?", (stored(at), token_hash)
        )

    def failures(self, tx: Transaction, keys: Sequence[str], since: datetime) -> dict[str, list[datetime]]:
        marks = ", ".join("?" for _ in keys)
        rows = tx.execute(
            f"SELECT failure_key, failed_at FROM identity_sign_in_failure "
            f"WHERE failure_key IN ({marks}) AND failed_at > ?",
            (*keys, stored(since)),
        ).fetchall()
        found: dict[str, list[datetime]] = {key: [] for key in keys}
        for key, at in rows:
            found[key].append(loaded(at))
        return found

    def add_failure(self, tx: Transaction, keys: Sequence[str], at: datetime, before: datetime) -> None:
        # Old failures are forgotten as new ones come: the table holds one window's worth.
        marks = ", ".join("?" for _ in keys)
        tx.execute(
            f"DELETE FROM identity_sign_in_failure WHERE failure_key IN ({marks}) AND failed_at <= ?",
            (*keys, stored(before)),
        )
        tx.executemany(
            "INSERT INTO identity_sign_in_failure (failure_key, failed_at) VALUES (?, ?)",
            [(key, stored(at)) for key in keys],
        )

    def clear_failures(self, tx: Transaction, key: str) -> None:
        tx.execute("DELETE FROM identity_sign_in_failure WHERE failure_key = ?", (key,))
