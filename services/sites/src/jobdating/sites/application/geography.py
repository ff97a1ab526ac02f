"""Where sites are: points, great-circle (haversine) distances between them (not travel times), and the
département a postcode belongs to."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

EARTH_RADIUS_KM = 6371.0088


@dataclass(frozen=True)
class Location:
    lat: float
    lon: float


def haversine_km(a: Location, b: Location) -> float:
    """Great-circle distance between two points, in kilometres."""
    lat1, lon1, lat2, lon2 = map(math.radians, (a.lat, a.lon, b.lat, b.lon))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))


def departement(postcode: str) -> str:
    """The département a French postcode belongs to (as far as a postcode alone can tell)."""
    if postcode.startswith("20"):
        # Corsica: Corse-du-Sud postcodes run from 20000 to 20190, Haute-Corse from 20200.
        return "2A" if postcode < "20200" else "2B"
    if postcode.startswith(("97", "98")):
        return postcode[:3]
    return postcode[:2]


def mean_location(points: Sequence[Location]) -> Location:
    """The centre of nearby points."""
    # Sites of one postcode or département are close together: averaging degrees is accurate enough.
    return Location(
        lat=sum(p.lat for p in points) / len(points),
        lon=sum(p.lon for p in points) / len(points),
    )
