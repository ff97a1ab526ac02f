"""The console's sessions in its own store (SQLite file, or PostgreSQL): table `console_sessions`.

A row holds the SHA-256 of the session id (the cookie's value), the session's end, and the session itself
(access token, roles, address, CSRF token) encrypted with AES-GCM under a key derived from that same id. The
store alone therefore opens no session and yields no usable token: only the browser holding the cookie can.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from datetime import UTC, datetime

import msgspec
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from jobdating.console.application.sessions import Session
from jobdating.eventstore.base import EventStore

TABLE = "console_sessions"
SCHEMA = f"""CREATE TABLE IF NOT EXISTS {TABLE} (
    id_hash TEXT PRIMARY KEY,
    expires_at TEXT NOT NULL,
    sealed TEXT NOT NULL
)"""
# Instants as fixed-width UTC text: SQL compares them in order on both backends.
_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"


def id_hash(session_id: str) -> str:
    return hashlib.sha256(b"console session id\0" + session_id.encode()).hexdigest()


def _key(session_id: str) -> bytes:
    # A different derivation from the row's key: knowing the hash gives nothing of the key.
    return hmac.digest(session_id.encode(), b"console session key", "sha256")


def _stored(at: datetime) -> str:
    return at.astimezone(UTC).strftime(_FORMAT)


class StoredSessions:
    """`SessionRecords` in the console's store; each write is its own short transaction."""

    def __init__(self, store: EventStore):
        self._store = store
        with store.transaction() as tx:
            tx.execute(SCHEMA)
            tx.execute(f"CREATE INDEX IF NOT EXISTS {TABLE}_expiry ON {TABLE} (expires_at)")

    def read(self, session_id: str) -> Session | None:
        key = id_hash(session_id)
        # A plain read (no write transaction): every page reads its session.
        rows = self._store.query(f"SELECT sealed FROM {TABLE} WHERE id_hash = ?", (key,))
        if not rows:
            return None
        sealed = base64.b64decode(str(rows[0][0]))
        try:
            plain = AESGCM(_key(session_id)).decrypt(sealed[:12], sealed[12:], key.encode())
        except InvalidTag:  # not sealed under this id (a row tampered with): no session
            return None
        return msgspec.json.decode(plain, type=Session)

    def write(self, session: Session) -> None:
        key = id_hash(session.session_id)
        nonce = os.urandom(12)
        ciphertext = AESGCM(_key(session.session_id)).encrypt(
            nonce, msgspec.json.encode(session), key.encode()
        )
        with self._store.transaction() as tx:
            tx.execute(
                f"INSERT INTO {TABLE} (id_hash, expires_at, sealed) VALUES (?, ?, ?) ON CONFLICT (id_hash) "
                "DO UPDATE SET expires_at = excluded.expires_at, sealed = excluded.sealed",
                (key, _stored(session.expires_at), base64.b64encode(nonce + ciphertext).decode()),
            )

    def delete(self, session_id: str) -> None:
        with self._store.transaction() as tx:
            tx.execute(f"DELETE FROM {TABLE} WHERE id_hash = ?", (id_hash(session_id),))

    def forget_expired(self, now: datetime) -> None:
        with self._store.transaction() as tx:
            tx.execute(f"DELETE FROM {TABLE} WHERE expires_at <= ?", (_stored(now),))
