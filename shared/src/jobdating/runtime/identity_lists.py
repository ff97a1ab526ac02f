"""What the identity service publishes for offline token checks, fetched and kept fresh: its signing keys
(JWKS) and the accounts it disabled.

Both are refreshed lazily by the requests that need them: one thread fetches while the others go on with
the copy they have, so a slow identity service delays one request per refresh, not all of them.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

import httpx
import jwt
import msgspec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

log = logging.getLogger(__name__)


class _Jwks(msgspec.Struct):
    keys: list[dict[str, Any]]


class _Revocations(msgspec.Struct):
    accounts: dict[str, str]


def _get(http: httpx.Client, url: str) -> bytes:
    response = http.get(url)
    response.raise_for_status()
    return response.content


class SigningKeys:
    """Identity's public Ed25519 keys by `kid`: refetched every `every` seconds, and on an unknown `kid`
    (a rotation) at most once per `unknown_every` seconds, so that forged kids cannot flood identity."""

    def __init__(
        self,
        http: httpx.Client,
        url: str,
        *,
        every: float = 600.0,
        unknown_every: float = 5.0,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._http, self._url = http, url
        self._every, self._unknown_every = every, unknown_every
        self._monotonic = monotonic
        self._keys: dict[str, Ed25519PublicKey] = {}
        self._fetched_at: float | None = None
        self._tried_at: float | None = None
        self._unknown_at: float | None = None
        self._lock = threading.Lock()

    def get(self, kid: str) -> Ed25519PublicKey | None:
        """The key named `kid`, or None when identity does not publish it."""
        now = self._monotonic()
        key = self._keys.get(kid)
        if key is not None:
            if self._fetched_at is not None and now - self._fetched_at > self._every:
                self._refresh(now, wait=False)
            return key
        if self._fetched_at is None:
            # Never fetched (identity starting, or out of reach): try again at most once per second.
            if self._tried_at is None or now - self._tried_at >= 1.0:
                self._refresh(now, wait=True)
        elif self._unknown_at is None or now - self._unknown_at >= self._unknown_every:
            # A rotation shows up as a kid not seen yet: refetch at once, at most once per `unknown_every`.
            self._unknown_at = now
            self._refresh(now, wait=True)
        return self._keys.get(kid)

    def _refresh(self, now: float, *, wait: bool) -> None:
        if not self._lock.acquire(blocking=wait):
            return
        try:
            if self._tried_at is not None and self._tried_at > now:
                return  # another thread fetched while this one waited
            self._tried_at = self._monotonic()
            keys = self._parse(_get(self._http, self._url))
        except (httpx.HTTPError, msgspec.DecodeError) as exc:
            log.warning("identity keys unavailable at %s: %s", self._url, exc)
        else:
            self._keys, self._fetched_at = keys, self._tried_at
        finally:
            self._lock.release()

    @staticmethod
    def _parse(raw: bytes) -> dict[str, Ed25519PublicKey]:
        keys: dict[str, Ed25519PublicKey] = {}
        for jwk in msgspec.json.decode(raw, type=_Jwks).keys:
            # Only Ed25519 signing keys: anything else published there is not for access tokens.
            if jwk.get("kty") != "OKP" or jwk.get("crv") != "Ed25519" or jwk.get("alg", "EdDSA") != "EdDSA":
                continue
            if jwk.get("use", "sig") != "sig" or not isinstance(jwk.get("kid"), str):
                continue
            try:
                key = jwt.PyJWK(jwk, algorithm="EdDSA").key
            except jwt.PyJWKError as exc:
                log.warning("identity key %s unreadable: %s", jwk.get("kid"), exc)
                continue
            if isinstance(key, Ed25519PublicKey):
                keys[jwk["kid"]] = key
        return keys


class RevokedAccounts:
    """The accounts identity disabled, refetched when older than `every` seconds.

    `is_revoked` raises `Stale` when the list could not be refreshed for `max_age` seconds: past that, a
    disabled account's tokens might still pass, so no access token is trusted until identity answers.
    """

    class Stale(Exception):
        """The list is too old to trust (or was never fetched)."""

    def __init__(
        self,
        http: httpx.Client,
        url: str,
        *,
        every: float = 30.0,
        max_age: float | None = None,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._http, self._url = http, url
        self._every = every
        self._max_age = max_age if max_age is not None else max(10 * every, 60.0)
        self._monotonic = monotonic
        self._accounts: frozenset[str] = frozenset()
        self._fetched_at: float | None = None
        self._tried_at: float | None = None
        self._lock = threading.Lock()

    def is_revoked(self, account: str) -> bool:
        now = self._monotonic()
        age = None if self._fetched_at is None else now - self._fetched_at
        # A failing identity is retried at most once per second, not on every request.
        retry = self._tried_at is None or now - self._tried_at >= min(self._every, 1.0)
        if (age is None or age > self._every) and retry:
            # Requests wait for the list only when the one they have is too old to trust.
            self._refresh(wait=age is None or age > self._max_age)
        fetched_at = self._fetched_at
        if fetched_at is None or self._monotonic() - fetched_at > self._max_age:
            raise RevokedAccounts.Stale
        return account in self._accounts

    def _refresh(self, *, wait: bool) -> None:
        if not self._lock.acquire(blocking=wait):
            return
        try:
            started = self._monotonic()
            if self._fetched_at is not None and started - self._fetched_at <= self._every:
                return  # another thread fetched while this one waited
            self._tried_at = started
            accounts = msgspec.json.decode(_get(self._http, self._url), type=_Revocations).accounts
        except (httpx.HTTPError, msgspec.DecodeError) as exc:
            log.warning("identity revocations unavailable at %s: %s", self._url, exc)
        else:
            self._accounts, self._fetched_at = frozenset(accounts), started
        finally:
            self._lock.release()
