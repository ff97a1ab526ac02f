"""Identity's private table of people's names, `identity_account_name`: given (optionally) at invitation,
read only by the names endpoint for those allowed (`domain/names.py`). Never on the bus, never in the read
model others may copy: a name is personal data, the bus knows an account by its id only."""

from __future__ import annotations

from jobdating.eventstore.base import EventStore, Transaction

TABLE = "identity_account_name"

SCHEMA = (
    f"""CREATE TABLE IF NOT EXISTS {TABLE} (
        account_id TEXT PRIMARY KEY,
        name TEXT NOT NULL
    )""",
)


def migrate(store: EventStore) -> None:
    with store.transaction() as tx:
        for ddl in SCHEMA:
            tx.execute(ddl)


class SqlAccountNames:
    """Writes a name in the caller's transaction (the invitation's)."""

    def set_name(self, tx: Transaction, account_id: str, name: str) -> None:
        # Delete then insert: one statement shape for SQLite and PostgreSQL alike.
        tx.execute(f"DELETE FROM {TABLE} WHERE account_id = ?", (account_id,))
        tx.execute(f"INSERT INTO {TABLE} (account_id, name) VALUES (?, ?)", (account_id, name))
