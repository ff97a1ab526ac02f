"""Why a command is refused, in plain French for the person who asked; the HTTP adapter picks the status."""

from __future__ import annotations

import msgspec


class Problem(msgspec.Struct, frozen=True):
    """One field the caller can look at, and what is wrong with it."""

    field: str
    reason: str


class SchedulingRefusal(Exception):
    """A command the scheduling service refuses; nothing is recorded."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(f"{p.field}: {p.reason}" for p in problems))
        self.problems = problems

    @classmethod
    def on(cls, field: str, reason: str) -> SchedulingRefusal:
        """A refusal about one field."""
        return cls([Problem(field, reason)])


class Invalid(SchedulingRefusal):
    """The command itself is wrong: a field to correct."""


class NotFound(SchedulingRefusal):
    """The job dating, slot, workshop, candidate or company the command is about is unknown here."""


class Conflict(SchedulingRefusal):
    """The command does not fit the current state (a published plan, a slot already cancelled...)."""


class AlreadyExists(Conflict):
    """The id is already taken."""


class Forbidden(SchedulingRefusal):
    """The caller's role or organisation may not do this."""


def refuse_if(problems: list[Problem]) -> None:
    """Raise `Invalid` with every problem found, if any."""
    if problems:
        raise Invalid(problems)
