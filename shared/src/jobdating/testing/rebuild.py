"""A read model lost, then rebuilt by the service's own `rebuild` command (the rebuild tests share it)."""

from __future__ import annotations

from collections.abc import Callable, Iterable

import pytest

from jobdating.eventstore.base import EventStore
from jobdating.eventstore.sqlite import SqliteEventStore


def rebuild_by_command(
    store: EventStore,
    tables: Iterable[str],
    env_prefix: str,
    main: Callable[[list[str]], int],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Empty the read model's `tables`, then run `main rebuild` against the same SQLite store (its URL in the
    service's `<env_prefix>STORE_URL`); the command must succeed."""
    with store.transaction() as tx:
        for table in tables:
            tx.execute(f"DELETE FROM {table}")
    assert isinstance(store, SqliteEventStore)
    monkeypatch.setenv(f"{env_prefix}STORE_URL", f"sqlite:///{store.path}")
    assert main(["rebuild"]) == 0
