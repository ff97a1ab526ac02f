"""Bulk import of 100,000 candidates from a partner's CSV file: candidates/s and peak memory, then the same
file again (idempotent: nothing created twice).

    .venv/bin/python -m bench.bulk_import --rows 100000 [--store sqlite|postgres|both]

Both stores by default, in the same run (PostgreSQL: a fresh database on the local server).
"""

from __future__ import annotations

import csv
import logging
import tempfile
from pathlib import Path

from bench.common import Timer, chosen_stores, int_options, peak_rss_mb, report, store_url
from jobdating.eventstore import open_store
from jobdating.eventstore.base import EventStore
from jobdating.registration.application.importing import import_candidates
from jobdating.registration.bootstrap import build_service
from jobdating.registration.testing import open_site, principal
from jobdating.runtime.logging import configure_logging

HEADERS = [
    "Nom",
    "Prénom",
    "Téléphone",
    "Email",
    "Code postal",
    "Commune",
    "Site",
    "Conseiller",
    "Secteurs",
    "Consentement",
]


def mobile(i: int) -> str:
    """The `i`-th of distinct valid French mobile numbers (06 20 00 00 00, 06 20 00 00 01, ...)."""
    return f"06 {20 + i // 1_000_000:02d} {i // 10000 % 100:02d} {i // 100 % 100:02d} {i % 100:02d}"


def write_csv(path: Path, rows: int, site: str) -> None:
    """A file like the ones partners keep: one candidate per row, distinct phones and e-mails."""
    with path.open("w", newline="", encoding="utf-8") as f:
        out = csv.writer(f, delimiter=";")
        out.writerow(HEADERS)
        for i in range(rows):
            out.writerow(
                [
                    f"Nom{i}",
                    "Inès",
                    mobile(i),
                    f"candidat.{i}@exemple.fr",
                    "59113",
                    "Seclin",
                    site,
                    "conseiller-1",
                    "logistique",
                    "oui",
                ]
            )


def main(rows: int, stores: tuple[str, ...] = ("sqlite",)) -> dict[str, object]:
    configure_logging("bench", "-", logging.WARNING)
    results: dict[str, object] = {}
    for kind in stores:
        # The store of 100,000 candidates is about 1 GB: gone with the run.
        with tempfile.TemporaryDirectory(prefix="jd-bench-import-") as work:
            results[kind] = measure(Path(work), rows, kind)
    return results


def measure(work: Path, rows: int, kind: str = "sqlite") -> dict[str, object]:
    """Import the file, then import it again, into a fresh registration store of `kind`."""
    with store_url(kind, work, "registration") as url:
        store = open_store(url)
        try:
            return _import_twice(store, work, rows)
        finally:
            store.close()


def _import_twice(store: EventStore, work: Path, rows: int) -> dict[str, object]:
    service = build_service(org="departement-nord", store=store)
    site = open_site(service, "site-seclin")
    path = work / "candidats.csv"
    write_csv(path, rows, site)
    who = principal("mission-locale", "counsellor")
    t = Timer()
    with t.measure():
        first = import_candidates(service, path, who, batch_size=1000)
    assert first.created == rows, (first.created, first.rejected)
    rate = rows / t.seconds
    seconds = t.seconds
    with t.measure():
        again = import_candidates(service, path, who, batch_size=1000)
    assert again.created == 0
    assert again.already_imported == rows
    events = service.store.count()
    return {
        "rows": rows,
        "seconds": round(seconds, 2),
        "candidates_per_s": round(rate),
        "reimport_seconds": round(t.seconds, 2),
        "reimport_created": again.created,
        "events_in_log": events,
        "peak_rss_mb": round(peak_rss_mb()),
    }


if __name__ == "__main__":
    args = int_options(rows=100_000, stores=True)
    report("bulk_import", main(args.rows, chosen_stores(args.store)))
