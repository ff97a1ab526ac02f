"""Individual interviews with a counsellor (the preparation pathway), as the services that keep a copy store
them: scheduling (its own events) and notifications (to judge a convocation when it is due). One table shape
and one projection; each service names its table with its own prefix and stores instants its own way."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from jobdating.contracts.envelope import RecordedEvent
from jobdating.contracts.scheduling import CounsellingInterviewBooked, CounsellingInterviewCancelled
from jobdating.eventstore.base import Transaction

Stamp = Callable[[datetime], str]
"""How a service writes an instant in its tables."""


def counselling_table(table: str) -> str:
    """The DDL of a service's copy of the individual interviews, named `table`."""
    return f"""CREATE TABLE IF NOT EXISTS {table} (
        interview_id TEXT PRIMARY KEY,
        job_dating_id TEXT NOT NULL,
        candidate_id TEXT NOT NULL,
        counsellor_id TEXT NOT NULL,
        site_id TEXT NOT NULL,
        starts_at TEXT NOT NULL,
        ends_at TEXT NOT NULL,
        cancelled INTEGER NOT NULL
    )"""


def apply_counselling(
    tx: Transaction, table: str, event: RecordedEvent, ts: Callable[[datetime], str]
) -> None:
    """Apply an individual interview's event to `table` (instants written by `ts`); any other event changes
    nothing. A booking seen twice (a redelivery) keeps its first row."""
    match event.data:
        case CounsellingInterviewBooked() as e:
            tx.execute(
                f"INSERT INTO {table} (interview_id, job_dating_id, candidate_id, counsellor_id, site_id, "
                "starts_at, ends_at, cancelled) VALUES (?, ?, ?, ?, ?, ?, ?, 0) "
                "ON CONFLICT (interview_id) DO NOTHING",
                (
                    e.interview_id,
                    e.job_dating_id,
                    e.candidate_id,
                    e.counsellor_id,
                    e.site_id,
                    ts(e.starts_at),
                    ts(e.ends_at),
                ),
            )
        case CounsellingInterviewCancelled() as e:
            tx.execute(f"UPDATE {table} SET cancelled = 1 WHERE interview_id = ?", (e.interview_id,))
