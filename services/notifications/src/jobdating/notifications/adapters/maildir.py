"""The embedded run's mail server: SMTP (aiosmtpd) in, a Maildir the operator can read out.

Each accepted message is written to `tmp/`, synced to disk and renamed into `new/` before the server
answers 250, so a message the client saw accepted is in the Maildir, and a message not in the Maildir was
not accepted: that is what makes the probe authoritative for reconciliation. When a candidate is erased,
notifications deletes the messages it sent them (`MaildirCopies`).
"""

from __future__ import annotations

import asyncio
import itertools
import os
import socket
import time
from collections.abc import Callable, Collection
from email.parser import BytesHeaderParser
from pathlib import Path
from typing import Any

from aiosmtpd.smtp import SMTP, Envelope, Session

HEADER_LIMIT = 64 * 1024


class MaildirHandler:
    """aiosmtpd handler writing every message to a Maildir; `on_accept` sees each one (benchmarks)."""

    def __init__(self, path: Path, on_accept: Callable[[bytes], None] | None = None) -> None:
        self.path = Path(path)
        self.on_accept = on_accept
        for sub in ("tmp", "new", "cur"):
            (self.path / sub).mkdir(parents=True, exist_ok=True)
        self._counter = itertools.count()
        self._host = socket.gethostname().replace("/", "_").replace(":", "_")

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:  # noqa: N802 - aiosmtpd hook name
        content = envelope.original_content or envelope.content
        data = content if isinstance(content, bytes) else str(content).encode()
        self.deliver(data)
        if self.on_accept is not None:
            self.on_accept(data)
        return "250 Message accepted for delivery"

    def deliver(self, data: bytes) -> Path:
        """Write one message into `new/` (durably) and return its path."""
        name = f"{time.time_ns()}.P{os.getpid()}Q{next(self._counter)}.{self._host}"
        tmp = self.path / "tmp" / name
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        final = self.path / "new" / name
        os.rename(tmp, final)
        return final


class MaildirProbe:
    """The `MailboxProbe` port: looks for a Message-ID among the Maildir's messages."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    def holds(self, message_id: str) -> bool | None:
        if not (self.path / "new").is_dir():
            return None  # not a Maildir we can read: we cannot tell
        return any(_message_id(file) == message_id for file in messages(self.path))


class MaildirCopies:
    """The `SentCopies` port: deletes messages from the Maildir by Message-ID (an erased person's)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    def forget(self, message_ids: Collection[str]) -> int:
        wanted = set(message_ids)
        if not wanted:
            return 0
        gone = 0
        for file in messages(self.path):
            if _message_id(file) in wanted:
                file.unlink(missing_ok=True)
                gone += 1
        if gone:
            _sync_dir(self.path / "new")
            _sync_dir(self.path / "cur")
        return gone


def _message_id(file: Path) -> str | None:
    try:
        with open(file, "rb") as fh:
            head = fh.read(HEADER_LIMIT)
    except FileNotFoundError:  # moved from new/ to cur/ by a mail reader meanwhile
        return None
    found = BytesHeaderParser().parsebytes(head).get("Message-ID")
    return None if found is None else str(found).strip()


def _sync_dir(path: Path) -> None:
    """Make the unlinks durable, as `deliver` makes a message's arrival durable."""
    if path.is_dir():
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def messages(path: Path) -> list[Path]:
    """Every message file of a Maildir, oldest first."""
    found = [f for sub in ("new", "cur") if (path / sub).is_dir() for f in (path / sub).iterdir()]
    return sorted(found, key=lambda f: f.name)


async def serve_sink(host: str, port: int, path: Path, stop: asyncio.Event, log: Any = None) -> None:
    """Run the SMTP-to-Maildir server until `stop` is set."""
    handler = MaildirHandler(path)
    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        lambda: SMTP(handler, hostname="jobdating-sink", ident="jobdating SMTP sink"), host, port
    )
    if log is not None:
        log.info("smtp_sink_started", host=host, port=port, maildir=str(path))
    try:
        await stop.wait()
    finally:
        server.close()
        await server.wait_closed()
