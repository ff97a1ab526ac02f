"""Events published by the sites service: premises lent by partners, their rooms and computers.

Two stream types:
- `site`: one stream per site, holding the site and its rooms. A room only exists inside its site and the
  rules about rooms (unique name, no room in a closed site) only need the site's own history.
- `computer`: one stream per computer. Computers break and come back during the day, each on its own: a
  stream of their own keeps those frequent writes from contending with each other or with the site, and
  lets a consumer follow one computer without replaying its whole site.

A site's contact is a professional phone line or mailbox of the premises, not a person: it is not sealed.
Opening hours are wall-clock times at the site (local time), as people read them on the door.
"""

from __future__ import annotations

from typing import ClassVar, Literal

import msgspec

from jobdating.contracts.envelope import Event
from jobdating.contracts.registry import REGISTRY
from jobdating.contracts.windows import DayWindow

SERVICE = "sites"
SITE = "site"
COMPUTER = "computer"

SiteAccessibility = Literal["wheelchair", "hearing_loop"]


class Coordinates(msgspec.Struct, frozen=True, kw_only=True, gc=False):
    """A point in WGS 84 decimal degrees, as a map or a phone gives it."""

    lat: float
    lon: float


class OpeningHours(DayWindow, frozen=True, kw_only=True, gc=False):
    """The site is open on `day` from `start` to `end`, local time at the site."""


class SiteContact(msgspec.Struct, frozen=True, kw_only=True, gc=False):
    """How to reach the premises (reception desk line, shared mailbox); never a person's own contact."""

    phone: str | None = None
    email: str | None = None


class _SiteEvent(Event, frozen=True, kw_only=True):
    """An event of a site's stream (the site and its rooms): the site's id comes first."""

    stream_type: ClassVar[str] = SITE

    site_id: str


class _ComputerEvent(Event, frozen=True, kw_only=True):
    """An event of a computer's stream: its id comes first."""

    stream_type: ClassVar[str] = COMPUTER

    computer_id: str


@REGISTRY.register
class SiteOpened(_SiteEvent, frozen=True, kw_only=True):
    """A partner lent premises for job datings; candidates may choose it as their site."""

    name: str
    host_org: str
    commune: str
    postcode: str
    # Added after the first release (defaults keep earlier payloads readable as they are).
    address: str = ""
    location: Coordinates | None = None
    hours: tuple[OpeningHours, ...] = ()
    accessibility: tuple[SiteAccessibility, ...] = ()
    contact: SiteContact | None = None


class SiteDetails(msgspec.Struct, frozen=True, kw_only=True, gc=False):
    """The practical details of a site that may change once it is open (None: unchanged), field for field
    what the sites service's `ChangeSiteDetails` command asks and `SiteDetailsChanged` records."""

    site_id: str
    address: str | None = None
    location: Coordinates | None = None
    hours: tuple[OpeningHours, ...] | None = None
    accessibility: tuple[SiteAccessibility, ...] | None = None
    contact: SiteContact | None = None


@REGISTRY.register
class SiteDetailsChanged(Event, SiteDetails, frozen=True, kw_only=True):
    """Practical details of an open site changed; absent parts are unchanged, given parts replace the old."""

    stream_type: ClassVar[str] = SITE


@REGISTRY.register
class SiteClosed(_SiteEvent, frozen=True, kw_only=True):
    """A site is no longer available."""

    reason: str


@REGISTRY.register
class SiteReopened(_SiteEvent, frozen=True, kw_only=True):
    """A closed site is available again: candidates may choose it and its computers may be planned."""


@REGISTRY.register
class RoomAdded(_SiteEvent, frozen=True, kw_only=True):
    """A room of a site can host collective workshops for up to `capacity` people."""

    room_id: str
    name: str
    capacity: int


class LentComputer(msgspec.Struct, frozen=True, kw_only=True, gc=False):
    """A computer a partner lends to a site, field for field what the sites service's `AddComputer`
    command asks and `ComputerAdded` records; `visio_ready` means it is set up for video interviews."""

    computer_id: str
    site_id: str
    label: str
    lending_org: str
    webcam: bool
    headset: bool
    visio_ready: bool


@REGISTRY.register
class ComputerAdded(Event, LentComputer, frozen=True, kw_only=True):
    """A partner lent a computer to a site; `visio_ready` means it is set up for video interviews."""

    stream_type: ClassVar[str] = COMPUTER


@REGISTRY.register
class ComputerOutOfOrder(_ComputerEvent, frozen=True, kw_only=True):
    """A computer broke down: interviews planned on it must move."""

    reason: str


@REGISTRY.register
class ComputerBackInService(_ComputerEvent, frozen=True, kw_only=True):
    """A computer that was out of order works again."""


@REGISTRY.register
class ComputerRemoved(_ComputerEvent, frozen=True, kw_only=True):
    """A computer was taken back by its lender; its label may be used again on its site."""

    reason: str
