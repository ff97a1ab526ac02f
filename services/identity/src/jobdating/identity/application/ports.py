"""What the identity use cases need from the outside world, as protocols; `bootstrap.py` picks the adapters.

Everything secret or personal goes through these ports, into identity's private tables or out by mail:
never into an event.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, Protocol

import msgspec

from jobdating.eventstore.base import Transaction


class MailFailed(Exception):
    """The mail server did not take the message: nothing was sent."""


class Mailer(Protocol):
    """Sends one plain-text e-mail, or raises `MailFailed`."""

    def send(self, to: str, subject: str, text: str) -> None: ...


class Passwords(Protocol):
    """Password hashing (argon2id in production)."""

    def hash(self, password: str) -> str: ...

    def verify(self, hashed: str, password: str) -> bool: ...

    def burn(self, password: str) -> None:
        """The work of one `verify` against no account, so that an unknown address costs the same time."""


class Randomness(Protocol):
    """Unguessable values: invitation tokens, TOTP secrets, account ids."""

    def token(self) -> str: ...

    def totp_secret(self) -> str: ...

    def account_id(self) -> str: ...


class SecondFactor(Protocol):
    """Time-based one-time codes (RFC 6238)."""

    def uri(self, secret: str, label: str) -> str:
        """The otpauth:// URI an authenticator app reads (shown once, as a QR code or text)."""

    def check(self, secret: str, code: str, at: datetime, after_step: int | None) -> int | None:
        """The time step `code` belongs to if it is valid at `at` and later than `after_step` (a code is
        used once), else None."""


class Signer(Protocol):
    """Signs access tokens with the current key."""

    def sign(self, claims: dict[str, Any]) -> str: ...


class Login(msgspec.Struct, frozen=True, kw_only=True):
    """What identity keeps privately of an account: how it signs in. Joined with the account's read model."""

    account_id: str
    organisation_id: str
    email: str
    roles: tuple[str, ...]
    status: str
    password_hash: str | None
    totp_secret: str | None
    totp_step: int | None


class Invitation(msgspec.Struct, frozen=True, kw_only=True):
    """One invitation link, known by the hash of its token."""

    account_id: str
    organisation_id: str
    email: str
    expires_at: datetime
    used_at: datetime | None


class PrivateTables(Protocol):
    """Identity's private tables (addresses, password hashes, TOTP secrets, invitations, failed sign-ins),
    read and written in the command's own transaction."""

    def login_by_email(self, tx: Transaction, email: str) -> Login | None: ...

    def login_by_account(self, tx: Transaction, account_id: str) -> Login | None: ...

    def add_login(self, tx: Transaction, account_id: str, email: str) -> None: ...

    def set_credentials(
        self, tx: Transaction, account_id: str, password_hash: str, totp_secret: str | None
    ) -> None: ...

    def set_totp_step(self, tx: Transaction, account_id: str, step: int) -> None: ...

    def add_invitation(
        self, tx: Transaction, token_hash: str, account_id: str, expires_at: datetime, issued_at: datetime
    ) -> None:
        """Record a new link; the account's earlier links stop working (only the last one sent counts)."""

    def invitation(self, tx: Transaction, token_hash: str) -> Invitation | None: ...

    def use_invitation(self, tx: Transaction, token_hash: str, at: datetime) -> None: ...

    def failures(self, tx: Transaction, keys: Sequence[str], since: datetime) -> dict[str, list[datetime]]:
        """The failed sign-ins since `since`, per key (an account's hashed address, a client address)."""

    def add_failure(self, tx: Transaction, keys: Sequence[str], at: datetime, before: datetime) -> None:
        """Count one failed sign-in under each key (and forget those older than `before`)."""

    def clear_failures(self, tx: Transaction, key: str) -> None: ...
