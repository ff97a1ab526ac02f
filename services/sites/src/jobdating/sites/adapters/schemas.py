"""Request bodies of the sites API (pydantic, unknown fields refused)."""

from __future__ import annotations

from datetime import date
from typing import Literal

from jobdating.runtime.http import Body, LocalTime, Text


class LocationIn(Body):
    lat: float
    lon: float


class HoursIn(Body):
    day: date
    start: LocalTime
    end: LocalTime


class ContactIn(Body):
    phone: Text | None = None
    email: Text | None = None


class SiteIn(Body):
    """A site to open; `site_id` is generated when absent, `host_org` defaults to the caller's org."""

    site_id: Text | None = None
    name: Text
    host_org: Text | None = None
    address: Text
    commune: Text
    postcode: Text
    location: LocationIn
    hours: list[HoursIn]
    accessibility: list[Literal["wheelchair", "hearing_loop"]] = []
    contact: ContactIn | None = None


class SiteChangesIn(Body):
    """Details to change; absent (or null) ones stay as they are, given ones replace the old."""

    address: Text | None = None
    location: LocationIn | None = None
    hours: list[HoursIn] | None = None
    accessibility: list[Literal["wheelchair", "hearing_loop"]] | None = None
    contact: ContactIn | None = None


class ReasonIn(Body):
    reason: Text


class RoomIn(Body):
    name: Text
    capacity: int


class ComputerIn(Body):
    """A lent computer; `computer_id` is generated when absent, `lending_org` defaults to the caller's org."""

    computer_id: Text | None = None
    site_id: Text
    label: Text
    lending_org: Text | None = None
    webcam: bool
    headset: bool
    visio_ready: bool
