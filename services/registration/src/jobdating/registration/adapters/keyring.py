"""Per-person AES-GCM keys kept in the service's own store: sealing, opening and forgetting personal data.

Forgetting a key is the erasure (crypto-shredding): every sealed copy of the person's fields, in the log, on
the bus or in a backup of the stream, becomes noise. Once the erasure committed, `projections.scrub_erased`
takes the key and the personal columns out of the store's files (SQLite: zeroed by secure_delete, then the
WAL checkpointed and emptied; PostgreSQL: VACUUM FULL); docs/privacy.md says what backups keep.
"""

from __future__ import annotations

import base64
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from jobdating.contracts.sealed import Sealed
from jobdating.eventstore.base import EventStore, Transaction
from jobdating.registration.application.ports import PersonKey
from jobdating.registration.application.rows import Db, fetch_one
from jobdating.runtime.ids import new_id

IMPORT_SECRET = "import-keys"  # noqa: S105 - the name of a secret, not one
_INSERT_KEY = "INSERT INTO person_keys (subject_id, key_id, key) VALUES (?, ?, ?)"


class SealBroken(Exception):
    """A sealed value does not open with the key it names: tampered with, or sealed for someone else."""


class Keyring:
    """Keys live in table `person_keys`, one per person; every method joins the caller's transaction."""

    def __init__(self, store: EventStore) -> None:
        self._sqlite = store.dialect.name == "sqlite"
        self._blob = store.dialect.blob_type
        self._secrets: dict[str, bytes] = {}

    def migrate(self, tx: Transaction) -> None:
        """Create the key tables and the instance's import-key secret if they do not exist."""
        tx.execute(
            f"CREATE TABLE IF NOT EXISTS person_keys (subject_id TEXT PRIMARY KEY, "
            f"key_id TEXT NOT NULL UNIQUE, key {self._blob} NOT NULL)"
        )
        tx.execute(
            "CREATE TABLE IF NOT EXISTS service_secrets "
            f"(name TEXT PRIMARY KEY, secret {self._blob} NOT NULL)"
        )
        tx.execute(
            "INSERT INTO service_secrets (name, secret) VALUES (?, ?) ON CONFLICT (name) DO NOTHING",
            (IMPORT_SECRET, os.urandom(32)),
        )

    def protect(self, tx: Transaction) -> None:
        """Make this transaction zero what it deletes or replaces (SQLite keeps freed bytes otherwise)."""
        if self._sqlite:
            tx.execute("PRAGMA secure_delete=ON")

    def new_key(self, subject_id: str) -> PersonKey:
        """A fresh random 256-bit key for a person; `save` it in the transaction that appends their event."""
        return PersonKey(subject_id=subject_id, key_id=new_id(), key=AESGCM.generate_key(bit_length=256))

    def save(self, tx: Transaction, *keys: PersonKey) -> None:
        """Store new keys (a second key for the same person is refused by the primary key); an import
        batch saves all of its keys in one statement. A registration's one key is deferred: on PostgreSQL
        it goes with the statement writing the person's row (`person_rows`), which never reads keys."""
        if len(keys) == 1:
            (key,) = keys
            tx.defer(_INSERT_KEY, (key.subject_id, key.key_id, key.key))
            return
        tx.executemany(_INSERT_KEY, [(key.subject_id, key.key_id, key.key) for key in keys])

    def key_of(self, db: Db, subject_id: str) -> PersonKey | None:
        """A person's key, or None when they have none (never registered, or erased)."""
        row = fetch_one(db, "SELECT key_id, key FROM person_keys WHERE subject_id = ?", (subject_id,))
        if row is None:
            return None
        return PersonKey(subject_id=subject_id, key_id=row[0], key=bytes(row[1]))

    def seal(self, key: PersonKey, plaintext: bytes) -> Sealed:
        """Encrypt with a fresh nonce; the subject id is authenticated: a seal cannot move to another."""
        nonce = os.urandom(12)
        ciphertext = AESGCM(key.key).encrypt(nonce, plaintext, key.subject_id.encode())
        return Sealed(key_id=key.key_id, nonce=_b64(nonce), ciphertext=_b64(ciphertext))

    def unseal(self, key: PersonKey, sealed: Sealed) -> bytes:
        """Decrypt with a key already in hand."""
        if sealed.key_id != key.key_id:
            raise SealBroken(f"sealed with key {sealed.key_id}, not {key.key_id}")
        try:
            return AESGCM(key.key).decrypt(
                base64.b64decode(sealed.nonce), base64.b64decode(sealed.ciphertext), key.subject_id.encode()
            )
        except InvalidTag:
            raise SealBroken(f"sealed value under key {sealed.key_id} does not authenticate") from None

    def open(self, db: Db, sealed: Sealed) -> bytes | None:
        """The plaintext of a sealed value, or None when its key was forgotten (the person was erased)."""
        row = fetch_one(db, "SELECT subject_id, key FROM person_keys WHERE key_id = ?", (sealed.key_id,))
        if row is None:
            return None
        return self.unseal(PersonKey(subject_id=row[0], key_id=sealed.key_id, key=bytes(row[1])), sealed)

    def forget(self, tx: Transaction, subject_id: str) -> bool:
        """Delete a person's key for good; returns whether there was one."""
        self.protect(tx)
        cur = tx.execute("DELETE FROM person_keys WHERE subject_id = ?", (subject_id,))
        return bool(cur.rowcount)

    def secret(self, db: Db, name: str = IMPORT_SECRET) -> bytes:
        """An instance secret (e.g. keying import keys so they cannot be recomputed from a phone number)."""
        if name not in self._secrets:
            row = fetch_one(db, "SELECT secret FROM service_secrets WHERE name = ?", (name,))
            if row is None:
                raise LookupError(f"secret {name!r} missing: migrate the keyring first")
            self._secrets[name] = bytes(row[0])
        return self._secrets[name]


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")
