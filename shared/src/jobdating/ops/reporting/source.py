"""Where the report's events come from: the whole stream `JOBDATING`, replayed in order."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import nats
from nats.js import JetStreamContext
from nats.js.errors import NotFoundError

from jobdating.bus.replay import replay_stream
from jobdating.contracts.envelope import RecordedEvent
from jobdating.contracts.subjects import STREAM_NAME
from jobdating.ops.reporting.projection import DEFAULT_TIMEZONE, Report, ReportState, Scope, compute, evolve

_LISTEN = re.compile(r"^\s*listen:\s*(\S+):(\d+)\s*$", re.MULTILINE)


class ReportError(RuntimeError):
    """Something the operator can fix (NATS unreachable, a bad date); shown as is, hence in French."""


async def build_report(js: JetStreamContext, scope: Scope) -> Report:
    """Replay every event of the stream into the report's state, then compute the report of `scope`."""
    state = ReportState(as_of=scope.as_of)

    def apply_batch(events: Sequence[RecordedEvent]) -> None:
        for event in events:
            evolve(state, event)

    await replay_stream(js, apply_batch)
    return compute(state, scope)


async def report_from(nats_url: str, scope: Scope) -> Report:
    try:
        nc = await nats.connect(nats_url, connect_timeout=3, max_reconnect_attempts=0, allow_reconnect=False)
    except (OSError, nats.errors.NoServersError) as exc:
        raise ReportError(f"NATS injoignable à {nats_url} : {exc}") from exc
    try:
        return await build_report(nc.jetstream(), scope)
    except NotFoundError as exc:
        raise ReportError(f"le flux {STREAM_NAME} n'existe pas sur {nats_url} : rien n'a été publié") from exc
    finally:
        await nc.close()


def nats_url_of(data_dir: Path) -> str:
    """The NATS URL of the stack `jobdating up` runs on `data_dir` (from the config it wrote there)."""
    conf = data_dir / "nats" / "nats.conf"
    try:
        found = _LISTEN.search(conf.read_text())
    except OSError as exc:
        raise ReportError(
            f"pas de configuration NATS dans {conf} : lancez `jobdating up --data-dir {data_dir}` d'abord"
        ) from exc
    if found is None:
        raise ReportError(f"adresse d'écoute introuvable dans {conf}")
    return f"nats://{found.group(1)}:{found.group(2)}"


def parse_as_of(text: str, zone: str = DEFAULT_TIMEZONE) -> datetime:
    """An ISO date or datetime; without an offset it is local time in `zone`. A date alone means the end
    of that day (the figures as they stood that evening)."""
    try:
        if len(text) == 10:
            day = date.fromisoformat(text)
            moment = datetime.combine(day + timedelta(days=1), time()) - timedelta(microseconds=1)
        else:
            moment = datetime.fromisoformat(text)
    except ValueError as exc:
        raise ReportError(f"date invalide : {text!r} (attendu AAAA-MM-JJ ou AAAA-MM-JJTHH:MM)") from exc
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=ZoneInfo(zone))


def parse_day(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise ReportError(f"date invalide : {text!r} (attendu AAAA-MM-JJ)") from exc
