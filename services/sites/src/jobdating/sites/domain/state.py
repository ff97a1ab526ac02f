"""What the decisions need to know about a site or a computer, folded from its stream."""

from __future__ import annotations

from typing import Literal

import msgspec

from jobdating.contracts.sites import Coordinates, OpeningHours, SiteAccessibility, SiteContact

ComputerStatus = Literal["in_service", "out_of_order", "removed"]


class Room(msgspec.Struct, frozen=True, kw_only=True):
    """A room of a site and how many people it seats."""

    room_id: str
    name: str
    capacity: int


class SiteState(msgspec.Struct, frozen=True, kw_only=True):
    """A site as its own stream tells it; `opened` is False until SiteOpened."""

    site_id: str = ""
    opened: bool = False
    closed: bool = False
    name: str = ""
    host_org: str = ""
    commune: str = ""
    postcode: str = ""
    address: str = ""
    location: Coordinates | None = None
    hours: tuple[OpeningHours, ...] = ()
    accessibility: tuple[SiteAccessibility, ...] = ()
    contact: SiteContact | None = None
    rooms: tuple[Room, ...] = ()

    @property
    def is_open(self) -> bool:
        """Opened and not closed since."""
        return self.opened and not self.closed


class ComputerState(msgspec.Struct, frozen=True, kw_only=True):
    """A computer as its own stream tells it; `added` is False until ComputerAdded."""

    computer_id: str = ""
    added: bool = False
    site_id: str = ""
    label: str = ""
    lending_org: str = ""
    visio_ready: bool = False
    status: ComputerStatus = "in_service"
