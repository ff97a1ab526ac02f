"""Why a command is refused, in plain French for the person who asked; the HTTP adapter picks the status."""

from __future__ import annotations

import msgspec


class Problem(msgspec.Struct, frozen=True):
    """One field the caller can look at, and what is wrong with it."""

    field: str
    reason: str


class IdentityRefusal(Exception):
    """A command the identity service refuses; nothing is recorded."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(f"{p.field}: {p.reason}" for p in problems))
        self.problems = problems

    @classmethod
    def on(cls, field: str, reason: str) -> IdentityRefusal:
        """A refusal about one field."""
        return cls([Problem(field, reason)])


class Invalid(IdentityRefusal):
    """The command itself is wrong: a field to correct."""


class NotFound(IdentityRefusal):
    """The organisation or account the command is about does not exist."""


class Conflict(IdentityRefusal):
    """The command does not fit the current state (a disabled account, a role already held)."""


class AlreadyExists(Conflict):
    """The id is already taken."""


class Forbidden(IdentityRefusal):
    """The caller's role or organisation may not do this."""


class Gone(IdentityRefusal):
    """An invitation link that expired or was already used: it will never work again."""


class Unauthenticated(IdentityRefusal):
    """A sign-in that failed (wrong address, password or code): the same answer whatever was wrong."""


class Throttled(IdentityRefusal):
    """Too many failed sign-ins lately; `retry_after` seconds before the next try is heard."""

    def __init__(self, problems: list[Problem], retry_after: int) -> None:
        super().__init__(problems)
        self.retry_after = retry_after
