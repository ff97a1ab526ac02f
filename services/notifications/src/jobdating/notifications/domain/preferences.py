"""A candidate's wish about reminders: opting out (or back in) is recorded once, not repeated."""

from __future__ import annotations

from collections.abc import Callable

import msgspec

from jobdating.contracts.envelope import Event
from jobdating.contracts.notifications import RemindersOptedIn, RemindersOptedOut


class ReminderPreference(msgspec.Struct, frozen=True):
    """Whether the candidate wants reminders (they do until they say otherwise)."""

    reminders: bool = True


def initial() -> ReminderPreference:
    return ReminderPreference()


def evolve(state: ReminderPreference, event: Event) -> ReminderPreference:
    match event:
        case RemindersOptedOut():
            return ReminderPreference(reminders=False)
        case RemindersOptedIn():
            return ReminderPreference(reminders=True)
    return state


def stream_id(candidate_id: str) -> str:
    """The stream of one candidate's reminder preference."""
    return f"reminders-{candidate_id}"


def set_reminders(candidate_id: str, wanted: bool) -> Callable[[ReminderPreference], list[Event]]:
    """Decide: the event that records the new wish, or nothing when it is already so."""

    def decide(state: ReminderPreference) -> list[Event]:
        if state.reminders == wanted:
            return []
        return [
            RemindersOptedIn(candidate_id=candidate_id)
            if wanted
            else RemindersOptedOut(candidate_id=candidate_id)
        ]

    return decide
