"""What the candidate and company rules share: a command on a person's or a company's stream needs a
live profile, and a sign-up needs its sealed fields."""

from __future__ import annotations

from typing import Protocol, TypeVar

from jobdating.contracts.sealed import Sealed
from jobdating.registration.domain.errors import Conflict, NotFound, Rejected

Profile_co = TypeVar("Profile_co", covariant=True)


class Folded(Protocol[Profile_co]):
    """A stream's state as its rules read it (`CandidateState`, `CompanyState`)."""

    @property
    def registered(self) -> bool: ...

    @property
    def profile(self) -> Profile_co | None: ...


def live_profile(state: Folded[Profile_co], field: str, unknown: str, *gone: tuple[bool, str]) -> Profile_co:
    """The profile of a registered stream, else NotFound on `field`; the first of `gone` (whether it holds,
    its French reason) that holds refuses it as a conflict (erased, withdrawn)."""
    if not state.registered or state.profile is None:
        raise Rejected([NotFound(field, unknown)])
    for holds, reason in gone:
        if holds:
            raise Rejected([Conflict(field, reason)])
    return state.profile


def sealed_sign_up(sealed: Sealed | None, missing: str) -> Sealed:
    """The sealed fields a sign-up carries; their absence is a bug of the caller (`missing` says which)."""
    if sealed is None:
        raise ValueError(missing)
    return sealed
