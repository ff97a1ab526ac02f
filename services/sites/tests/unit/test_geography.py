"""Where postcodes are: the shipped positions of France's communes, and the script that rebuilds them."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

from jobdating.sites.application.geography import (
    POSTCODE_POSITIONS,
    Location,
    departement,
    haversine_km,
    postcode_location,
    postcode_positions,
)

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "build_postcode_positions.py"


@pytest.mark.parametrize(
    ("postcode", "place"),
    [
        # Town halls, as found on a map: each postcode is placed within a kilometre or two of its commune.
        ("59000", Location(lat=50.6310, lon=3.0710)),  # Lille
        ("59810", Location(lat=50.5885, lon=3.1104)),  # Lesquin
        ("59140", Location(lat=51.0375, lon=2.3775)),  # Dunkerque
        ("75011", Location(lat=48.8590, lon=2.3800)),  # Paris 11e
        ("20000", Location(lat=41.9190, lon=8.7380)),  # Ajaccio
        ("97400", Location(lat=-20.8790, lon=55.4490)),  # Saint-Denis de La Réunion
    ],
)
def test_a_postcode_is_where_its_commune_is(postcode: str, place: Location) -> None:
    found = postcode_location(postcode)
    assert found is not None
    assert haversine_km(found, place) < 2


@pytest.mark.parametrize("postcode", ["00000", "99999", "59999", "98000"])
def test_a_postcode_of_no_commune_has_no_position(postcode: str) -> None:
    assert postcode_location(postcode) is None


def test_every_departement_has_its_postcodes_in_france() -> None:
    positions = postcode_positions()
    assert len(positions) > 6000
    overseas_departements = {"971", "972", "973", "974", "976"}
    expected = {f"{n:02d}" for n in range(1, 96) if n != 20} | {"2A", "2B"} | overseas_departements
    assert {departement(p) for p in positions} == expected
    for postcode, where in positions.items():
        overseas = postcode.startswith("97")
        mainland_or_corsica = 41.3 < where.lat < 51.2 and -5.2 < where.lon < 9.6
        assert overseas != mainland_or_corsica, (postcode, where)


def test_the_positions_are_read_once_from_a_small_file() -> None:
    assert len(POSTCODE_POSITIONS.read_bytes()) < 200_000
    assert postcode_positions() is postcode_positions()


@pytest.fixture(scope="module")
def script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("build_postcode_positions", SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_script_places_an_outline_at_its_centre_holes_taken_out(script: ModuleType) -> None:
    square = [(0.0, 0.0), (4.0, 0.0), (4.0, 4.0), (0.0, 4.0), (0.0, 0.0)]
    # A hole in the right half, wound the same way as the outer ring: it must still be taken out.
    hole = [(2.0, 1.0), (3.0, 1.0), (3.0, 3.0), (2.0, 3.0), (2.0, 1.0)]
    lat, lon = script._centroid([[square]])
    assert (lat, lon) == pytest.approx((2.0, 2.0))
    lat, lon = script._centroid([[square, hole]])
    assert lat == pytest.approx(2.0)
    assert lon == pytest.approx((16 * 2 - 2 * 2.5) / 14)
    assert script._inside((2.0, 1.0), [[square, hole]])
    assert not script._inside((2.0, 2.5), [[square, hole]])


def test_the_script_weighs_communes_by_population(script: ModuleType) -> None:
    town, village = (50.0, 3.0), (50.0, 3.4)
    assert script._weighted_mean([(town, "3000"), (village, "1000")]) == pytest.approx((50.0, 3.1))
    # A missing population: every commune counts the same.
    assert script._weighted_mean([(town, "3000"), (village, "\\N")]) == pytest.approx((50.0, 3.2))
