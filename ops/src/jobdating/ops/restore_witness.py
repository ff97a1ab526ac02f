"""What a data folder still holds when a restore starts: its stores, read (never written) as witnesses.

A store that survived knows events the backup lacks: its own (its log: ids and types) and other services'
(its inbox: the ids its consumers handled). The restore replaces the store, then names every witnessed
event it could not bring back: lost, but never silently. A store that does not open is noted and skipped.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from jobdating.bus.topology import registration_sites_durable
from jobdating.contracts.envelope import Envelope, decode_envelope
from jobdating.ops.readmodels import SERVICES, open_url, store_path

ERASED = "CandidateErased"


@dataclass
class Witnesses:
    logged: dict[str, dict[str, str]] = field(default_factory=dict)  # service -> event id -> type
    handled: dict[str, set[str]] = field(default_factory=dict)  # publishing service -> ids handled
    erasure_bodies: list[bytes] = field(default_factory=list)
    described: list[str] = field(default_factory=list)

    def erasures(self) -> list[tuple[Envelope, bytes]]:
        return [(decode_envelope(body), body) for body in self.erasure_bodies]


def read_witnesses(data_dir: Path, urls: Mapping[str, str]) -> Witnesses:
    """Every store of the folder (or given by URL) that opens, read once."""
    found = Witnesses()
    labels = [*SERVICES, *(label for label in urls if label not in SERVICES)]
    for service in labels:
        url = urls.get(service)
        path = store_path(data_dir, service)
        if url is None and not path.exists():
            continue
        try:
            store = open_url(url or f"sqlite:///{path}", read_only=True)
            try:
                rows = store.query("SELECT event_id, event_type, body FROM events ORDER BY position")
                inbox = store.query("SELECT consumer, event_id FROM inbox")
            finally:
                store.close()
        except Exception as exc:  # a damaged file is what a restore is for: noted, not fatal
            found.described.append(f"{service} : base illisible ({type(exc).__name__}), ignorée")
            continue
        found.logged[service] = {str(r[0]): str(r[1]) for r in rows}
        found.erasure_bodies += [bytes(r[2]) for r in rows if r[1] == ERASED]
        for consumer, event_id in inbox:
            found.handled.setdefault(_publisher(str(consumer)), set()).add(str(event_id))
        found.described.append(f"{service} : {len(rows)} événement(s), {len(inbox)} reçu(s)")
    return found


def _publisher(consumer: str) -> str:
    """The service whose events a durable follows (`scheduling-registration`: registration), else the
    durable's own name (registration's reads sites and companies both)."""
    service = consumer.rsplit("-", 1)[-1]
    shared = consumer.startswith(registration_sites_durable())  # sites' and registration's events both
    if shared or consumer.count("-") != 1 or service not in SERVICES:
        return f"vu par {consumer}"
    return service
