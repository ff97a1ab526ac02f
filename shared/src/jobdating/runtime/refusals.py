"""Why a command is refused, in plain French for the person who asked; the HTTP adapter picks the status.

The kinds every service's domain raises. Each service's `domain/errors.py` re-exports them under its own
refusal name and adds the kinds only it has; pure, no I/O.
"""

from __future__ import annotations

from typing import Self

import msgspec


class Problem(msgspec.Struct, frozen=True):
    """One field the caller can look at, and what is wrong with it."""

    field: str
    reason: str


class Refusal(Exception):
    """A command the service refuses; nothing is recorded."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(f"{p.field}: {p.reason}" for p in problems))
        self.problems = problems

    @classmethod
    def on(cls, field: str, reason: str) -> Self:
        """A refusal about one field."""
        return cls([Problem(field, reason)])


class Invalid(Refusal):
    """The command itself is wrong: a field to correct."""


class NotFound(Refusal):
    """What the command is about (a site, a slot, an account...) is unknown here."""


class Conflict(Refusal):
    """The command does not fit the current state (a closed site, a published plan, a disabled account...)."""


class AlreadyExists(Conflict):
    """The id is already taken: re-running a set-up finds its work done."""


class Forbidden(Refusal):
    """The caller's role or organisation may not do this."""


def refuse_if(problems: list[Problem]) -> None:
    """Raise `Invalid` with every problem found, if any."""
    if problems:
        raise Invalid(problems)
