"""`jobdating restore BACKUP`: the stack on a data folder brought back from a backup, nothing lost silently.

On a stopped stack, in this order:
1. the backup's checksums are checked (a file that does not match: refused, named);
2. whatever the folder still holds is read as a witness: each store's log and inbox (what it handled of
   other services), the stream when it does not continue the backup's;
3. every store is put back from the backup, and the folder's settings and secrets it lacks (tokens kept
   since the backup stay as they are: a token revoked since must not come back);
4. the stream: kept if it survived, else the backup's published again (`restore_stream`);
5. each restored log gets what the stream holds since the backup, its relay cursor is set to what the stream
   has (`restore_logs`); registration forgets the key of every candidate erased that the restore knows of;
6. every service's log projections are rebuilt from its log (`jobdating replay`'s rebuild).

Then the report: per service, the events replayed from the stream, and the events a witness knew that are
now nowhere (lost, by id and type); with no witness and no stream, it says that what happened after the
backup cannot be named. The next `jobdating up` provisions the consumers afresh: each service's inbox skips
what it had handled and applies the rest.
"""

from __future__ import annotations

import asyncio
import shutil
import subprocess
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from jobdating.contracts.envelope import decode_envelope, service_of
from jobdating.ops.audit.report import kind_of
from jobdating.ops.backup_manifest import Manifest, StoreCopy, verify
from jobdating.ops.readmodels import open_url, store_path
from jobdating.ops.replay import replay
from jobdating.ops.reporting.source import _lock_owner
from jobdating.ops.restore_fed import REACTING, settle_consumers
from jobdating.ops.restore_logs import (
    Owns,
    append_erasures,
    append_from_stream,
    erased_in,
    forget_keys,
    keys_missing,
    logged_ids,
    owner,
    set_relay_cursor,
)
from jobdating.ops.restore_stream import RestoreError, StreamBack, stream_back
from jobdating.ops.restore_witness import Witnesses, read_witnesses

__all__ = ["RestoreError", "RestoreReport", "restore"]


@dataclass
class RestoreReport:
    manifest: Manifest
    stream_kept: bool
    replayed: dict[str, Counter[str]] = field(default_factory=dict)
    lost: dict[str, dict[str, str]] = field(default_factory=dict)  # service -> event id -> type
    witnesses: list[str] = field(default_factory=list)
    keys_forgotten: list[str] = field(default_factory=list)
    erasures_appended: list[str] = field(default_factory=list)
    erasures_aside: list[str] = field(default_factory=list)
    keys_missing: list[str] = field(default_factory=list)
    unrelayed: dict[str, list[str]] = field(default_factory=dict)

    @property
    def nothing_named(self) -> bool:
        """No stream survived and nothing in the folder witnessed what happened after the backup."""
        return not self.stream_kept and not self.witnesses


async def restore(
    backup: Path,
    data_dir: Path,
    now: datetime,
    urls: Mapping[str, str] | None = None,
    nats_url: str | None = None,
) -> RestoreReport:
    """Restore the stack on `data_dir` from the backup folder `backup` (see the module's docstring); both
    paths absolute. `urls`: stores given by URL (PostgreSQL); `nats_url`: a NATS other than the folder's
    (compose: its services stopped first)."""
    manifest = verify(backup)
    running = _lock_owner(data_dir / "up.pid")
    if running is not None:
        raise RestoreError(f"jobdating tourne sur {data_dir} (processus {running}) : arrêtez-le d'abord")
    urls = dict(urls or {})
    for copy in manifest.stores:  # checked before anything is touched
        if copy.kind == "postgresql" and copy.service not in urls:
            raise RestoreError(f"{copy.service} : sauvegarde PostgreSQL, donnez --store {copy.service}=URL")
    await asyncio.to_thread(data_dir.mkdir, parents=True, exist_ok=True)
    witnesses = read_witnesses(data_dir, urls)
    for copy in manifest.stores:
        await asyncio.to_thread(_put_back, backup, data_dir, copy, urls.get(copy.service))
    for name in manifest.files:
        if not (data_dir / name).exists():
            shutil.copy2(backup / name, data_dir / name)
    back = await stream_back(data_dir, backup, manifest, nats_url)
    report = RestoreReport(manifest, back.kept, witnesses=witnesses.described)
    in_stream = {line.msg_id for line in back.lines if line.msg_id is not None}
    labels = [copy.service for copy in manifest.stores]
    for label in labels:
        owns = owner(label, labels)
        _bring_forward(label, owns, data_dir, urls, back, witnesses, in_stream, report, now)
    for label in labels:
        await replay(data_dir, kind_of(label), store_url=urls.get(label))
    _name_lost(data_dir, urls, manifest, back, witnesses, report)
    return report


def _put_back(backup: Path, data_dir: Path, copy: StoreCopy, url: str | None) -> None:
    if copy.kind == "postgresql" and url is not None:
        command = ["pg_restore", "--clean", "--if-exists", "--no-owner", f"--dbname={url}"]
        done = subprocess.run(  # noqa: S603 - the operator's own database URL
            [*command, str(backup / copy.file)],
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            raise RestoreError(f"{copy.service} : pg_restore a échoué : {done.stderr.strip()}")
        return
    target = Path(url.removeprefix("sqlite:///")) if url else store_path(data_dir, copy.service)
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(backup / copy.file, target)
    target.chmod(0o644)


def _bring_forward(
    service: str,
    owns: Owns,
    data_dir: Path,
    urls: Mapping[str, str],
    back: StreamBack,
    witnesses: Witnesses,
    in_stream: set[str],
    report: RestoreReport,
    now: datetime,
) -> None:
    store = open_url(urls.get(service) or f"sqlite:///{store_path(data_dir, service)}", read_only=False)
    try:
        replayed = append_from_stream(store, service, owns, back.lines)
        if replayed:
            report.replayed[service] = replayed
        if kind_of(service) == "registration":
            witnessed = [
                (env, body)
                for env, body in witnesses.erasures()
                if env.event_id not in in_stream and owns(env)
            ]
            # Added to, not set: a partner's own registration instance is restored beside the coordinator's.
            appended, aside = append_erasures(store, witnessed)
            report.erasures_appended += appended
            report.erasures_aside += aside
            bodies = (bytes(r[0]) for r in store.query("SELECT body FROM events"))
            erased = {env.stream_id for env in erased_in(bodies)}
            erased |= {env.stream_id for env in erased_in(line.data for line in back.witness) if owns(env)}
            erased |= set(aside)
            report.keys_forgotten += forget_keys(store, erased)
            report.keys_missing += keys_missing(store)
        if kind_of(service) in REACTING:
            settle_consumers(store, service, back.lines, now)
        unrelayed = set_relay_cursor(store, in_stream)
        if unrelayed:
            report.unrelayed[service] = unrelayed
    finally:
        store.close()


def _name_lost(
    data_dir: Path,
    urls: Mapping[str, str],
    manifest: Manifest,
    back: StreamBack,
    witnesses: Witnesses,
    report: RestoreReport,
) -> None:
    """Every event a witness knew that is now in no restored log and not on the stream."""
    known = {line.msg_id for line in back.lines if line.msg_id is not None}
    for copy in manifest.stores:
        store = open_url(urls.get(copy.service) or f"sqlite:///{store_path(data_dir, copy.service)}", True)
        try:
            known |= logged_ids(store)
        finally:
            store.close()
    for service, events in witnesses.logged.items():
        for event_id, event_type in events.items():
            if event_id not in known:
                report.lost.setdefault(service, {})[event_id] = event_type
    for line in back.witness:
        env = decode_envelope(line.data)
        if env.event_id not in known:
            report.lost.setdefault(service_of(env), {})[env.event_id] = env.event_type
    for service, event_ids in witnesses.handled.items():
        for event_id in event_ids - known:
            report.lost.setdefault(service, {}).setdefault(event_id, "?")
