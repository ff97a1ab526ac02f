"""The Ed25519 keys that sign access tokens (EdDSA JWT, `pyjwt`), kept in identity's store, and their JWKS.

The current key signs. A rotation makes a new current key and retires the previous one, which stays
published until the last token it signed has expired (retired at + token lifetime): services that fetch the
JWKS keep accepting tokens issued just before a rotation. A key's id is its RFC 7638 thumbprint.

The private keys are stored unencrypted in the service's own store, like its other secrets: whoever reads
that database can sign tokens, so it gets the protection of the store itself (its own role, its backups).
"""

from __future__ import annotations

import base64
import hashlib
import json
import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Final

import jwt
import msgspec
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from jobdating.eventstore.base import EventStore, Transaction
from jobdating.eventstore.log_models import create_tables
from jobdating.identity.adapters.times import loaded, stored
from jobdating.runtime.clock import Clock

ALGORITHM: Final = "EdDSA"
AUDIENCE: Final = "jobdating"
REQUIRED_CLAIMS: Final = ("iss", "aud", "sub", "org", "roles", "iat", "exp", "jti")

SCHEMA = (
    """CREATE TABLE IF NOT EXISTS identity_signing_key (
        kid TEXT PRIMARY KEY,
        private_key TEXT NOT NULL,
        created_at TEXT NOT NULL,
        retired_at TEXT
    )""",
)


class InvalidToken(Exception):
    """A token this identity did not sign, or no longer accepts; the message says why (in English, logs)."""


class SigningKey(msgspec.Struct, frozen=True, kw_only=True):
    kid: str
    private_pem: str
    created_at: datetime
    retired_at: datetime | None

    def private(self) -> Ed25519PrivateKey:
        key = serialization.load_pem_private_key(self.private_pem.encode(), password=None)
        assert isinstance(key, Ed25519PrivateKey)
        return key

    def public(self) -> Ed25519PublicKey:
        return self.private().public_key()


def _b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def public_jwk(key: Ed25519PublicKey, kid: str | None = None) -> dict[str, str]:
    """The key as an OKP JWK (RFC 8037), with its id, algorithm and use when `kid` is given."""
    x = _b64url(key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw))
    jwk = {"kty": "OKP", "crv": "Ed25519", "x": x}
    if kid is not None:
        jwk |= {"kid": kid, "alg": ALGORITHM, "use": "sig"}
    return jwk


def thumbprint(key: Ed25519PublicKey) -> str:
    """RFC 7638: the SHA-256 of the JWK's required members, sorted, without spaces."""
    canonical = json.dumps(public_jwk(key), sort_keys=True, separators=(",", ":"))
    return _b64url(hashlib.sha256(canonical.encode()).digest())


def migrate(store: EventStore) -> None:
    with store.transaction() as tx:
        create_tables(tx, SCHEMA)


@dataclass(eq=False)
class KeyRing:
    """Signs with the current key, verifies with any published one, rotates (the `Signer` port)."""

    store: EventStore
    clock: Clock
    token_ttl: timedelta
    issuer: str
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False)
    _keys: list[SigningKey] | None = field(default=None, init=False)

    def ensure_key(self) -> str:
        """The current key's id, made if there is none yet (a new store)."""
        current = self._current()
        return current.kid if current is not None else self.rotate()

    def rotate(self) -> str:
        """Make a new current key; the previous one is retired now and stays published for a token's life."""
        now = self.clock.now()
        private = Ed25519PrivateKey.generate()
        kid = thumbprint(private.public_key())
        pem = private.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        ).decode()

        def work(tx: Transaction) -> None:
            tx.execute(
                "UPDATE identity_signing_key SET retired_at = ? WHERE retired_at IS NULL", (stored(now),)
            )
            tx.execute(
                "INSERT INTO identity_signing_key (kid, private_key, created_at, retired_at) "
                "VALUES (?, ?, ?, NULL)",
                (kid, pem, stored(now)),
            )

        with self._lock:
            self.store.write(work)
            self._keys = None
        return kid

    def sign(self, claims: dict[str, Any]) -> str:
        current = self._current()
        if current is None:
            raise RuntimeError("no signing key: call ensure_key() at start")
        return jwt.encode(claims, current.private(), algorithm=ALGORITHM, headers={"kid": current.kid})

    def jwks(self) -> dict[str, list[dict[str, str]]]:
        """The published keys, current first."""
        return {"keys": [public_jwk(key.public(), key.kid) for key in self._published()]}

    def verify(self, token: str) -> dict[str, Any]:
        """The claims of a token signed by a published key, for this issuer and audience, not expired (by
        the service's clock); anything else raises `InvalidToken`."""
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as exc:
            raise InvalidToken(f"unreadable token: {exc}") from exc
        if header.get("alg") != ALGORITHM:
            raise InvalidToken(f"algorithm {header.get('alg')!r} refused")
        key = next((k for k in self._published() if k.kid == header.get("kid")), None)
        if key is None:
            raise InvalidToken("unknown or withdrawn key id")
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                key.public(),
                algorithms=[ALGORITHM],
                audience=AUDIENCE,
                issuer=self.issuer,
                # Expiry is checked below against the service's clock (the demo's clock may run fast).
                options={"require": list(REQUIRED_CLAIMS), "verify_exp": False, "verify_iat": False},
            )
        except jwt.PyJWTError as exc:
            raise InvalidToken(str(exc)) from exc
        if int(claims["exp"]) <= self.clock.now().timestamp():
            raise InvalidToken("expired")
        return claims

    def _published(self) -> list[SigningKey]:
        # A retired key is kept while tokens it signed may still be alive.
        oldest = self.clock.now() - self.token_ttl
        return [k for k in self._all() if k.retired_at is None or k.retired_at > oldest]

    def _current(self) -> SigningKey | None:
        return next((k for k in self._all() if k.retired_at is None), None)

    def _all(self) -> list[SigningKey]:
        with self._lock:
            if self._keys is None:
                rows = self.store.query(
                    "SELECT kid, private_key, created_at, retired_at FROM identity_signing_key "
                    "ORDER BY created_at DESC, kid"
                )
                self._keys = [
                    SigningKey(
                        kid=r[0],
                        private_pem=r[1],
                        created_at=loaded(r[2]),
                        retired_at=None if r[3] is None else loaded(r[3]),
                    )
                    for r in rows
                ]
            return self._keys
