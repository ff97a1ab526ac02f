"""Where the report's events come from: the whole stream `JOBDATING`, replayed in order."""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import nats
from nats.js import JetStreamContext
from nats.js.errors import NotFoundError

from jobdating.bus.connection import tls_from
from jobdating.bus.replay import replay_stream
from jobdating.bus.server import NatsServer, NatsServerError, free_port
from jobdating.contracts.envelope import RecordedEvent
from jobdating.contracts.subjects import STREAM_NAME
from jobdating.ops.embedded_nats import NoEmbeddedNats, ops_authorization, ops_url, ops_url_of
from jobdating.reporting.figures import Report, Scope
from jobdating.reporting.fold import DEFAULT_TIMEZONE, ReportState, evolve
from jobdating.reporting.sections import compute


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
        nc = await nats.connect(
            nats_url,
            connect_timeout=3,
            max_reconnect_attempts=0,
            allow_reconnect=False,
            tls=tls_from(os.environ),
        )
    except (OSError, nats.errors.NoServersError) as exc:
        raise ReportError(f"NATS injoignable à {nats_url} : {exc}") from exc
    try:
        return await build_report(nc.jetstream(), scope)
    except NotFoundError as exc:
        raise ReportError(f"le flux {STREAM_NAME} n'existe pas sur {nats_url} : rien n'a été publié") from exc
    finally:
        await nc.close()


def nats_url_of(data_dir: Path) -> str:
    """The NATS URL of the stack `jobdating up` runs on `data_dir`, as the operators' user."""
    try:
        return ops_url_of(data_dir)
    except NoEmbeddedNats as exc:
        raise ReportError(str(exc)) from exc


@contextmanager
def nats_of(data_dir: Path) -> Iterator[str]:
    """The NATS of the stack on `data_dir`: its running server, or, when the stack is stopped, a server of
    our own started on its JetStream folder for the time of the report (holding the stack's lock meanwhile,
    so that no `jobdating up` starts a second server on the same files)."""
    data_dir = data_dir.resolve()
    try:
        url = nats_url_of(data_dir)
    except ReportError:
        url = None
    if url is not None and _listening(url):
        yield url
        return
    if not (data_dir / "nats" / "jetstream").is_dir():
        raise ReportError(f"pas de données JetStream dans {data_dir} : lancez `jobdating up` d'abord")
    lock = data_dir / "up.pid"
    owner = _lock_owner(lock)
    if owner is not None:
        raise ReportError(f"jobdating démarre ou s'arrête sur {data_dir} (processus {owner}) : réessayez")
    lock.write_text(str(os.getpid()))
    server = NatsServer(data_dir / "nats", port=free_port(), authorization=ops_authorization(data_dir))
    try:
        server.start()
    except NatsServerError as exc:
        lock.unlink(missing_ok=True)
        raise ReportError(f"impossible de relire le flux de {data_dir} : {exc}") from exc
    try:
        yield ops_url(data_dir, server.url)
    finally:
        server.stop()
        if _lock_owner(lock) == os.getpid():
            lock.unlink()


def _listening(url: str) -> bool:
    parts = urlsplit(url)
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 4222), timeout=0.5):
            return True
    except OSError:
        return False


def _lock_owner(lock: Path) -> int | None:
    """The live process holding the stack's lock, if any (a stale lock left by a crash counts as none)."""
    try:
        pid = int(lock.read_text().strip() or "0")
    except (OSError, ValueError):
        return None
    if pid <= 0:
        return None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return None
    except PermissionError:
        return pid
    return pid


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
