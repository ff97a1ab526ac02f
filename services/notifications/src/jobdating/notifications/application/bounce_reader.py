"""Reads the bounce mailbox beside the sender: each DSN about one of our e-mails becomes its receipt.

Every `every` seconds: the unread DSNs, oldest first; each names its e-mail by Message-ID. A final
DSN (failed, delivered) is recorded (`Receipts`), and only once that is committed is the file marked
handled, so a crash in between reads it again and the notification's stream, which keeps the first
receipt, records nothing more. A DSN about a message not yet recorded as sent stays unread for the next
round; one that is not a DSN, not final, or about no message of ours is marked handled and logged.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol, TypeVar

import msgspec

from jobdating.notifications.application.queries_deliveries import Delivery
from jobdating.notifications.application.receipts import Receipts, Report
from jobdating.runtime.clock import Clock
from jobdating.runtime.failpoints import failpoint

H = TypeVar("H")


class Dsn(msgspec.Struct, frozen=True, kw_only=True):
    """The final word of one DSN on one of our e-mails (no address kept: each has one recipient)."""

    message_id: str
    delivered: bool
    status: str | None
    reported_at: datetime | None


class BounceMailbox(Protocol[H]):
    def unread(self, limit: int = 500) -> Iterable[tuple[H, Dsn | None]]:
        """The DSNs not handled yet, oldest first, each with what it reports (None: nothing final)."""
        ...

    def handled(self, file: H) -> None:
        """Mark one handled (durably): it is not read again."""
        ...


@dataclass(eq=False)
class BounceReader:
    """Turns the bounce mailbox's DSNs into receipts; one per service instance, on the sender's loop."""

    mailbox: BounceMailbox[Any]
    find: Callable[[str], Delivery | None]
    receipts: Receipts
    clock: Clock
    every: float
    log: Any = None

    async def run(self, stop: asyncio.Event) -> None:
        """Read the mailbox every `every` seconds until `stop` is set."""
        while not stop.is_set():
            try:
                await self.read_once()
            except Exception as exc:  # a bad round must not end the reader: the next one tries again
                if self.log is not None:
                    self.log.error("bounce_read_error", error=type(exc).__name__)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=self.every)

    async def read_once(self) -> int:
        """Handle the unread DSNs; returns how many were marked handled."""
        handled = 0
        for file, dsn in await asyncio.to_thread(lambda: list(self.mailbox.unread())):
            if dsn is not None:
                delivery = self.find(dsn.message_id)
                if delivery is None:
                    self._warn("bounce_unknown_message")
                else:
                    done = await self.receipts.record(delivery, self._report(dsn))
                    if done == "not_sent":
                        continue  # the send's own commit is still to come: next round
                    failpoint("notifications.after_bounce_commit")
            else:
                self._warn("bounce_not_final")
            await asyncio.to_thread(self.mailbox.handled, file)
            handled += 1
        return handled

    def _report(self, dsn: Dsn) -> Report:
        at = dsn.reported_at or self.clock.now()
        if dsn.delivered:
            return Report(delivered=True, reported_at=at, source="dsn")
        reason = f"bounce_{dsn.status or 'failed'}"
        return Report(delivered=False, reason=reason, reported_at=at, source="dsn")

    def _warn(self, what: str) -> None:
        if self.log is not None:
            self.log.warning(what)
