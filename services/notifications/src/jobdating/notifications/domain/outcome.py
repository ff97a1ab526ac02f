"""A notification's own stream: what became of it (sent, failed, skipped), each fact recorded once."""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

import msgspec

from jobdating.contracts.envelope import Event
from jobdating.contracts.notifications import NotificationFailed, NotificationSent, NotificationSkipped

Status = Literal["open", "sent", "failed", "skipped"]


class NotificationState(msgspec.Struct, frozen=True):
    """Where a notification's stream stands."""

    status: Status = "open"


def initial() -> NotificationState:
    return NotificationState()


def evolve(state: NotificationState, event: Event) -> NotificationState:
    """Fold one recorded outcome."""
    match event:
        case NotificationSent():
            return NotificationState("sent")
        case NotificationFailed():
            return NotificationState("failed")
        case NotificationSkipped():
            return NotificationState("skipped")
    return state


def record(outcome: Event) -> Callable[[NotificationState], list[Event]]:
    """Decide to record `outcome`: nothing follows a sent or skipped message; a failed one may be retried."""

    def decide(state: NotificationState) -> list[Event]:
        if state.status in ("sent", "skipped"):
            return []
        return [outcome]

    return decide
