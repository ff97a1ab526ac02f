"""The message to a candidate put on a site's waiting list (`CandidateWaitlisted`: joined after the plan
was published, or arrived late, with no interview free): one short notice, by SMS and e-mail as their
consents allow, through the same exactly-once planning and quiet hours as every message.

A slot freed later and given to them is announced by its own `SlotAssigned` (a convocation, as any new
interview), so this notice is not sent once they have an interview again: it would say the opposite.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, Final

from jobdating.contracts.envelope import Event
from jobdating.contracts.queries import Contact
from jobdating.contracts.scheduling import CandidateWaitlisted
from jobdating.eventstore.reading import Source, rows
from jobdating.notifications.application import queries_facts
from jobdating.notifications.application.queries_deliveries import Delivery
from jobdating.notifications.application.queries_facts import Site
from jobdating.notifications.domain.messages import CANDIDATE_CHANNELS, Kind, PlannedMessage, Recipient

KIND: Final[Kind] = "waitlisted"


def planned(event: Event, event_id: str, now: datetime) -> list[PlannedMessage]:
    """The notice a candidate put on a waiting list gets (none for any other event); it is about the site
    whose list they wait on."""
    if not isinstance(event, CandidateWaitlisted):
        return []
    return [
        PlannedMessage(
            kind=KIND,
            recipient=Recipient("candidate", event.candidate_id),
            channel=channel,
            cause_event_id=event_id,
            subject_id=event.site_id,
            job_dating_id=event.job_dating_id,
            due_at=now,
        )
        for channel in CANDIDATE_CHANNELS
    ]


def stale(source: Source, d: Delivery) -> str | None:
    """Why a due waiting-list notice is no longer worth sending: the candidate has an interview of this job
    dating again (given from the list, or back) by the time it would go out (e.g. after quiet hours)."""
    if d.kind != KIND:
        return None
    booked = rows(
        source,
        "SELECT 1 FROM notif_slot WHERE candidate_id = ? AND job_dating_id = ? AND status <> 'cancelled'",
        (d.recipient_id, d.job_dating_id),
    )
    return "no_longer_waiting" if booked else None


def content(
    source: Source,
    d: Delivery,
    recipient: Contact,
    base: dict[str, Any],
    who_to_call: Callable[[str | None, Site], str | None],
) -> dict[str, Any] | None:
    """The notice's template facts: the site whose list it is and whom to call; None while the site is
    not known yet (tried again later)."""
    site = queries_facts.site(source, d.subject_id)
    if site is None:
        return None
    return base | {
        "site": {"name": site.name, "address": site.address, "commune": site.commune},
        "call": who_to_call(recipient.counsellor_id, site),
    }
