"""What the sites queries answer: sites with their rooms, computers, what is usable when, what is nearest."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Literal

from jobdating.sites.application.geography import Location


@dataclass(frozen=True)
class Hours:
    day: date
    start: time
    end: time


@dataclass(frozen=True)
class Contact:
    phone: str | None
    email: str | None


@dataclass(frozen=True)
class RoomView:
    room_id: str
    name: str
    capacity: int


@dataclass(frozen=True)
class SiteView:
    site_id: str
    name: str
    host_org: str
    address: str
    commune: str
    postcode: str
    location: Location | None
    hours: tuple[Hours, ...]
    accessibility: tuple[str, ...]
    contact: Contact | None
    status: Literal["open", "closed"]
    closed_reason: str | None
    rooms: tuple[RoomView, ...]


@dataclass(frozen=True)
class ComputerView:
    computer_id: str
    site_id: str
    label: str
    lending_org: str
    webcam: bool
    headset: bool
    visio_ready: bool
    status: Literal["in_service", "out_of_order", "removed"]
    status_reason: str | None
    status_since: datetime


@dataclass(frozen=True)
class UsableSite:
    """A site open over the whole window, with the computers usable for video interviews there."""

    site: SiteView
    computers: tuple[ComputerView, ...]


@dataclass(frozen=True)
class Availability:
    start: datetime
    end: datetime
    sites: tuple[UsableSite, ...]


@dataclass(frozen=True)
class NearSite:
    site: SiteView
    distance_km: float


@dataclass(frozen=True)
class Nearest:
    """Open sites by distance from `origin`; `located_by` says where the origin comes from."""

    located_by: Literal["coordinates", "postcode", "departement"]
    origin: Location
    sites: tuple[NearSite, ...]
