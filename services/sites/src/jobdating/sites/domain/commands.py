"""What people ask the sites service to do: imperative, small, frozen."""

from __future__ import annotations

import msgspec

from jobdating.contracts.sites import (
    Coordinates,
    LentComputer,
    OpeningHours,
    SiteAccessibility,
    SiteContact,
    SiteDetails,
)


class SiteCommand(msgspec.Struct, frozen=True, kw_only=True):
    """A command about one site."""

    site_id: str


class ComputerCommand(msgspec.Struct, frozen=True, kw_only=True):
    """A command about one computer."""

    computer_id: str


class OpenSite(SiteCommand, frozen=True, kw_only=True):
    """A partner lends premises for the job dating."""

    name: str
    host_org: str
    address: str
    commune: str
    postcode: str
    location: Coordinates
    hours: tuple[OpeningHours, ...]
    accessibility: tuple[SiteAccessibility, ...] = ()
    contact: SiteContact | None = None


class ChangeSiteDetails(SiteDetails, frozen=True, kw_only=True):
    """Correct the practical details of an open site; `None` leaves a detail as it is."""


class CloseSite(SiteCommand, frozen=True, kw_only=True):
    """The premises are no longer available."""

    reason: str


class ReopenSite(SiteCommand, frozen=True, kw_only=True):
    """The premises of a closed site are available again."""


class AddRoom(SiteCommand, frozen=True, kw_only=True):
    """A room of a site can host collective workshops."""

    room_id: str
    name: str
    capacity: int


class AddComputer(LentComputer, frozen=True, kw_only=True):
    """A partner lends a computer to a site."""


class PutComputerOutOfOrder(ComputerCommand, frozen=True, kw_only=True):
    """A computer broke down."""

    reason: str


class PutComputerBackInService(ComputerCommand, frozen=True, kw_only=True):
    """A computer works again."""


class RemoveComputer(ComputerCommand, frozen=True, kw_only=True):
    """The lender takes a computer back."""

    reason: str


SetUpCommand = OpenSite | AddRoom | AddComputer
"""What a set-up (e.g. the demo) runs to furnish sites before the day."""
