"""Where sites are: points, great-circle (haversine) distances between them (not travel times), where a
postcode is, and the département a postcode belongs to."""

from __future__ import annotations

import csv
import gzip
import io
import math
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

EARTH_RADIUS_KM = 6371.0088
# Built from official open data by services/sites/scripts/build_postcode_positions.py; sources and licence
# in data/README.md beside it.
POSTCODE_POSITIONS = files("jobdating.sites").joinpath("data", "postcode_positions.csv.gz")


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


def postcode_location(postcode: str) -> Location | None:
    """Where a French postcode is: its communes' population-weighted mean; None if no commune has it."""
    return postcode_positions().get(postcode)


@cache
def postcode_positions() -> Mapping[str, Location]:
    """Every postcode of France's communes (mainland, Corsica, the five overseas départements), read once."""
    with gzip.open(io.BytesIO(POSTCODE_POSITIONS.read_bytes()), "rt", encoding="ascii") as text:
        return {
            row["postcode"]: Location(lat=float(row["lat"]), lon=float(row["lon"]))
            for row in csv.DictReader(text, delimiter=";")
        }
