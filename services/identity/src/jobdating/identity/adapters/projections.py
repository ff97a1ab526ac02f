"""The identity read model: organisations and accounts (ids, organisation, roles, status), from the log.

`project` runs inside each command's transaction; `rebuild` replays the whole log into empty tables. Both go
through `apply`. Nothing here names a person: addresses and secrets are in `private.py`'s tables.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import msgspec

from jobdating.contracts import identity as events
from jobdating.contracts.envelope import RecordedEvent, decode_envelope
from jobdating.contracts.registry import REGISTRY, EventRegistry
from jobdating.eventstore.base import EventStore, StoredEvent, Transaction
from jobdating.eventstore.log_models import create_tables
from jobdating.eventstore.readmodel import rebuild_in_place
from jobdating.identity.adapters.times import stored

PROJECTION = "identity-read-model"
TABLES = ("identity_organisation", "identity_account")

SCHEMA = (
    """CREATE TABLE IF NOT EXISTS identity_organisation (
        organisation_id TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        name TEXT NOT NULL,
        registered_at TEXT NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS identity_account (
        account_id TEXT PRIMARY KEY,
        organisation_id TEXT NOT NULL,
        roles TEXT NOT NULL,
        status TEXT NOT NULL,
        second_factor INTEGER NOT NULL,
        invited_at TEXT NOT NULL,
        disabled_at TEXT
    )""",
    "CREATE INDEX IF NOT EXISTS identity_account_organisation ON identity_account (organisation_id)",
    "CREATE INDEX IF NOT EXISTS identity_account_status ON identity_account (status)",
)

_roles = msgspec.json.Decoder(list[str])
_json = msgspec.json.Encoder()


def migrate(store: EventStore) -> None:
    """Create the read model's tables if they do not exist."""
    with store.transaction() as tx:
        create_tables(tx, SCHEMA)


def apply(tx: Transaction, event: RecordedEvent) -> None:
    """Apply one event to the read model."""
    at = stored(event.envelope.occurred_at)
    match event.data:
        case events.OrganisationRegistered() as e:
            tx.execute(
                "INSERT INTO identity_organisation (organisation_id, kind, name, registered_at) "
                "VALUES (?, ?, ?, ?)",
                (e.organisation_id, e.kind, e.name, at),
            )
        case events.AccountInvited() as e:
            tx.execute(
                "INSERT INTO identity_account (account_id, organisation_id, roles, status, second_factor, "
                "invited_at, disabled_at) VALUES (?, ?, ?, 'invited', 0, ?, NULL)",
                (e.account_id, e.organisation_id, _json.encode(list(e.roles)).decode(), at),
            )
        case events.AccountActivated() as e:
            tx.execute(
                "UPDATE identity_account SET status = 'active', second_factor = ? WHERE account_id = ?",
                (int(e.second_factor), e.account_id),
            )
        case events.RoleGranted() as e:
            _set_roles(tx, e.account_id, lambda roles: [*roles, e.role])
        case events.RoleRevoked() as e:
            _set_roles(tx, e.account_id, lambda roles: [r for r in roles if r != e.role])
        case events.AccountDisabled() as e:
            tx.execute(
                "UPDATE identity_account SET status = 'disabled', disabled_at = ? WHERE account_id = ?",
                (at, e.account_id),
            )


def project(tx: Transaction, appended: Sequence[StoredEvent], registry: EventRegistry = REGISTRY) -> None:
    """Apply events just appended in `tx` and move the read model's checkpoint with them."""
    for row in appended:
        apply(tx, registry.decode(decode_envelope(row.body), row.position))
    if appended:
        tx.set_checkpoint(PROJECTION, appended[-1].position)


def rebuild(store: EventStore, registry: EventRegistry = REGISTRY) -> int:
    """Empty the read model and replay the whole log into it (see `rebuild_in_place`)."""
    return rebuild_in_place(store, TABLES, apply, PROJECTION, registry)


def snapshot(store: EventStore) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of the read model in a stable order: what a rebuild test compares."""
    keys = {"identity_organisation": "organisation_id", "identity_account": "account_id"}
    return {
        table: [tuple(r) for r in store.query(f"SELECT * FROM {table} ORDER BY {order}")]
        for table, order in keys.items()
    }


def _set_roles(tx: Transaction, account_id: str, change: Any) -> None:
    row = tx.execute("SELECT roles FROM identity_account WHERE account_id = ?", (account_id,)).fetchone()
    if row is not None:
        roles = change(_roles.decode(row[0]))
        tx.execute(
            "UPDATE identity_account SET roles = ? WHERE account_id = ?",
            (_json.encode(roles).decode(), account_id),
        )
