"""Telling a candidate's counsellor whom to call: a candidate who said they cannot come, whose interview
was cancelled (not at their own request), who was absent, whom no message reached, or whose reply to an
SMS was not understood.

One e-mail (`counsellor_call`) per counsellor and moment. A notice is planned per candidate (the bus does
not say who follows whom), and not again while another about the same candidate still waits. Its
recipient is resolved at send time, like `counsellor_outcome`; the one that goes first then resolves the
others waiting, and lists every candidate of the same counsellor in one e-mail, each with everything true
when it is sent (read from the read model then). The others end `already_told` in the commit that marks
it in progress, and their candidates are kept with it (`notif_call_group`), so that a resend after a
crash or a failure says them all again: each candidate is told of once, in one e-mail.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Container, Sequence
from datetime import datetime, timedelta
from typing import Any, Final
from zoneinfo import ZoneInfo

from jobdating.eventstore.base import Transaction
from jobdating.eventstore.reading import Source, rows
from jobdating.notifications.application import queries_deliveries, queries_facts
from jobdating.notifications.application.instants import parse_ts
from jobdating.notifications.application.ports import Contacts, ContactsUnavailable, DeliveryWrites
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
# Why a notice ends skipped: another notice to the same counsellor lists its candidate.
ALREADY_TOLD: Final = "already_told"


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


async def told_with(
    source: Source,
    d: Delivery,
    address: Callable[[Delivery], Awaitable[Delivery | None]],
    busy: Container[str],
) -> list[Delivery]:
    """The other notices waiting for `d`'s counsellor now: `d` tells of their candidates too. Those not yet
    addressed are addressed first (`address`: None when it cannot be said now; such a notice goes on its
    own later); those in flight (`busy`) go their own way."""
    waiting = [
        o
        for o in queries_deliveries.pending_of_kind(source, KIND)
        if o.notification_id != d.notification_id and o.notification_id not in busy
    ]
    addressed = await asyncio.gather(*(address(o) for o in waiting if not o.recipient_id))
    found = [o for o in waiting if o.recipient_id] + [o for o in addressed if o is not None]
    return [o for o in found if (o.recipient_id, o.channel) == (d.recipient_id, d.channel)]


def candidates(source: Source, d: Delivery, others: Sequence[Delivery]) -> list[str]:
    """Whom `d` tells of: its own candidate, those kept with it by an earlier try, and those of `others`."""
    kept = rows(
        source,
        "SELECT candidate_id FROM notif_call_group WHERE notification_id = ? ORDER BY candidate_id",
        (d.notification_id,),
    )
    return list(dict.fromkeys([d.subject_id, *(str(r[0]) for r in kept), *(o.subject_id for o in others)]))


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


async def content(
    source: Source,
    contacts: Contacts,
    d: Delivery,
    others: Sequence[Delivery],
    base: dict[str, Any],
    tz: ZoneInfo,
) -> dict[str, Any]:
    """Whom to call and why: each candidate the notice tells of, by name (asked for their counsellor),
    with every reason now; by name, those without one last."""
    ids = candidates(source, d, others)
    names = await asyncio.gather(*(_name_for_counsellor(source, contacts, d.kind, c) for c in ids))
    told = [
        {"name": name} | reasons(source, candidate_id, tz)
        for name, candidate_id in sorted(zip(names, ids, strict=True), key=_by_name)
    ]
    return base | {"candidates": told}


async def _name_for_counsellor(
    source: Source, contacts: Contacts, kind: str, candidate_id: str
) -> str | None:
    candidate = queries_facts.candidate(source, candidate_id)
    if candidate is None:
        return None
    purpose = f"notifications:{kind}:counsellor"
    try:
        answer = await contacts.ask(candidate.org, "candidate", candidate_id, purpose)
    except ContactsUnavailable:
        return None
    if answer.contact is None:
        return None
    parts = (answer.contact.first_name, answer.contact.last_name)
    return " ".join(p for p in parts if p) or None


def _by_name(told: tuple[str | None, str]) -> tuple[bool, str, str]:
    name, candidate_id = told
    return (name is None, name or "", candidate_id)
