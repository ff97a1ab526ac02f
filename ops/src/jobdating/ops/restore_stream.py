"""The stream's part of a restore: keep the folder's stream when it survived, or put the backup's back.

A stream survived when it still holds the backup's last message (same `Nats-Msg-Id`): everything after
it is what happened since the backup, which the restore replays into the restored logs. Its durable
consumers are then deleted, so that the next `jobdating up` provisions them afresh from the stream's first
message: the restored stores' inboxes skip what they had handled by the backup and apply the rest.

Otherwise (no stream, or one that does not continue the backup's) the stream is provisioned empty and the
backup's messages published into it in order, each with its `Nats-Msg-Id`; a stream found there that did
not continue the backup's is read first, as a witness of what would otherwise be lost.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass, field
from pathlib import Path

import nats
from nats.js import JetStreamContext
from nats.js.errors import NotFoundError

from jobdating.bus.connection import tls_from
from jobdating.bus.provision import provision
from jobdating.bus.topology import CONSUMERS
from jobdating.contracts.subjects import STREAM_NAME
from jobdating.ops.audit.stream import read_stream
from jobdating.ops.backup_manifest import Manifest, StreamLine, read_stream_file
from jobdating.ops.reporting.source import ReportError, nats_of


class RestoreError(RuntimeError):
    """The restore stopped; its message (French) is shown as is."""


@dataclass
class StreamBack:
    """The stream as the restored stack will find it, and what a stream found there held beside."""

    kept: bool
    lines: list[StreamLine]
    witness: list[StreamLine] = field(default_factory=list)


async def stream_back(
    data_dir: Path, backup: Path, manifest: Manifest, nats_url: str | None = None
) -> StreamBack:
    """Keep the stream or publish the backup's again (see the module's docstring): the stream of the NATS at
    `nats_url` (compose's, as the `ops` user), else of the data folder's NATS, started for the time of it."""
    saved = read_stream_file(backup / manifest.stream.file) if manifest.stream is not None else []
    if nats_url is not None:
        return await _on(nats_url, saved, manifest)
    (data_dir / "nats" / "jetstream").mkdir(parents=True, exist_ok=True)
    try:
        with nats_of(data_dir) as url:
            return await _on(url, saved, manifest)
    except ReportError as exc:
        raise RestoreError(f"impossible de démarrer NATS sur {data_dir} : {exc}") from exc


async def _on(url: str, saved: list[StreamLine], manifest: Manifest) -> StreamBack:
    try:
        nc = await nats.connect(
            url, connect_timeout=3, allow_reconnect=False, max_reconnect_attempts=0, tls=tls_from(os.environ)
        )
    except (OSError, nats.errors.NoServersError) as exc:
        raise RestoreError(f"NATS injoignable : {exc}") from exc
    try:
        return await _settle(nc.jetstream(), saved, manifest)
    finally:
        await nc.close()


async def _settle(js: JetStreamContext, saved: list[StreamLine], manifest: Manifest) -> StreamBack:
    try:
        found = [StreamLine(m.seq, m.subject, m.msg_id, m.data) for m in await read_stream(js)]
    except NotFoundError:
        found = None
    last = manifest.stream.last_msg_id if manifest.stream is not None else None
    if found is not None and (last is None or any(line.msg_id == last for line in found)):
        for consumer in CONSUMERS:
            with contextlib.suppress(NotFoundError):
                await js.delete_consumer(STREAM_NAME, consumer.durable)
        return StreamBack(kept=True, lines=found)
    if found is not None:
        await js.delete_stream(STREAM_NAME)
    await provision(js)
    for line in saved:
        headers = {"Nats-Msg-Id": line.msg_id} if line.msg_id is not None else None
        await js.publish(line.subject, line.data, headers=headers)
    return StreamBack(kept=False, lines=saved, witness=found or [])
