"""Scheduling's tables in its own store, besides the event log.

- Facts kept from the other services' events (consumers; rebuilt from the stream): sched_candidate
  (and sched_candidate_note, the counsellor's note companies read),
  sched_company, sched_site, sched_room, sched_computer, sched_outage.
- Read model of scheduling's own events (rebuilt from its log): sched_job_dating, sched_slot (and
  sched_slot_place: where a slot away from a site computer takes place, apart so that older stores only
  gain a table; sched_slot_note: the notes written on interviews), sched_slot_change, sched_attendance,
  sched_workshop, sched_workshop_seat, sched_waiting.
- Working documents, not events (kept across rebuilds): sched_plan and sched_plan_interview, the
  provisional plans a coordinator computes and inspects before publishing one.

Instants are stored as ISO 8601 text in UTC, so that text order is time order.
"""

from __future__ import annotations

from jobdating.eventstore.base import EventStore
from jobdating.eventstore.slots import SLOT_COLUMNS_DDL, WORKSHOP_COLUMNS_DDL
from jobdating.scheduling.adapters import tables_prep

FACT_TABLES = (
    "sched_candidate",
    "sched_candidate_note",
    "sched_company",
    "sched_site",
    "sched_room",
    "sched_computer",
    "sched_outage",
    *tables_prep.FACT_TABLES,
)
READ_MODEL_TABLES = (
    "sched_job_dating",
    "sched_slot",
    "sched_slot_place",
    "sched_slot_note",
    "sched_slot_change",
    "sched_attendance",
    "sched_workshop",
    "sched_workshop_seat",
    "sched_waiting",
    *tables_prep.READ_MODEL_TABLES,
)

SCHEMA: tuple[str, ...] = (
    """CREATE TABLE IF NOT EXISTS sched_candidate (
        candidate_id TEXT PRIMARY KEY,
        org TEXT NOT NULL,
        referring_org TEXT NOT NULL,
        site_id TEXT NOT NULL,
        wishes TEXT NOT NULL,
        availability TEXT NOT NULL,
        withdrawn_at TEXT,
        version INTEGER NOT NULL
    )""",
    "CREATE INDEX IF NOT EXISTS sched_candidate_site ON sched_candidate (site_id)",
    # The counsellor's note companies read with the profile; apart from the facts the planner loads.
    """CREATE TABLE IF NOT EXISTS sched_candidate_note (
        candidate_id TEXT PRIMARY KEY,
        note TEXT NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS sched_company (
        company_id TEXT PRIMARY KEY,
        org TEXT NOT NULL,
        name TEXT NOT NULL,
        sector TEXT NOT NULL,
        recruiters INTEGER NOT NULL,
        window_start TEXT NOT NULL,
        window_end TEXT NOT NULL,
        day TEXT,
        withdrawn_at TEXT,
        version INTEGER NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS sched_site (
        site_id TEXT PRIMARY KEY,
        org TEXT NOT NULL,
        host_org TEXT NOT NULL,
        name TEXT NOT NULL,
        hours TEXT NOT NULL,
        closed_at TEXT,
        version INTEGER NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS sched_room (
        site_id TEXT NOT NULL,
        room_id TEXT NOT NULL,
        name TEXT NOT NULL,
        capacity INTEGER NOT NULL,
        PRIMARY KEY (site_id, room_id)
    )""",
    """CREATE TABLE IF NOT EXISTS sched_computer (
        computer_id TEXT PRIMARY KEY,
        site_id TEXT NOT NULL,
        label TEXT NOT NULL,
        lending_org TEXT NOT NULL,
        visio_ready INTEGER NOT NULL,
        status TEXT NOT NULL,
        version INTEGER NOT NULL
    )""",
    "CREATE INDEX IF NOT EXISTS sched_computer_site ON sched_computer (site_id)",
    """CREATE TABLE IF NOT EXISTS sched_outage (
        computer_id TEXT NOT NULL,
        since TEXT NOT NULL,
        until TEXT,
        PRIMARY KEY (computer_id, since)
    )""",
    """CREATE TABLE IF NOT EXISTS sched_job_dating (
        job_dating_id TEXT PRIMARY KEY,
        title TEXT NOT NULL,
        first_day TEXT NOT NULL,
        timezone TEXT NOT NULL,
        published_plan_id TEXT,
        frozen INTEGER NOT NULL,
        version INTEGER NOT NULL
    )""",
    f"""CREATE TABLE IF NOT EXISTS sched_slot (
        {SLOT_COLUMNS_DDL},
        wish_rank INTEGER,
        from_waiting_list INTEGER NOT NULL,
        status TEXT NOT NULL,
        cancel_reason TEXT,
        outcome TEXT,
        version INTEGER NOT NULL
    )""",
    "CREATE INDEX IF NOT EXISTS sched_slot_job_dating ON sched_slot (job_dating_id, status)",
    "CREATE INDEX IF NOT EXISTS sched_slot_candidate ON sched_slot (candidate_id)",
    """CREATE TABLE IF NOT EXISTS sched_slot_place (
        slot_id TEXT PRIMARY KEY,
        place TEXT NOT NULL,
        address TEXT
    )""",
    """CREATE TABLE IF NOT EXISTS sched_slot_note (
        note_id TEXT PRIMARY KEY,
        job_dating_id TEXT NOT NULL,
        slot_id TEXT NOT NULL,
        candidate_id TEXT NOT NULL,
        company_id TEXT NOT NULL,
        author_org TEXT NOT NULL,
        author_role TEXT NOT NULL,
        author_id TEXT NOT NULL,
        written_at TEXT NOT NULL,
        note TEXT NOT NULL
    )""",
    "CREATE INDEX IF NOT EXISTS sched_slot_note_reader ON sched_slot_note (job_dating_id, author_org)",
    """CREATE TABLE IF NOT EXISTS sched_slot_change (
        event_id TEXT PRIMARY KEY,
        position BIGINT NOT NULL,
        job_dating_id TEXT NOT NULL,
        slot_id TEXT NOT NULL,
        change TEXT NOT NULL,
        reason TEXT,
        detail TEXT NOT NULL,
        at TEXT NOT NULL,
        causation_id TEXT
    )""",
    "CREATE INDEX IF NOT EXISTS sched_slot_change_job_dating ON sched_slot_change (job_dating_id, position)",
    """CREATE TABLE IF NOT EXISTS sched_attendance (
        job_dating_id TEXT NOT NULL,
        candidate_id TEXT NOT NULL,
        site_id TEXT NOT NULL,
        checked_in_at TEXT,
        no_show INTEGER NOT NULL,
        no_show_at TEXT,
        PRIMARY KEY (job_dating_id, candidate_id)
    )""",
    # A site's waiting list is its candidates' rows here (their site is their fact's); see
    # `adapters.projections_waiting`.
    """CREATE TABLE IF NOT EXISTS sched_waiting (
        job_dating_id TEXT NOT NULL,
        candidate_id TEXT NOT NULL,
        site_id TEXT NOT NULL,
        reason TEXT NOT NULL,
        joined_at TEXT NOT NULL,
        PRIMARY KEY (job_dating_id, candidate_id)
    )""",
    f"""CREATE TABLE IF NOT EXISTS sched_workshop (
        {WORKSHOP_COLUMNS_DDL},
        enrolled INTEGER NOT NULL,
        attendance_recorded INTEGER NOT NULL
    )""",
    "CREATE INDEX IF NOT EXISTS sched_workshop_room ON sched_workshop (room_id, starts_at)",
    """CREATE TABLE IF NOT EXISTS sched_workshop_seat (
        workshop_id TEXT NOT NULL,
        candidate_id TEXT NOT NULL,
        present INTEGER,
        PRIMARY KEY (workshop_id, candidate_id)
    )""",
    """CREATE TABLE IF NOT EXISTS sched_plan (
        plan_id TEXT PRIMARY KEY,
        job_dating_id TEXT NOT NULL,
        computed_at TEXT NOT NULL,
        fingerprint TEXT NOT NULL,
        engine TEXT NOT NULL,
        status TEXT NOT NULL,
        objective BIGINT NOT NULL,
        bound BIGINT,
        gap DOUBLE PRECISION,
        interview_bound INTEGER NOT NULL,
        seconds DOUBLE PRECISION NOT NULL,
        reasons TEXT NOT NULL
    )""",
    "CREATE INDEX IF NOT EXISTS sched_plan_job_dating ON sched_plan (job_dating_id, computed_at)",
    """CREATE TABLE IF NOT EXISTS sched_plan_interview (
        plan_id TEXT NOT NULL,
        candidate_id TEXT NOT NULL,
        company_id TEXT NOT NULL,
        site_id TEXT NOT NULL,
        computer_id TEXT NOT NULL,
        starts_at TEXT NOT NULL,
        ends_at TEXT NOT NULL,
        wish_rank INTEGER,
        PRIMARY KEY (plan_id, candidate_id, company_id)
    )""",
)

SCHEMA += tables_prep.SCHEMA


def migrate(store: EventStore) -> None:
    """Create scheduling's tables if they do not exist."""
    with store.transaction() as tx:
        for ddl in SCHEMA:
            tx.execute(ddl)
