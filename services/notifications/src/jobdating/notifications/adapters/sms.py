"""SMS through a provider's HTTP API with an idempotency key; a file sink stands in for it when embedded.

`SmsProviderClient` is the provider's side (the one place a stand-in is allowed: no SMS provider runs on
a build machine). `ProviderSmsChannel` adapts any such client to the application's `SmsChannel` port.
"""

from __future__ import annotations

import fcntl
import json
import os
import threading
from collections.abc import Collection
from concurrent.futures import Executor
from datetime import datetime
from pathlib import Path
from typing import Protocol

import httpx

from jobdating.notifications.adapters.workers import in_thread
from jobdating.notifications.application.ports import Accepted, Rejected, SendResult, Sms, Uncertain
from jobdating.runtime.clock import Clock
from jobdating.runtime.ids import new_id


class SmsRefused(Exception):
    """The provider answered no; `temporary` says whether asking again later may help."""

    def __init__(self, code: str, temporary: bool) -> None:
        super().__init__(code)
        self.code = code
        self.temporary = temporary


class SmsProviderClient(Protocol):
    def submit(self, to: str, text: str, idempotency_key: str, sender: str | None = None) -> str:
        """Hand one SMS to the provider; returns its message id. Same key twice: the same message.
        `sender`: the name phones show (the provider's default when None)."""
        ...


class HttpSmsProvider:
    """A provider's REST API: POST {"to", "text"} (and "sender" when set) with `Idempotency-Key`, answers
    {"id": ...}.

    `name` prefixes the error codes (`sms_provider_503`); `extra` is sent with every message (a voice
    provider's language)."""

    def __init__(
        self,
        url: str,
        token: str | None,
        timeout: float = 10.0,
        *,
        name: str = "sms",
        extra: dict[str, str] | None = None,
    ) -> None:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self.client = httpx.Client(base_url=url, headers=headers, timeout=timeout)
        self.name = name
        self.extra = extra or {}

    def submit(self, to: str, text: str, idempotency_key: str, sender: str | None = None) -> str:
        body = {"to": to, "text": text, **self.extra} | ({"sender": sender} if sender else {})
        response = self.client.post("", json=body, headers={"Idempotency-Key": idempotency_key})
        if response.status_code >= 400:
            temporary = response.status_code == 429 or response.status_code >= 500
            raise SmsRefused(f"{self.name}_provider_{response.status_code}", temporary)
        return str(response.json()["id"])


class Reports(Protocol):
    def report(self, provider_message_id: str, to: str) -> None:
        """Report later whether this SMS reached its phone (`adapters.sms_sink_reports`)."""
        ...


class FileSmsSink:
    """Embedded stand-in for a provider: one JSON line per SMS in a file the operator can read.

    It keeps the provider's promise that matters here: a second submit with the same idempotency key
    returns the first message's id and writes nothing. With `reports`, it reports each new SMS's delivery
    to the service's webhook, as a provider does.
    """

    def __init__(
        self, path: Path, clock: Clock, reports: Reports | None = None, *, prefix: str = "sms"
    ) -> None:
        self.path = Path(path)
        self.clock = clock
        self.reports = reports  # the provider's delivery reports, when the embedded run wants them
        self.prefix = prefix
        self._lock = threading.Lock()
        self._sent: dict[str, str] | None = None

    def submit(self, to: str, text: str, idempotency_key: str, sender: str | None = None) -> str:
        with self._lock:
            sent = self._load()
            if idempotency_key in sent:
                return sent[idempotency_key]
            message_id = f"{self.prefix}-{new_id()}"
            line = {
                "id": message_id,
                "idempotency_key": idempotency_key,
                "at": _iso(self.clock.now()),
                "to": to,
                "text": text,
            } | ({"sender": sender} if sender else {})
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with open(self.path, "a", encoding="utf-8") as fh:
                fcntl.flock(fh, fcntl.LOCK_EX)  # not amid a `forget` rewriting the file
                fh.write(json.dumps(line, ensure_ascii=False) + "\n")
                fh.flush()
                os.fsync(fh.fileno())
            sent[idempotency_key] = message_id
        if self.reports is not None:
            self.reports.report(message_id, to)
        return message_id

    def forget(self, message_ids: Collection[str]) -> int:
        """The `SentCopies` port: drop the lines of these SMS (by idempotency key, the id notifications
        keeps), rewriting the file in place so that no other copy of it is left behind."""
        wanted = set(message_ids)
        if not wanted or not self.path.exists():
            return 0
        with self._lock, open(self.path, "r+b") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)  # the sender may be another instance of this class
            lines = fh.read().splitlines(keepends=True)
            kept = [
                raw for raw in lines if not raw.strip() or json.loads(raw)["idempotency_key"] not in wanted
            ]
            if len(kept) == len(lines):
                return 0
            fh.seek(0)
            fh.write(b"".join(kept))
            fh.truncate()
            fh.flush()
            os.fsync(fh.fileno())
            return len(lines) - len(kept)

    def _load(self) -> dict[str, str]:
        if self._sent is None:
            self._sent = {}
            if self.path.exists():
                for raw in self.path.read_text(encoding="utf-8").splitlines():
                    if raw.strip():
                        line = json.loads(raw)
                        self._sent[line["idempotency_key"]] = line["id"]
        return self._sent


class ProviderSmsChannel:
    """The `SmsChannel` port over a provider client, called in a worker thread; `sender` is the
    organisation's sender name (its wording file)."""

    def __init__(
        self,
        provider: SmsProviderClient,
        sender: str | None = None,
        *,
        name: str = "sms",
        workers: Executor | None = None,
    ) -> None:
        self.provider = provider
        self.sender = sender
        self.name = name
        self.workers = workers  # the threads calls run in (`adapters.workers`; None: the default pool)

    async def send(self, sms: Sms) -> SendResult:
        return await self.submit(sms.to, sms.text, sms.idempotency_key)

    async def submit(self, to: str, text: str, idempotency_key: str) -> SendResult:
        """Hand a text to the provider; what happened, as a `SendResult` (errors named after `name`)."""
        try:
            message_id = await in_thread(
                self.workers, self.provider.submit, to, text, idempotency_key, self.sender
            )
        except SmsRefused as exc:
            return Rejected(exc.code, temporary=exc.temporary)
        except httpx.ConnectError:
            return Rejected(f"{self.name}_provider_unreachable", temporary=True)
        except (httpx.HTTPError, OSError, ValueError, KeyError):
            return Uncertain(f"{self.name}_provider_no_answer")
        return Accepted(message_id)


def _iso(at: datetime) -> str:
    return at.isoformat()
