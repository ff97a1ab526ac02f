"""The bounce mailbox: delivery status notifications (RFC 3464) read from a Maildir folder.

The mail relay sends the DSNs of our e-mails (their envelope sender's mailbox) into a Maildir this service
can read. A DSN is a `multipart/report; report-type=delivery-status` whose `message/delivery-status` part
says, per recipient, the `Action` (failed, delivered, delayed, relayed, expanded) and the `Status`
(5.x.x: permanent, 4.x.x: temporary), and whose third part gives back the original message or its headers,
with the Message-ID that names our notification. Only failed and delivered are final; the others wait.

A file is moved to `cur/` (the Maildir's "seen") only after its receipt is committed: a crash in between
reads it again, and the notification's stream records a receipt once.
"""

from __future__ import annotations

import email
import email.policy
import os
import re
from collections.abc import Collection, Iterator
from datetime import datetime
from email.message import Message
from email.parser import BytesHeaderParser
from email.utils import parsedate_to_datetime
from pathlib import Path

import msgspec

from jobdating.notifications.application.bounce_reader import Dsn

MAX_SIZE = 1024 * 1024
_STATUS = re.compile(r"[245]\.\d{1,3}\.\d{1,3}")


def parse_dsn(data: bytes) -> Dsn | None:
    """The final outcome a DSN reports, or None when it is not a DSN, names no message or is not final."""
    message = _report(data)
    if message is None:
        return None
    action: str | None = None
    status: str | None = None
    for part in message.walk():
        if part.get_content_type() == "message/delivery-status":
            action, status = _first_final(part)
            break
    message_id = _returned_message_id(message)
    if message_id is None or action not in ("failed", "delivered"):
        return None
    return Dsn(
        message_id=message_id,
        delivered=action == "delivered",
        status=status,
        reported_at=_date(message),
    )


def _report(data: bytes) -> Message | None:
    message = email.message_from_bytes(data[:MAX_SIZE], policy=email.policy.compat32)
    if message.get_content_type() != "multipart/report":
        return None
    if str(message.get_param("report-type", "")).lower() != "delivery-status":
        return None
    return message


def _returned_message_id(report: Message) -> str | None:
    """The Message-ID of the message a DSN gives back (whole, or its headers only)."""
    for part in report.walk():
        if part.get_content_type() in ("message/rfc822", "text/rfc822-headers"):
            return _original_message_id(part)
    return None


def _first_final(part: Message) -> tuple[str | None, str | None]:
    """The first recipient block with a final action (our messages have one recipient)."""
    blocks = part.get_payload()
    if not isinstance(blocks, list):
        return None, None
    for block in blocks[1:]:  # the first block is about the message, the others one recipient each
        if not isinstance(block, Message):
            continue
        action = str(block.get("Action", "")).strip().lower()
        if action in ("failed", "delivered"):
            found = _STATUS.search(str(block.get("Status", "")))
            return action, found.group(0) if found else None
    return None, None


def _original_message_id(part: Message) -> str | None:
    if part.get_content_type() == "message/rfc822":
        inner = part.get_payload()
        headers = inner[0] if isinstance(inner, list) and inner else None
    else:
        raw = part.get_payload(decode=True)
        headers = BytesHeaderParser().parsebytes(raw) if isinstance(raw, bytes) else None
    if not isinstance(headers, Message):
        return None
    found = headers.get("Message-ID")
    return str(found).strip() if found else None


def _date(message: Message) -> datetime | None:
    try:
        at = parsedate_to_datetime(str(message.get("Date", "")))
    except (TypeError, ValueError):
        return None
    return at if at.tzinfo is not None else None


class BounceFile(msgspec.Struct, frozen=True):
    path: Path


class MaildirBounces:
    """The unread DSNs of a Maildir folder (`new/`), moved to `cur/` once handled."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        for sub in ("tmp", "new", "cur"):
            (self.path / sub).mkdir(parents=True, exist_ok=True)

    def unread(self, limit: int = 500) -> Iterator[tuple[BounceFile, Dsn | None]]:
        """The files waiting in `new/`, oldest first, each with what it reports (None: nothing final)."""
        names = sorted(os.listdir(self.path / "new"))[:limit]
        for name in names:
            path = self.path / "new" / name
            try:
                with open(path, "rb") as fh:
                    data = fh.read(MAX_SIZE)
            except FileNotFoundError:  # taken meanwhile by another reader
                continue
            yield BounceFile(path), parse_dsn(data)

    def forget(self, message_ids: Collection[str]) -> int:
        """The `SentCopies` port: delete the DSNs about these messages (they quote the person's address),
        read or not, when the person is erased; returns how many went. Idempotent."""
        wanted = set(message_ids)
        if not wanted:
            return 0
        gone = 0
        for sub in ("new", "cur"):
            for path in sorted((self.path / sub).iterdir()):
                try:
                    data = path.read_bytes()
                except FileNotFoundError:
                    continue
                report = _report(data)
                if report is not None and _returned_message_id(report) in wanted:
                    path.unlink(missing_ok=True)
                    gone += 1
        if gone:
            self._sync()
        return gone

    def handled(self, file: BounceFile) -> None:
        """Move a file to `cur/` with the seen flag, durably (a crash before this reads it again)."""
        target = self.path / "cur" / f"{file.path.name.split(':', 1)[0]}:2,S"
        os.replace(file.path, target)
        self._sync()

    def _sync(self) -> None:
        for sub in ("new", "cur"):
            fd = os.open(self.path / sub, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
