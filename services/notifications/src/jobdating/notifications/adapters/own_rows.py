"""The rows notifications keeps of its own, beside the read model of other services' facts.

The recruiters' agenda window, the reminder opt-outs and the delivery receipts (both kept from this
service's own log, so a replay rebuilds them) and what each recipient was last told of a slot. Written in
the caller's transaction; the application reaches them through the `ReadModelWrites` port, which
`adapters.projections` serves.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from jobdating.contracts.envelope import RecordedEvent
from jobdating.contracts.notifications import (
    CandidateRepliedBySms,
    NotificationDelivered,
    NotificationUndelivered,
    RemindersOptedIn,
    RemindersOptedOut,
)
from jobdating.eventstore.base import Transaction
from jobdating.notifications.application.instants import ts
from jobdating.notifications.domain.rules import Told

OWN_TABLES = ("notif_reminder_opt_out", "notif_sms_reply", "notif_receipt")
"""The tables kept from this service's own log (the others follow other services' events or are working
state): what a replay of the log rebuilds."""


def apply_own(tx: Transaction, event: RecordedEvent) -> None:
    """Apply one of this service's own events to the tables kept from its log (replays of the log)."""
    match event.data:
        case RemindersOptedOut() as e:
            record_reminder_wish(tx, e.candidate_id, wanted=False)
        case RemindersOptedIn() as e:
            record_reminder_wish(tx, e.candidate_id, wanted=True)
        case CandidateRepliedBySms() as e:
            record_reply(tx, e, event.envelope.occurred_at)
        case NotificationDelivered() | NotificationUndelivered() as e:
            record_receipt(tx, e)


def record_reply(tx: Transaction, reply: CandidateRepliedBySms, at: datetime) -> None:
    """Keep what a candidate's reply to an SMS said (in the transaction of its event)."""
    tx.execute(
        "INSERT INTO notif_sms_reply (reply_id, candidate_id, notification_id, answer, recorded, "
        "received_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (reply_id) DO NOTHING",
        (
            reply.reply_id,
            reply.candidate_id,
            reply.notification_id,
            reply.answer,
            int(reply.recorded),
            ts(at),
        ),
    )


def record_receipt(tx: Transaction, report: NotificationDelivered | NotificationUndelivered) -> None:
    """Keep a message's delivery receipt (in the transaction of its event; the first one stays)."""
    delivered = isinstance(report, NotificationDelivered)
    tx.execute(
        "INSERT INTO notif_receipt (notification_id, state, reason, receipt, reported_at) "
        "VALUES (?, ?, ?, ?, ?) ON CONFLICT (notification_id) DO NOTHING",
        (
            report.notification_id,
            "delivered" if delivered else "undelivered",
            None if isinstance(report, NotificationDelivered) else report.reason,
            report.receipt,
            ts(report.reported_at),
        ),
    )


def open_agenda_window(
    tx: Transaction, job_dating_id: str, timezone: str, plan_event_id: str, due_at: datetime, slots: int
) -> None:
    """A plan was published: its recruiters' agendas wait for its `slots` slots, until `due_at` at most."""
    tx.execute(
        "INSERT INTO notif_job_dating (job_dating_id, title, timezone, interview_minutes, "
        "plan_event_id, plan_due_at, plan_remaining) VALUES (?, '', ?, 0, ?, ?, ?) "
        "ON CONFLICT (job_dating_id) DO UPDATE SET plan_event_id = excluded.plan_event_id, "
        "plan_due_at = excluded.plan_due_at, plan_remaining = excluded.plan_remaining",
        (job_dating_id, timezone, plan_event_id, ts(due_at), slots),
    )


def count_agenda_slot(tx: Transaction, job_dating_id: str) -> None:
    """One more slot of the published plan has arrived."""
    tx.execute(
        "UPDATE notif_job_dating SET plan_remaining = plan_remaining - 1 WHERE job_dating_id = ?",
        (job_dating_id,),
    )


def record_reminder_wish(tx: Transaction, candidate_id: str, wanted: bool) -> None:
    """Keep the candidate's reminder opt-out (in the transaction of its event)."""
    if wanted:
        tx.execute("DELETE FROM notif_reminder_opt_out WHERE candidate_id = ?", (candidate_id,))
    else:
        tx.execute(
            "INSERT INTO notif_reminder_opt_out (candidate_id) VALUES (?) "
            "ON CONFLICT (candidate_id) DO NOTHING",
            (candidate_id,),
        )


def remember_told(
    tx: Transaction,
    recipient_type: str,
    recipient_id: str,
    channel: str,
    told: Sequence[tuple[str, Told]],
) -> None:
    """Record what a recipient now knows of each slot (`(slot_id, told)`), in the transaction that marks
    the message sent: one statement for all, since a recruiter's update tells hundreds."""
    tx.executemany(
        "INSERT INTO notif_told (slot_id, recipient_type, recipient_id, channel, starts_at, ends_at, "
        "site_id, computer_id, cancelled) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (slot_id, recipient_type, recipient_id, channel) DO UPDATE SET "
        "starts_at = excluded.starts_at, ends_at = excluded.ends_at, site_id = excluded.site_id, "
        "computer_id = excluded.computer_id, cancelled = excluded.cancelled",
        [
            (
                slot_id,
                recipient_type,
                recipient_id,
                channel,
                ts(one.starts_at),
                ts(one.ends_at),
                one.site_id,
                one.computer_id,
                int(one.cancelled),
            )
            for slot_id, one in told
        ],
    )
