"""`jobdating backup`: a consistent copy of every service's store and of the stream, in one dated folder.

Each SQLite store is copied with SQLite's online backup API (a consistent copy while the service writes);
a PostgreSQL store with `pg_dump` (custom format, one snapshot). The stores are copied first, then the
stream is read whole with an ordered consumer into `stream.jsonl`: whatever a service committed between
its store's copy and the stream's read is in the stream, and a restore replays it into the restored log.
The data folder's settings and secrets (tokens, NATS users, the console's key) are copied as they were.

The folder holds personal data (registration's store: keys and names): it is written readable by its owner
only, and is kept no longer than the retention `docs/privacy.md` sets (35 days).
"""

from __future__ import annotations

import asyncio
import shutil
import sqlite3
import subprocess
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path

import msgspec
from nats.js import JetStreamContext
from nats.js.errors import NotFoundError

from jobdating.contracts.subjects import STREAM_NAME
from jobdating.ops.audit.report import kind_of
from jobdating.ops.audit.stream import read_stream
from jobdating.ops.backup_manifest import (
    MANIFEST,
    STREAM_FILE,
    Manifest,
    StoreCopy,
    StreamCopy,
    StreamLine,
    write_checksums,
)
from jobdating.ops.readmodels import RELAY, SERVICES, open_url, store_path

SKIPPED = ("up.pid", "sms.jsonl", ".write-test")
"""Top-level files of a data folder that are not state: the lock, and the SMS sink (messages sent)."""


class BackupError(RuntimeError):
    """The backup could not be taken; its message (French) is shown as is."""


def settings_files(data_dir: Path) -> list[Path]:
    """The folder's own settings and secrets: its top-level files that are neither a store nor a sink."""
    if not data_dir.is_dir():
        return []
    return [
        p for p in sorted(data_dir.iterdir()) if p.is_file() and p.name not in SKIPPED and ".db" not in p.name
    ]


def folder_name(now: datetime) -> str:
    return f"jobdating-{now.astimezone(UTC):%Y%m%dT%H%M%SZ}"


async def take_backup(
    data_dir: Path,
    target: Path,
    js: JetStreamContext | None,
    now: datetime,
    urls: Mapping[str, str] | None = None,
) -> tuple[Path, Manifest]:
    """Back up the stack on `data_dir` into a new folder under `target` (named after `now`); both paths
    absolute."""
    urls = dict(urls or {})
    folder = target / folder_name(now)
    try:
        folder.mkdir(parents=True, mode=0o700)
    except FileExistsError as exc:
        raise BackupError(
            f"le dossier {folder} existe déjà : une sauvegarde a été prise à cette heure"
        ) from exc
    unknown = sorted({kind_of(label) for label in urls} - set(SERVICES))
    if unknown:
        shutil.rmtree(folder)
        raise BackupError(f"service inconnu : {', '.join(unknown)} (attendu : {', '.join(SERVICES)})")
    # A partner's own instance (`registration@mission-locale=URL`) is backed up beside the folder's services.
    labels = [s for s in SERVICES if s in urls or store_path(data_dir, s).exists()]
    labels += [label for label in urls if label not in SERVICES]
    stores = [await asyncio.to_thread(_copy_store, data_dir, x, urls.get(x), folder) for x in labels]
    if not stores:
        shutil.rmtree(folder)
        raise BackupError(f"aucune base de service dans {data_dir}")
    files = []
    for path in settings_files(data_dir):
        shutil.copy2(path, folder / path.name)
        (folder / path.name).chmod(0o600)
        files.append(path.name)
    stream = await _copy_stream(js, folder) if js is not None else None
    manifest = Manifest(taken_at=now, data_dir=str(data_dir), stores=stores, stream=stream, files=files)
    (folder / MANIFEST).write_bytes(msgspec.json.format(msgspec.json.encode(manifest)) + b"\n")
    (folder / MANIFEST).chmod(0o600)
    write_checksums(folder)
    return folder, manifest


def _copy_store(data_dir: Path, service: str, url: str | None, folder: Path) -> StoreCopy:
    if url is not None and url.startswith(("postgresql://", "postgres://")):
        name = f"{service.replace('@', '+')}.pgdump"
        done = subprocess.run(  # noqa: S603 - the operator's own database URL
            ["pg_dump", "--format=custom", "--no-owner", f"--file={folder / name}", url],  # noqa: S607
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            raise BackupError(f"{service} : pg_dump a échoué : {done.stderr.strip()}")
        (folder / name).chmod(0o600)
        live = open_url(url, read_only=True)
        kind = "postgresql"
    else:
        source = Path(url.removeprefix("sqlite:///")) if url else store_path(data_dir, service)
        name = f"{service.replace('@', '+')}.db"
        _sqlite_backup(source, folder / name)
        live = open_url(f"sqlite:///{folder / name}", read_only=True)
        kind = "sqlite"
    try:
        # Read from the copy itself for SQLite; a dump's figures are read after it (they may be a little
        # ahead: the stream's read, later still, covers them).
        return StoreCopy(
            service=service,
            file=name,
            kind=kind,
            events=live.count(),
            head=live.head(),
            relayed=live.relay_position(RELAY),
        )
    finally:
        live.close()


def _sqlite_backup(source: Path, copy: Path) -> None:
    """SQLite's online backup: a consistent copy of the database (its WAL included) while it is in use."""
    src = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
    try:
        src.execute("PRAGMA busy_timeout=30000")
        dst = sqlite3.connect(copy)
        try:
            src.backup(dst)
            dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
        finally:
            dst.close()
    finally:
        src.close()
    copy.chmod(0o600)


async def _copy_stream(js: JetStreamContext, folder: Path) -> StreamCopy | None:
    try:
        messages = await read_stream(js)
    except NotFoundError:
        return None
    encoder = msgspec.json.Encoder()
    path = folder / STREAM_FILE
    with path.open("wb") as out:
        for m in messages:
            out.write(encoder.encode(StreamLine(m.seq, m.subject, m.msg_id, m.data)) + b"\n")
    path.chmod(0o600)
    return StreamCopy(
        file=STREAM_FILE,
        name=STREAM_NAME,
        messages=len(messages),
        first_seq=messages[0].seq if messages else 0,
        last_seq=messages[-1].seq if messages else 0,
        last_msg_id=messages[-1].msg_id if messages else None,
    )
