"""Scheduling's tables for the preparation pathway (the weeks before the day).

- A fact kept from identity's events (consumer; rebuilt from the stream): sched_account, people's accounts
  by id, organisation and roles, never a name.
- Read model of scheduling's own events: sched_workshop_cancelled, sched_counselling (individual
  interviews). New tables rather than new columns, so that existing stores need no migration.
"""

from __future__ import annotations

from jobdating.eventstore.counselling import counselling_table

FACT_TABLES = ("sched_account",)
READ_MODEL_TABLES = ("sched_workshop_cancelled", "sched_counselling")

SCHEMA = (
    """CREATE TABLE IF NOT EXISTS sched_account (
        account_id TEXT PRIMARY KEY,
        org TEXT NOT NULL,
        roles TEXT NOT NULL,
        disabled INTEGER NOT NULL,
        version INTEGER NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS sched_workshop_cancelled (
        workshop_id TEXT PRIMARY KEY
    )""",
    counselling_table("sched_counselling"),
    "CREATE INDEX IF NOT EXISTS sched_counselling_candidate ON sched_counselling (candidate_id)",
    "CREATE INDEX IF NOT EXISTS sched_counselling_counsellor ON sched_counselling (counsellor_id)",
)
