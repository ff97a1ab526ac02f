"""Events published by the sites service that other services already rely on."""

from __future__ import annotations

from typing import ClassVar

from jobdating.contracts.envelope import Event
from jobdating.contracts.registry import REGISTRY

SERVICE = "sites"
SITE = "site"


@REGISTRY.register
class SiteOpened(Event, frozen=True, kw_only=True):
    """A partner lent premises for job datings; candidates may choose it as their site."""

    event_type: ClassVar[str] = "SiteOpened"
    schema_version: ClassVar[int] = 1
    stream_type: ClassVar[str] = SITE

    site_id: str
    name: str
    host_org: str
    commune: str
    postcode: str


@REGISTRY.register
class SiteClosed(Event, frozen=True, kw_only=True):
    """A site is no longer available."""

    event_type: ClassVar[str] = "SiteClosed"
    schema_version: ClassVar[int] = 1
    stream_type: ClassVar[str] = SITE

    site_id: str
    reason: str
