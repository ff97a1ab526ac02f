"""The embedded run's stand-in for an SMS provider's delivery reports: what the file sink took is reported
back to the service's own webhook, signed with the shared secret, as a provider would.

A French mobile number (06, 07, +336, +337) is reported delivered; any other number failed (`not_mobile`:
the stand-in reaches French mobiles only; landlines never get here, they are called instead), so
`./dev run` can show both states. Reports are posted from a
thread after `delay` seconds (the service records the send first), and posted again, like a provider
does, while the service answers something else than 200 (409: not recorded as sent yet; unreachable).
"""

from __future__ import annotations

import json
import queue
import threading
import time

import httpx

from jobdating.notifications.adapters.webhook_signature import SIGNATURE_HEADER, TIMESTAMP_HEADER, sign
from jobdating.runtime.clock import Clock

ATTEMPTS = 20


def is_french_mobile(phone: str) -> bool:
    digits = "".join(c for c in phone if c.isdigit() or c == "+")
    return digits.startswith(("06", "07", "+336", "+337", "00336", "00337"))


class SinkReports:
    """Posts a delivery report for each SMS the file sink took (`report`, from any thread)."""

    def __init__(self, url: str, secret: bytes, clock: Clock, delay: float = 1.0) -> None:
        self.url = url
        self.secret = secret
        self.clock = clock
        self.delay = delay
        self._queue: queue.Queue[tuple[float, int, dict[str, str]]] = queue.Queue()
        self._thread = threading.Thread(target=self._post_all, name="sms-sink-reports", daemon=True)
        self._thread.start()

    def report(self, provider_message_id: str, to: str) -> None:
        """Report this SMS, later: delivered to a mobile number, failed otherwise."""
        body = {"id": provider_message_id, "status": "delivered"}
        if not is_french_mobile(to):
            body = {"id": provider_message_id, "status": "failed", "error": "not_mobile"}
        self._queue.put((time.monotonic() + self.delay, 0, body))

    def _post_all(self) -> None:
        with httpx.Client(timeout=5.0) as client:
            while True:
                due, tries, body = self._queue.get()
                time.sleep(max(0.0, due - time.monotonic()))
                if not self._post(client, body) and tries + 1 < ATTEMPTS:
                    self._queue.put((time.monotonic() + 1.0 + tries, tries + 1, body))

    def _post(self, client: httpx.Client, body: dict[str, str]) -> bool:
        now = self.clock.now()
        raw = json.dumps(body | {"at": now.isoformat()}).encode()
        stamp = int(now.timestamp())
        headers = {
            SIGNATURE_HEADER: sign(self.secret, stamp, raw),
            TIMESTAMP_HEADER: str(stamp),
            "Content-Type": "application/json",
        }
        try:
            answer = client.post(self.url, content=raw, headers=headers)
        except httpx.HTTPError:
            return False
        return answer.status_code == 200
