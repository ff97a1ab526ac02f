"""What signing in through an organisation's OpenID Connect provider needs from the outside world: the
provider itself (authorization URL, code exchange, verified ID token) and identity's private tables of
sign-ins under way and of accounts linked to a provider's subject. `bootstrap.py` picks the adapters."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

import msgspec

from jobdating.eventstore.base import Transaction


class ProviderUnavailable(Exception):
    """The provider could not be reached or answered something unreadable (discovery, JWKS, token)."""


class ProviderRefused(Exception):
    """The provider refused the code exchange (an expired or already used code, a client it does not know)."""


class InvalidIdToken(Exception):
    """The ID token failed a check: signature against the provider's JWKS, `iss`, `aud`, `exp`, `nonce`."""


class ProviderIdentity(msgspec.Struct, frozen=True, kw_only=True):
    """Who the provider says signed in, from a verified ID token."""

    issuer: str
    subject: str
    email: str | None
    email_verified: bool


class IdentityProvider(Protocol):
    """One organisation's OpenID Connect provider (authorization code flow with PKCE)."""

    @property
    def issuer(self) -> str: ...

    @property
    def email_domain(self) -> str | None:
        """When set, only addresses of this domain may sign in through this provider."""

    def authorization_url(self, redirect_uri: str, state: str, nonce: str, code_verifier: str) -> str:
        """Where to send the browser: the provider's authorization endpoint with the request's parameters
        (S256 code challenge of `code_verifier`). Raises `ProviderUnavailable`."""

    def identity(self, code: str, redirect_uri: str, code_verifier: str, nonce: str) -> ProviderIdentity:
        """Exchange the code and verify the ID token; raises `ProviderRefused`, `InvalidIdToken` or
        `ProviderUnavailable`."""


class PendingSignIn(msgspec.Struct, frozen=True, kw_only=True):
    """A sign-in sent to a provider and not back yet, known by the hash of its `state`."""

    organisation_id: str
    nonce: str
    code_verifier: str
    browser_hash: str
    expires_at: datetime


class OidcTables(Protocol):
    """Identity's private tables for OpenID Connect, read and written in the caller's transaction."""

    def add_pending(self, tx: Transaction, state_hash: str, pending: PendingSignIn, now: datetime) -> None:
        """Record a sign-in under way (and forget those expired before `now`)."""

    def take_pending(self, tx: Transaction, state_hash: str) -> PendingSignIn | None:
        """The sign-in under way with this state, removed: a state serves once, whatever follows."""

    def linked_account(self, tx: Transaction, issuer: str, subject: str) -> str | None: ...

    def linked_subject(self, tx: Transaction, account_id: str, issuer: str) -> str | None: ...

    def link(self, tx: Transaction, issuer: str, subject: str, account_id: str, at: datetime) -> None: ...
