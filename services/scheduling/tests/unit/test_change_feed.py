"""The changes feed pages by log position: each change says its position, and `after` that position
reads the changes strictly after it, so a small page walks the whole feed once, in order."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import Any

from jobdating.scheduling.adapters.tables import SCHEMA
from jobdating.scheduling.application.queries_day import ChangeView, changes
from jobdating.scheduling.application.queries_facts import Reader


def feed_with(positions: dict[int, str]) -> Reader:
    """A read model whose slot changes sit at these log positions, each of its job dating."""
    db = sqlite3.connect(":memory:")
    for ddl in SCHEMA:
        if "sched_slot_change" in ddl:
            db.execute(ddl)
    for position, job_dating_id in positions.items():
        db.execute(
            "INSERT INTO sched_slot_change (event_id, position, job_dating_id, slot_id, change, reason, "
            "detail, at, causation_id) VALUES (?, ?, ?, ?, 'assigned', NULL, '{}', ?, NULL)",
            (f"ev-{position}", position, job_dating_id, f"slot-{position}", "2026-12-03T08:00:00Z"),
        )

    def read(sql: str, params: Sequence[Any] = ()) -> list[Any]:
        return list(db.execute(sql, params).fetchall())

    return read


# jd-1's changes interleaved in the log with another job dating's and with events that change no slot.
READ = feed_with({3: "jd-1", 4: "jd-2", 7: "jd-1", 8: "jd-1", 9: "jd-2", 12: "jd-1", 15: "jd-1"})


def test_each_change_says_its_log_position() -> None:
    assert [c.position for c in changes(READ, "jd-1")] == [3, 7, 8, 12, 15]


def test_after_the_position_of_a_change_come_the_changes_strictly_after_it() -> None:
    assert [c.position for c in changes(READ, "jd-1", after=3)] == [7, 8, 12, 15]
    assert [c.position for c in changes(READ, "jd-1", after=12)] == [15]
    assert changes(READ, "jd-1", after=15) == []


def test_paging_with_a_small_limit_reads_every_change_once_in_order() -> None:
    pages: list[list[ChangeView]] = []
    after = 0
    while page := changes(READ, "jd-1", after=after, limit=2):
        pages.append(page)
        after = page[-1].position
    assert [[c.event_id for c in page] for page in pages] == [
        ["ev-3", "ev-7"],
        ["ev-8", "ev-12"],
        ["ev-15"],
    ]
