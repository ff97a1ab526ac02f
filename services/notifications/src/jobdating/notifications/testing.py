"""The settings of a notifications process of one's own, for tests and benchmarks."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import msgspec

from jobdating.bus.server import free_port
from jobdating.testing.processes import service_env

SRC = Path(__file__).resolve().parents[2]


def process_env(
    work: Path, nats_url: str, smtp: tuple[str, int], tokens: Mapping[str, Any], **settings: str
) -> dict[str, str]:
    """The environment of `jobdating-notifications serve` for the département du Nord, keeping its store
    (`notifications.db`), tokens, SMS sink and e-mail copies under `work`, sending to the SMTP server `smtp`
    (host, port); a slot given outside a plan is told at once. `settings` (named as in the environment,
    without the prefix) add to these or replace them."""
    tokens_file = work / "tokens.json"
    tokens_file.write_bytes(msgspec.json.encode(dict(tokens)))
    host, port = smtp
    own = {
        "ORG": "departement-nord",
        "STORE_URL": f"sqlite:///{work / 'notifications.db'}",
        "NATS_URL": nats_url,
        "PORT": str(free_port()),
        "TOKENS_FILE": str(tokens_file),
        "SMTP_HOST": host,
        "SMTP_PORT": str(port),
        "MAILDIR": str(work / "maildir"),
        "SMS_SINK": str(work / "sms.jsonl"),
        "VIDEO_BASE_URL": "https://visio.example",  # where testing.upstream's slots link to
        "CHANGE_DELAY_SECONDS": "0",
    }
    return service_env("notifications", own | settings, SRC)
