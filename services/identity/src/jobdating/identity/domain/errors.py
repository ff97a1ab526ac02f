"""Why an identity command is refused (an organisation or account unknown, a disabled account, a role
already held...): the kinds every service shares, and those of signing in."""

from __future__ import annotations

from jobdating.runtime.refusals import AlreadyExists, Conflict, Forbidden, Invalid, NotFound, Problem
from jobdating.runtime.refusals import Refusal as IdentityRefusal

__all__ = [
    "AlreadyExists",
    "Conflict",
    "Forbidden",
    "Gone",
    "IdentityRefusal",
    "Invalid",
    "NotFound",
    "Problem",
    "Throttled",
    "Unauthenticated",
]


class Gone(IdentityRefusal):
    """An invitation link that expired or was already used: it will never work again."""


class Unauthenticated(IdentityRefusal):
    """A sign-in that failed (wrong address, password or code): the same answer whatever was wrong."""


class Throttled(IdentityRefusal):
    """Too many failed sign-ins lately; `retry_after` seconds before the next try is heard."""

    def __init__(self, problems: list[Problem], retry_after: int) -> None:
        super().__init__(problems)
        self.retry_after = retry_after
