"""What people ask the sites service to do: imperative, small, frozen."""

from __future__ import annotations

import msgspec

from jobdating.contracts.sites import Coordinates, OpeningHours, SiteAccessibility, SiteContact


class OpenSite(msgspec.Struct, frozen=True, kw_only=True):
    """A partner lends premises for the job dating."""

    site_id: str
    name: str
    host_org: str
    address: str
    commune: str
    postcode: str
    location: Coordinates
    hours: tuple[OpeningHours, ...]
    accessibility: tuple[SiteAccessibility, ...] = ()
    contact: SiteContact | None = None


class ChangeSiteDetails(msgspec.Struct, frozen=True, kw_only=True):
    """Correct the practical details of an open site; `None` leaves a detail as it is."""

    site_id: str
    address: str | None = None
    location: Coordinates | None = None
    hours: tuple[OpeningHours, ...] | None = None
    accessibility: tuple[SiteAccessibility, ...] | None = None
    contact: SiteContact | None = None


class CloseSite(msgspec.Struct, frozen=True, kw_only=True):
    """The premises are no longer available."""

    site_id: str
    reason: str


class ReopenSite(msgspec.Struct, frozen=True, kw_only=True):
    """The premises of a closed site are available again."""

    site_id: str


class AddRoom(msgspec.Struct, frozen=True, kw_only=True):
    """A room of a site can host collective workshops."""

    site_id: str
    room_id: str
    name: str
    capacity: int


class AddComputer(msgspec.Struct, frozen=True, kw_only=True):
    """A partner lends a computer to a site."""

    computer_id: str
    site_id: str
    label: str
    lending_org: str
    webcam: bool
    headset: bool
    visio_ready: bool


class PutComputerOutOfOrder(msgspec.Struct, frozen=True, kw_only=True):
    """A computer broke down."""

    computer_id: str
    reason: str


class PutComputerBackInService(msgspec.Struct, frozen=True, kw_only=True):
    """A computer works again."""

    computer_id: str


class RemoveComputer(msgspec.Struct, frozen=True, kw_only=True):
    """The lender takes a computer back."""

    computer_id: str
    reason: str


SetUpCommand = OpenSite | AddRoom | AddComputer
"""What a set-up (e.g. the demo) runs to furnish sites before the day."""
