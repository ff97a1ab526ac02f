"""Why a command is refused, in plain French for the person who asked; the HTTP adapter picks the status."""

from __future__ import annotations

import msgspec


class Problem(msgspec.Struct, frozen=True):
    """One field the caller can look at, and what is wrong with it."""

    field: str
    reason: str


class SiteRefusal(Exception):
    """A command the sites service refuses; nothing is recorded."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(f"{p.field}: {p.reason}" for p in problems))
        self.problems = problems

    @classmethod
    def on(cls, field: str, reason: str) -> SiteRefusal:
        """A refusal about one field."""
        return cls([Problem(field, reason)])


class Invalid(SiteRefusal):
    """The command itself is wrong: a field to correct."""


class NotFound(SiteRefusal):
    """The site or computer the command is about does not exist."""


class Conflict(SiteRefusal):
    """The command does not fit the current state (a closed site, a computer already out of order)."""


class AlreadyExists(Conflict):
    """The id is already taken: re-running a set-up finds its work done."""


class Forbidden(SiteRefusal):
    """The caller's role or organisation may not do this."""
