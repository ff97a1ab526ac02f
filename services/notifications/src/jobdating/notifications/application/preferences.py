"""A candidate's reminder opt-out, recorded as this service's own event with its read-model row."""

from __future__ import annotations

from jobdating.eventstore.base import EventStore
from jobdating.notifications.application import queries_facts
from jobdating.notifications.application.ports import ReadModelWrites
from jobdating.notifications.domain import preferences
from jobdating.notifications.domain.permissions import may_set_reminders
from jobdating.runtime.commands import Aggregate, CommandBus, Meta

AGGREGATE = Aggregate(preferences.initial, preferences.evolve)


class UnknownCandidate(LookupError):
    """No registration event about this candidate has reached the service."""


class NotTheirCandidate(PermissionError):
    """A counsellor of another organisation than the candidate's."""


def followed(store: EventStore, candidate_id: str, caller_org: str | None) -> None:
    """Nothing when the caller follows the candidate (`may_set_reminders`'s rule), else the refusal."""
    candidate = queries_facts.candidate(store, candidate_id)
    if candidate is None:
        raise UnknownCandidate(candidate_id)
    if not may_set_reminders(caller_org, candidate.referring_org, candidate.org):
        raise NotTheirCandidate(candidate_id)


def reminders(store: EventStore, candidate_id: str, caller_org: str | None) -> bool:
    """Whether a candidate wants reminders, for whoever may change it (`set_reminders`'s rule)."""
    followed(store, candidate_id, caller_org)
    return queries_facts.wants_reminders(store, candidate_id)


def set_reminders(
    bus: CommandBus,
    store: EventStore,
    read_model: ReadModelWrites,
    candidate_id: str,
    wanted: bool,
    meta: Meta,
    caller_org: str | None,
) -> bool:
    """Record whether a candidate wants reminders; `caller_org` (a counsellor's) must be the candidate's
    referring or registering organisation. Returns the wish now in force."""
    followed(store, candidate_id, caller_org)
    bus.execute(
        AGGREGATE,
        preferences.stream_id(candidate_id),
        preferences.set_reminders(candidate_id, wanted),
        meta,
        extra=lambda tx, _: read_model.record_reminder_wish(tx, candidate_id, wanted),
    )
    return queries_facts.wants_reminders(store, candidate_id)
