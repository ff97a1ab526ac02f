"""Server-side sessions: the cookie carries a random id only; the access token stays on the server.

They are kept in the console's own store (`SessionRecords`, see `adapters/session_store.py`), so that a
restarted console, or another console process behind the same proxy, still knows who is signed in.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol


@dataclass
class Session:
    session_id: str
    csrf: str
    expires_at: datetime
    token: str | None = None
    token_expires_at: datetime | None = None
    account_id: str = ""
    org: str = ""
    roles: tuple[str, ...] = ()
    email: str = ""
    flash: list[str] = field(default_factory=list)

    def signed_in(self, now: datetime) -> bool:
        return self.token is not None and self.token_expires_at is not None and now < self.token_expires_at


class SessionRecords(Protocol):
    """Where sessions are kept, by their id (which the records may store only as a hash)."""

    def read(self, session_id: str) -> Session | None: ...

    def write(self, session: Session) -> None: ...

    def delete(self, session_id: str) -> None: ...

    def forget_expired(self, now: datetime) -> None: ...


class Sessions:
    """The open sessions: opened, read back while unexpired, changed and closed."""

    def __init__(self, records: SessionRecords, lifetime: timedelta):
        self.lifetime = lifetime
        self._records = records

    def get(self, session_id: str | None, now: datetime) -> Session | None:
        if not session_id:
            return None
        session = self._records.read(session_id)
        if session is not None and session.expires_at <= now:
            self._records.delete(session_id)
            return None
        return session

    def open(self, now: datetime) -> Session:
        session = Session(
            session_id=secrets.token_urlsafe(32),
            csrf=secrets.token_urlsafe(32),
            expires_at=now + self.lifetime,
        )
        # Abandoned sessions are forgotten as new ones start (nothing else ever reads them again).
        self._records.forget_expired(now)
        self._records.write(session)
        return session

    def save(self, session: Session) -> None:
        """Keep what a request changed in a session (its token, its messages for the next page)."""
        self._records.write(session)

    def renew(self, old: Session, now: datetime) -> Session:
        """A new id (and CSRF token) at sign-in: an id planted before the sign-in is worth nothing after."""
        self.close(old.session_id)
        return self.open(now)

    def close(self, session_id: str) -> None:
        self._records.delete(session_id)
