"""A notification's own stream: what became of it (sent, failed, skipped), then whether the provider
reported it delivered or not; each fact recorded once."""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

import msgspec

from jobdating.contracts.envelope import Event
from jobdating.contracts.notifications import (
    NotificationDelivered,
    NotificationFailed,
    NotificationSent,
    NotificationSkipped,
    NotificationUndelivered,
)

Status = Literal["open", "sent", "failed", "skipped"]
Receipt = Literal["none", "delivered", "undelivered"]


class NotificationState(msgspec.Struct, frozen=True):
    """Where a notification's stream stands: its send, then the provider's receipt (if any came)."""

    status: Status = "open"
    receipt: Receipt = "none"


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
        case NotificationDelivered():
            return msgspec.structs.replace(state, receipt="delivered")
        case NotificationUndelivered():
            return msgspec.structs.replace(state, receipt="undelivered")
    return state


def record(outcome: Event) -> Callable[[NotificationState], list[Event]]:
    """Decide to record `outcome`: nothing follows a sent or skipped message; a failed one may be retried."""

    def decide(state: NotificationState) -> list[Event]:
        if state.status in ("sent", "skipped"):
            return []
        return [outcome]

    return decide


class NotYetSent(Exception):
    """A receipt for a message not recorded as sent: it may be (a crash before the mark), so it is kept
    for later rather than recorded or dropped."""


def receipt(
    report: NotificationDelivered | NotificationUndelivered,
) -> Callable[[NotificationState], list[Event]]:
    """Decide to record a provider's receipt: only for a sent message, and only the first one (providers
    repeat their reports; a later, contradicting one does not rewrite what the counsellor was shown)."""

    def decide(state: NotificationState) -> list[Event]:
        if state.status == "open":
            raise NotYetSent(state.status)
        if state.status != "sent" or state.receipt != "none":
            return []  # a failed or skipped message has no receipt to keep; a repeated one changes nothing
        return [report]

    return decide
