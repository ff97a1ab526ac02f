"""Server-side sessions: the cookie carries a random id only; the access token stays on the server.

Kept in memory: a restarted console asks people to sign in again, which its access tokens (minutes long)
would soon do anyway.
"""

from __future__ import annotations

import secrets
import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta


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


class Sessions:
    """The open sessions, by id."""

    def __init__(self, lifetime: timedelta):
        self.lifetime = lifetime
        self._by_id: dict[str, Session] = {}
        self._lock = threading.Lock()

    def get(self, session_id: str | None, now: datetime) -> Session | None:
        if not session_id:
            return None
        with self._lock:
            session = self._by_id.get(session_id)
            if session is not None and session.expires_at <= now:
                del self._by_id[session_id]
                return None
            return session

    def open(self, now: datetime) -> Session:
        session = Session(
            session_id=secrets.token_urlsafe(32),
            csrf=secrets.token_urlsafe(32),
            expires_at=now + self.lifetime,
        )
        with self._lock:
            self._prune(now)
            self._by_id[session.session_id] = session
        return session

    def renew(self, old: Session, now: datetime) -> Session:
        """A new id (and CSRF token) at sign-in: an id planted before the sign-in is worth nothing after."""
        self.close(old.session_id)
        return self.open(now)

    def close(self, session_id: str) -> None:
        with self._lock:
            self._by_id.pop(session_id, None)

    def _prune(self, now: datetime) -> None:
        for key in [k for k, s in self._by_id.items() if s.expires_at <= now]:
            del self._by_id[key]
