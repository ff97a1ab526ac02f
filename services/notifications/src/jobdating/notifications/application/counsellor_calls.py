"""Telling a candidate's counsellor whom to call: a candidate who said they cannot come, whose interview
was cancelled (not at their own request), who was absent, whom no message reached, or whose reply to an
SMS was not understood.

One e-mail (`counsellor_call`) per candidate and moment: a notice planned while another about the same
candidate still waits is not planned again, and the one that goes says everything true when it is sent
(read from the read model then). Its recipient is resolved at send time, like `counsellor_outcome`.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Final
from zoneinfo import ZoneInfo

from jobdating.eventstore.base import Transaction
from jobdating.eventstore.reading import Source, rows
from jobdating.notifications.application import queries_deliveries
from jobdating.notifications.application.instants import parse_ts
from jobdating.notifications.application.ports import DeliveryWrites
from jobdating.notifications.application.queries_deliveries import Delivery
from jobdating.notifications.domain.messages import PlannedMessage, Recipient

KIND: Final = "counsellor_call"
# Several facts of one moment (a withdrawal cancelling three interviews, an SMS and an e-mail failing)
# make one e-mail: the notice waits this long for the others.
GATHERING: Final = timedelta(minutes=2)
# Skips that mean the candidate cannot be reached on that channel (no number or address; a landline
# that cannot take a voice message).
NOT_REACHED: Final = frozenset({"no_address", "landline_no_voice"})
# The messages whose failure matters to the candidate's day (a missed reminder or thank-you does not).
NEWS_KINDS: Final = frozenset({"convocation", "slot_moved", "slot_cancelled", "waitlisted"})


def plan(
    tx: Transaction,
    deliveries: DeliveryWrites,
    *,
    candidate_id: str,
    job_dating_id: str | None,
    cause_event_id: str,
    correlation_id: str,
    now: datetime,
    wait: timedelta = GATHERING,
) -> bool:
    """Plan the notice to the candidate's counsellor (nobody yet: resolved when sent), due after `wait`;
    False when one already waits, which will say this too."""
    message = PlannedMessage(
        kind=KIND,
        recipient=Recipient("counsellor", ""),
        channel="email",
        cause_event_id=cause_event_id,
        subject_id=candidate_id,
        job_dating_id=job_dating_id,
        due_at=now + wait,
    )
    return deliveries.insert_unless_pending(tx, message, correlation_id, now)


def not_reached(source: Source, d: Delivery, reason: str | None) -> bool:
    """Whether a message to a candidate that failed (`reason` None) or was skipped for `reason` leaves them
    unreached: news they needed, on no channel of theirs (another channel that took it reached them; one
    still to go decides when it ends)."""
    if d.recipient_type != "candidate" or d.kind not in NEWS_KINDS:
        return False
    if reason is not None and reason not in NOT_REACHED:
        return False
    others = queries_deliveries.siblings(source, d)
    return all(o.status == "failed" or (o.status == "skipped" and o.reason in NOT_REACHED) for o in others)


def reasons(source: Source, candidate_id: str, tz: ZoneInfo) -> dict[str, Any]:
    """What the counsellor should know of the candidate now, for the e-mail's template."""
    declined = bool(rows(source, "SELECT 1 FROM notif_declined WHERE candidate_id = ?", (candidate_id,)))
    slots = rows(
        source,
        "SELECT s.starts_at, COALESCE(c.name, ''), s.status, s.cancel_reason, s.outcome FROM notif_slot s "
        "LEFT JOIN notif_company c ON c.company_id = s.company_id WHERE s.candidate_id = ? "
        "ORDER BY s.starts_at",
        (candidate_id,),
    )
    cancelled, absent = [], []
    for starts_at, company, status, cancel_reason, outcome in slots:
        at = parse_ts(str(starts_at)).astimezone(tz)
        if outcome == "no_show" or cancel_reason == "no_show":
            absent.append({"at": at, "company": company})
        elif status == "cancelled" and cancel_reason != "candidate_withdrew":
            cancelled.append({"at": at, "company": company, "reason": cancel_reason})
    unreached = rows(
        source,
        "SELECT kind, channel, status, reason FROM notif_delivery WHERE recipient_type = 'candidate' "
        "AND recipient_id = ? AND (status = 'failed' OR (status = 'skipped' AND reason IN (?, ?))) "
        "ORDER BY created_at, kind, channel",
        (candidate_id, *sorted(NOT_REACHED)),
    )
    replies = rows(
        source,
        "SELECT answer, recorded, received_at FROM notif_sms_reply WHERE candidate_id = ? "
        "AND (answer = 'not_understood' OR recorded = 0) ORDER BY received_at",
        (candidate_id,),
    )
    return {
        "declined": declined,
        "cancellations": cancelled,
        "absent": absent,
        "unreached": [
            {"kind": kind, "channel": channel, "why": reason if status == "skipped" else "failed"}
            for kind, channel, status, reason in unreached
        ],
        "replies": [{"answer": answer, "at": parse_ts(str(at)).astimezone(tz)} for answer, _, at in replies],
    }
