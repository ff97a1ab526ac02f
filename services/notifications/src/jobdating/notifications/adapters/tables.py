"""The service's own tables, next to its event log in the same store (no contact detail in any of them).

- notif_candidate / notif_company: who registered each person or company (the org to ask for contact
  details), consents, withdrawn or erased; a company's name and positions.
- notif_site / notif_room / notif_computer: where interviews and workshops happen (premises, not people).
- notif_job_dating / notif_slot / notif_workshop: the plan as scheduling published it; notif_slot_place:
  where a slot away from a site computer takes place (a second interview at the company's premises or by
  video), apart so that stores made before it need no rebuild (no row: on a site computer).
- notif_delivery: every planned message (one row per idempotency key) and its state.
- notif_told: what each recipient was last told of each slot, per channel.
- notif_reminder_opt_out: candidates who want no reminders (from this service's own events).
- notif_carried: the channel that carried a message when it was not the planned one (a landline's SMS
  read aloud in a voice call); apart, so that stores made before it need no migration.
- notif_declined: candidates who said they cannot come; notif_sms_reply: what their replies to SMS said.
- notif_receipt: what the provider reported of a sent message, delivered or not (from its own events).
- notif_call_group: the other candidates a counsellor's notice tells of (their own notices ended with it).

Times are stored as fixed-width UTC text (`ts`), so that text order is time order on both backends.
"""

from __future__ import annotations

from jobdating.eventstore.base import EventStore
from jobdating.eventstore.counselling import counselling_table
from jobdating.eventstore.slots import SLOT_COLUMNS_DDL, WORKSHOP_COLUMNS_DDL

SCHEMA: tuple[str, ...] = (
    """CREATE TABLE IF NOT EXISTS notif_candidate (
        candidate_id TEXT PRIMARY KEY,
        org TEXT NOT NULL,
        referring_org TEXT NOT NULL,
        counsellor_id TEXT NOT NULL, -- always '' now (kept so that older stores need no rebuild)
        site_id TEXT NOT NULL,
        consent_sms INTEGER NOT NULL,
        consent_email INTEGER NOT NULL,
        status TEXT NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS notif_company (
        company_id TEXT PRIMARY KEY,
        org TEXT NOT NULL,
        name TEXT NOT NULL,
        positions TEXT NOT NULL,
        status TEXT NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS notif_site (
        site_id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        address TEXT NOT NULL,
        commune TEXT NOT NULL,
        postcode TEXT NOT NULL,
        accessibility TEXT NOT NULL,
        phone TEXT,
        status TEXT NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS notif_room (
        site_id TEXT NOT NULL,
        room_id TEXT NOT NULL,
        name TEXT NOT NULL,
        PRIMARY KEY (site_id, room_id)
    )""",
    """CREATE TABLE IF NOT EXISTS notif_computer (
        computer_id TEXT PRIMARY KEY,
        site_id TEXT NOT NULL,
        label TEXT NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS notif_job_dating (
        job_dating_id TEXT PRIMARY KEY,
        title TEXT NOT NULL,
        timezone TEXT NOT NULL,
        interview_minutes INTEGER NOT NULL,
        plan_event_id TEXT,
        plan_due_at TEXT,
        plan_remaining INTEGER NOT NULL
    )""",
    f"""CREATE TABLE IF NOT EXISTS notif_slot (
        {SLOT_COLUMNS_DDL},
        version INTEGER NOT NULL,
        status TEXT NOT NULL,
        cancel_reason TEXT,
        outcome TEXT
    )""",
    "CREATE INDEX IF NOT EXISTS notif_slot_company ON notif_slot (company_id, job_dating_id)",
    """CREATE TABLE IF NOT EXISTS notif_slot_place (
        slot_id TEXT PRIMARY KEY,
        place TEXT NOT NULL,
        address TEXT
    )""",
    "CREATE INDEX IF NOT EXISTS notif_slot_candidate ON notif_slot (candidate_id)",
    f"""CREATE TABLE IF NOT EXISTS notif_workshop (
        {WORKSHOP_COLUMNS_DDL},
        version INTEGER NOT NULL,
        enrolled INTEGER NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS notif_delivery (
        notification_id TEXT PRIMARY KEY,
        cause_event_id TEXT NOT NULL,
        correlation_id TEXT NOT NULL,
        recipient_type TEXT NOT NULL,
        recipient_id TEXT NOT NULL,
        channel TEXT NOT NULL,
        kind TEXT NOT NULL,
        subject_id TEXT NOT NULL,
        job_dating_id TEXT,
        expects TEXT,
        status TEXT NOT NULL,
        due_at TEXT NOT NULL,
        attempts INTEGER NOT NULL,
        message_id TEXT,
        provider_message_id TEXT,
        reason TEXT,
        last_error TEXT,
        presented TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        UNIQUE (cause_event_id, recipient_type, recipient_id, channel, kind)
    )""",
    # The sender's look for due messages (`queries_deliveries.due`), in its order and with the columns it
    # filters on: no sort of the rows due at one instant, no table row read for those it passes over.
    "DROP INDEX IF EXISTS notif_delivery_due",
    "CREATE INDEX IF NOT EXISTS notif_delivery_due_order ON notif_delivery "
    "(status, due_at, created_at, notification_id, recipient_type, recipient_id)",
    "CREATE INDEX IF NOT EXISTS notif_delivery_subject ON notif_delivery (subject_id, kind)",
    # A person's messages on a channel by status and kind (those a message of the same moment carries or
    # waits for, a company's last agenda e-mail: looked up at each send and each planned update). Without
    # it the lookup read every pending message of the queue; with (recipient_id, channel) alone, every
    # message the person was ever planned (a company's thousands of merged updates, at each one).
    "DROP INDEX IF EXISTS notif_delivery_recipient",
    "CREATE INDEX IF NOT EXISTS notif_delivery_person ON notif_delivery "
    "(recipient_id, channel, status, kind, updated_at)",
    "CREATE TABLE IF NOT EXISTS notif_reminder_opt_out (candidate_id TEXT PRIMARY KEY)",
    """CREATE TABLE IF NOT EXISTS notif_told (
        slot_id TEXT NOT NULL,
        recipient_type TEXT NOT NULL,
        recipient_id TEXT NOT NULL,
        channel TEXT NOT NULL,
        starts_at TEXT NOT NULL,
        ends_at TEXT NOT NULL,
        site_id TEXT NOT NULL,
        computer_id TEXT,
        cancelled INTEGER NOT NULL,
        PRIMARY KEY (slot_id, recipient_type, recipient_id, channel)
    )""",
)


# The preparation pathway: who holds a seat in which workshop, sessions called off, individual interviews.
# New tables rather than new columns, so that existing stores need no migration.
PREPARATION = (
    """CREATE TABLE IF NOT EXISTS notif_workshop_seat (
        workshop_id TEXT NOT NULL,
        candidate_id TEXT NOT NULL,
        PRIMARY KEY (workshop_id, candidate_id)
    )""",
    """CREATE TABLE IF NOT EXISTS notif_workshop_cancelled (
        workshop_id TEXT PRIMARY KEY
    )""",
    counselling_table("notif_counselling"),
)

SCHEMA += PREPARATION
SCHEMA += (
    """CREATE TABLE IF NOT EXISTS notif_carried (
        notification_id TEXT PRIMARY KEY,
        channel TEXT NOT NULL
    )""",
)

# Candidates' answers: who said « Je ne peux pas venir » (fed by registration's withdrawals: reminders
# pause, their counsellor is told) and the replies to our SMS (this service's own log), new tables again.
ANSWERS = (
    "CREATE TABLE IF NOT EXISTS notif_declined (candidate_id TEXT PRIMARY KEY)",
    """CREATE TABLE IF NOT EXISTS notif_sms_reply (
        reply_id TEXT PRIMARY KEY,
        candidate_id TEXT NOT NULL,
        notification_id TEXT NOT NULL,
        answer TEXT NOT NULL,
        recorded INTEGER NOT NULL,
        received_at TEXT NOT NULL
    )""",
    "CREATE INDEX IF NOT EXISTS notif_sms_reply_candidate ON notif_sms_reply (candidate_id)",
    "CREATE INDEX IF NOT EXISTS notif_delivery_provider ON notif_delivery (provider_message_id)",
)

SCHEMA += ANSWERS

# Delivery receipts (the SMS provider's reports, the bounce mailbox's DSNs), kept from the service's own
# events; the indexes find a message by the id its provider or its bounce gives.
RECEIPTS = (
    """CREATE TABLE IF NOT EXISTS notif_receipt (
        notification_id TEXT PRIMARY KEY,
        state TEXT NOT NULL,
        reason TEXT,
        receipt TEXT NOT NULL,
        reported_at TEXT NOT NULL
    )""",
    "CREATE INDEX IF NOT EXISTS notif_delivery_provider ON notif_delivery (provider_message_id)",
)

SCHEMA += RECEIPTS

# A counsellor's notice lists every candidate of theirs whose notice waited at the same moment: the others
# are kept with it (working state, like notif_delivery), so that a resend after a crash says them again.
SCHEMA += (
    """CREATE TABLE IF NOT EXISTS notif_call_group (
        notification_id TEXT NOT NULL,
        candidate_id TEXT NOT NULL,
        PRIMARY KEY (notification_id, candidate_id)
    )""",
)


# One message per person per moment (`domain.moments`): which message carried which (a workshop's
# convocation told in the interviews' digest), written with the carrier's `in_progress` mark so that a
# reconciled carrier settles what it carried. A new table again: no migration.
MOMENTS = (
    """CREATE TABLE IF NOT EXISTS notif_merged (
        notification_id TEXT PRIMARY KEY,
        carrier_id TEXT NOT NULL
    )""",
    "CREATE INDEX IF NOT EXISTS notif_merged_carrier ON notif_merged (carrier_id)",
)

SCHEMA += MOMENTS


def migrate(store: EventStore) -> None:
    """Create the service's tables if they do not exist."""
    with store.transaction() as tx:
        for ddl in SCHEMA:
            tx.execute(ddl)
        # Stores written before the counsellor was sealed on the bus held it here: forget it.
        tx.execute("UPDATE notif_candidate SET counsellor_id = '' WHERE counsellor_id <> ''")
