"""Questions asked of the sites read model: sites, computers, what is usable when, and what is nearest
(answers in `views`, distances in `geography`)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime, time, tzinfo
from typing import Any, Literal

import msgspec

from jobdating.contracts.sites import Coordinates, OpeningHours
from jobdating.eventstore.base import EventStore
from jobdating.eventstore.reading import columns, struct_of
from jobdating.sites.application.geography import Location, haversine_km, postcode_location
from jobdating.sites.application.views import (
    Availability,
    ComputerView,
    Contact,
    Hours,
    Nearest,
    NearSite,
    RoomView,
    SiteView,
    UsableSite,
)
from jobdating.sites.domain import validation as check
from jobdating.sites.domain.errors import Invalid

MAX_NEAREST = 50

_SITE_COLUMNS = (
    "site_id, name, host_org, address, commune, postcode, lat, lon, hours, accessibility, "
    "contact_phone, contact_email, status, closed_reason"
)
_COMPUTER_COLUMNS = columns(ComputerView)
_hours = msgspec.json.Decoder(tuple[OpeningHours, ...])
_strings = msgspec.json.Decoder(tuple[str, ...])


class SiteQueries:
    """Reads the sites read model; `zone` is the local time of the sites (their opening hours)."""

    def __init__(self, store: EventStore, zone: tzinfo) -> None:
        self.store = store
        self.zone = zone

    def sites(self, include_closed: bool = False) -> list[SiteView]:
        """Sites by name; closed ones only when asked."""
        where = "" if include_closed else " WHERE status = 'open'"
        return self._sites(f"SELECT {_SITE_COLUMNS} FROM sites_site{where} ORDER BY name, site_id", ())

    def site(self, site_id: str) -> SiteView | None:
        """One site, open or closed."""
        found = self._sites(
            f"SELECT {_SITE_COLUMNS} FROM sites_site WHERE site_id = ?", (site_id,), only=site_id
        )
        return found[0] if found else None

    def computers(self, site_id: str | None = None, include_removed: bool = False) -> list[ComputerView]:
        """Computers of one site (or of all sites) by site and label; removed ones only when asked."""
        conditions, params = [], []
        if site_id is not None:
            conditions.append("site_id = ?")
            params.append(site_id)
        if not include_removed:
            conditions.append("status <> 'removed'")
        where = f" WHERE {' AND '.join(conditions)}" if conditions else ""
        rows = self.store.query(
            f"SELECT {_COMPUTER_COLUMNS} FROM sites_computer{where} ORDER BY site_id, label_key", params
        )
        return [_computer(r) for r in rows]

    def computer(self, computer_id: str) -> ComputerView | None:
        """One computer, whatever its status."""
        rows = self.store.query(
            f"SELECT {_COMPUTER_COLUMNS} FROM sites_computer WHERE computer_id = ?", (computer_id,)
        )
        return _computer(rows[0]) if rows else None

    def availability(self, start: datetime, end: datetime) -> Availability:
        """Sites open over the whole window, each with its computers in service and ready for video.

        A window is read in the sites' local time (a window without a time zone already is). A site is
        usable when one opening range of that day, or several back to back, covers the window.
        """
        local_start, local_end = self._local(start), self._local(end)
        if local_end <= local_start:
            raise Invalid.on("end", "la fin doit être après le début")
        sites = [s for s in self.sites() if _covers(s.hours, local_start, local_end)]
        usable: dict[str, list[ComputerView]] = defaultdict(list)
        for computer in self.computers():
            if computer.status == "in_service" and computer.visio_ready:
                usable[computer.site_id].append(computer)
        return Availability(
            start=start,
            end=end,
            sites=tuple(UsableSite(site=s, computers=tuple(usable[s.site_id])) for s in sites),
        )

    def nearest(self, lat: float, lon: float, limit: int = 5) -> Nearest:
        """Open sites nearest to a point, with their distance in kilometres."""
        problems = check.location("", Coordinates(lat=lat, lon=lon))
        if problems:
            raise Invalid(problems)
        return self._nearest("coordinates", Location(lat=lat, lon=lon), limit)

    def nearest_to_postcode(self, postcode: str, limit: int = 5) -> Nearest:
        """Open sites nearest to a postcode, placed where its communes are.

        A postcode's position is the population-weighted mean of its communes' positions, from official
        open data shipped with the service (see `geography.postcode_location`), whether or not a site has it.
        """
        if check.postcode("postcode", postcode):
            raise Invalid.on("postcode", "le code postal doit compter 5 chiffres")
        origin = postcode_location(postcode)
        if origin is None:
            raise Invalid.on("postcode", "code postal inconnu : aucune commune de France n'a ce code postal")
        return self._nearest("postcode", origin, limit)

    def _nearest(
        self, located_by: Literal["coordinates", "postcode", "departement"], origin: Location, limit: int
    ) -> Nearest:
        if not 1 <= limit <= MAX_NEAREST:
            raise Invalid.on("limit", f"le nombre de sites doit être compris entre 1 et {MAX_NEAREST}")
        ranked = sorted(
            (
                NearSite(site=s, distance_km=round(haversine_km(origin, s.location), 1))
                for s in self.sites()
                if s.location is not None
            ),
            key=lambda near: (near.distance_km, near.site.name),
        )
        return Nearest(located_by=located_by, origin=origin, sites=tuple(ranked[:limit]))

    def _local(self, moment: datetime) -> datetime:
        # Opening hours are wall-clock times at the sites: compare like with like.
        if moment.tzinfo is None:
            return moment
        return moment.astimezone(self.zone).replace(tzinfo=None)

    def _sites(self, sql: str, params: Sequence[Any], only: str | None = None) -> list[SiteView]:
        rows = self.store.query(sql, params)
        if not rows:
            return []
        where, room_params = (" WHERE site_id = ?", (only,)) if only is not None else ("", ())
        rooms: dict[str, list[RoomView]] = defaultdict(list)
        for site_id, room_id, name, capacity in self.store.query(
            f"SELECT site_id, room_id, name, capacity FROM sites_room{where} ORDER BY name, room_id",
            room_params,
        ):
            rooms[site_id].append(RoomView(room_id=room_id, name=name, capacity=int(capacity)))
        return [_site(r, tuple(rooms[r[0]])) for r in rows]


def _covers(hours: Sequence[Hours], start: datetime, end: datetime) -> bool:
    if start.date() != end.date():
        return False
    day = sorted((h.start, h.end) for h in hours if h.day == start.date())
    merged: list[tuple[time, time]] = []
    for opens, closes in day:
        if merged and opens <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], closes))
        else:
            merged.append((opens, closes))
    return any(opens <= start.time() and end.time() <= closes for opens, closes in merged)


def _site(r: Any, rooms: tuple[RoomView, ...]) -> SiteView:
    phone, email = r[10], r[11]
    return SiteView(
        site_id=r[0],
        name=r[1],
        host_org=r[2],
        address=r[3],
        commune=r[4],
        postcode=r[5],
        location=Location(lat=float(r[6]), lon=float(r[7])) if r[6] is not None else None,
        hours=tuple(Hours(day=h.day, start=h.start, end=h.end) for h in _hours.decode(r[8])),
        accessibility=_strings.decode(r[9]),
        contact=Contact(phone=phone, email=email) if phone is not None or email is not None else None,
        status=r[12],
        closed_reason=r[13],
        rooms=rooms,
    )


def _computer(r: Any) -> ComputerView:
    return struct_of(ComputerView, r)
