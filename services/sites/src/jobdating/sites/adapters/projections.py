"""The sites read model: tables kept in the service's own store, in the same transaction as the events.

`project` runs inside each command's transaction (live); `rebuild` replays the whole log into empty tables.
Both go through `apply`, so a rebuilt read model equals the live one by construction.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import msgspec

from jobdating.contracts import sites as events
from jobdating.contracts.envelope import RecordedEvent
from jobdating.contracts.registry import REGISTRY, EventRegistry
from jobdating.eventstore.base import EventStore, StoredEvent, Transaction
from jobdating.eventstore.projecting import project_appended
from jobdating.eventstore.readmodel import rebuild_in_place
from jobdating.sites.domain.validation import label_key

PROJECTION = "sites-read-model"
TABLES = ("sites_site", "sites_room", "sites_computer")

SCHEMA = (
    """CREATE TABLE IF NOT EXISTS sites_site (
        site_id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        host_org TEXT NOT NULL,
        address TEXT NOT NULL,
        commune TEXT NOT NULL,
        postcode TEXT NOT NULL,
        lat DOUBLE PRECISION,
        lon DOUBLE PRECISION,
        hours TEXT NOT NULL,
        accessibility TEXT NOT NULL,
        contact_phone TEXT,
        contact_email TEXT,
        status TEXT NOT NULL,
        closed_reason TEXT,
        opened_at TEXT NOT NULL,
        changed_at TEXT NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS sites_room (
        site_id TEXT NOT NULL,
        room_id TEXT NOT NULL,
        name TEXT NOT NULL,
        capacity INTEGER NOT NULL,
        added_at TEXT NOT NULL,
        PRIMARY KEY (site_id, room_id)
    )""",
    """CREATE TABLE IF NOT EXISTS sites_computer (
        computer_id TEXT PRIMARY KEY,
        site_id TEXT NOT NULL,
        label TEXT NOT NULL,
        label_key TEXT NOT NULL,
        lending_org TEXT NOT NULL,
        webcam INTEGER NOT NULL,
        headset INTEGER NOT NULL,
        visio_ready INTEGER NOT NULL,
        status TEXT NOT NULL,
        status_reason TEXT,
        status_since TEXT NOT NULL,
        added_at TEXT NOT NULL
    )""",
    "CREATE INDEX IF NOT EXISTS sites_computer_site ON sites_computer (site_id)",
    # The domain checks labels under the append lock; this index is the read model's own guarantee.
    "CREATE UNIQUE INDEX IF NOT EXISTS sites_computer_label ON sites_computer (site_id, label_key) "
    "WHERE status <> 'removed'",
)

_json = msgspec.json.Encoder()


def migrate(store: EventStore) -> None:
    """Create the read model's tables if they do not exist."""
    with store.transaction() as tx:
        for ddl in SCHEMA:
            tx.execute(ddl)


def apply(tx: Transaction, event: RecordedEvent) -> None:
    """Apply one event to the read model (events of other types are not the read model's business)."""
    at = event.envelope.occurred_at.isoformat()
    match event.data:
        case events.SiteOpened() as e:
            tx.execute(
                "INSERT INTO sites_site (site_id, name, host_org, address, commune, postcode, lat, lon, "
                "hours, accessibility, contact_phone, contact_email, status, closed_reason, opened_at, "
                "changed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'open', NULL, ?, ?)",
                (
                    e.site_id,
                    e.name,
                    e.host_org,
                    e.address,
                    e.commune,
                    e.postcode,
                    e.location.lat if e.location else None,
                    e.location.lon if e.location else None,
                    _json.encode(e.hours).decode(),
                    _json.encode(e.accessibility).decode(),
                    e.contact.phone if e.contact else None,
                    e.contact.email if e.contact else None,
                    at,
                    at,
                ),
            )
        case events.SiteDetailsChanged() as e:
            _change_site(tx, e, at)
        case events.SiteClosed() as e:
            tx.execute(
                "UPDATE sites_site SET status = 'closed', closed_reason = ?, changed_at = ? "
                "WHERE site_id = ?",
                (e.reason, at, e.site_id),
            )
        case events.SiteReopened() as e:
            tx.execute(
                "UPDATE sites_site SET status = 'open', closed_reason = NULL, changed_at = ? "
                "WHERE site_id = ?",
                (at, e.site_id),
            )
        case events.RoomAdded() as e:
            tx.execute(
                "INSERT INTO sites_room (site_id, room_id, name, capacity, added_at) VALUES (?, ?, ?, ?, ?)",
                (e.site_id, e.room_id, e.name, e.capacity, at),
            )
        case events.ComputerAdded() as e:
            tx.execute(
                "INSERT INTO sites_computer (computer_id, site_id, label, label_key, lending_org, webcam, "
                "headset, visio_ready, status, status_reason, status_since, added_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'in_service', NULL, ?, ?)",
                (
                    e.computer_id,
                    e.site_id,
                    e.label,
                    label_key(e.label),
                    e.lending_org,
                    int(e.webcam),
                    int(e.headset),
                    int(e.visio_ready),
                    at,
                    at,
                ),
            )
        case events.ComputerOutOfOrder() as e:
            _computer_status(tx, e.computer_id, "out_of_order", e.reason, at)
        case events.ComputerBackInService() as e:
            _computer_status(tx, e.computer_id, "in_service", None, at)
        case events.ComputerRemoved() as e:
            _computer_status(tx, e.computer_id, "removed", e.reason, at)


def project(tx: Transaction, stored: Sequence[StoredEvent], registry: EventRegistry = REGISTRY) -> None:
    """Apply events just appended in `tx` and move the read model's checkpoint with them."""
    project_appended(tx, stored, apply, PROJECTION, registry)


def rebuild(store: EventStore, registry: EventRegistry = REGISTRY) -> int:
    """Empty the read model and replay the whole log into it (see `rebuild_in_place`)."""
    return rebuild_in_place(store, TABLES, apply, PROJECTION, registry)


def labels_in_use(tx: Transaction, site_id: str) -> list[str]:
    """Labels of the computers a site holds now (a removed computer frees its label)."""
    rows = tx.execute(
        "SELECT label FROM sites_computer WHERE site_id = ? AND status <> 'removed'", (site_id,)
    ).fetchall()
    return [str(r[0]) for r in rows]


def snapshot(store: EventStore) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of the read model in a stable order: what an audit or a rebuild test compares."""
    keys = {"sites_site": "site_id", "sites_room": "site_id, room_id", "sites_computer": "computer_id"}
    return {
        table: [tuple(r) for r in store.query(f"SELECT * FROM {table} ORDER BY {order}")]
        for table, order in keys.items()
    }


def _change_site(tx: Transaction, e: events.SiteDetailsChanged, at: str) -> None:
    columns: dict[str, Any] = {}
    if e.address is not None:
        columns["address"] = e.address
    if e.location is not None:
        columns["lat"] = e.location.lat
        columns["lon"] = e.location.lon
    if e.hours is not None:
        columns["hours"] = _json.encode(e.hours).decode()
    if e.accessibility is not None:
        columns["accessibility"] = _json.encode(e.accessibility).decode()
    if e.contact is not None:
        columns["contact_phone"] = e.contact.phone
        columns["contact_email"] = e.contact.email
    columns["changed_at"] = at
    assignments = ", ".join(f"{name} = ?" for name in columns)
    tx.execute(f"UPDATE sites_site SET {assignments} WHERE site_id = ?", (*columns.values(), e.site_id))


def _computer_status(tx: Transaction, computer_id: str, status: str, reason: str | None, at: str) -> None:
    tx.execute(
        "UPDATE sites_computer SET status = ?, status_reason = ?, status_since = ? WHERE computer_id = ?",
        (status, reason, at, computer_id),
    )
