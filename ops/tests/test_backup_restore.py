"""`jobdating backup` and `restore` on a small history in a data folder (SQLite stores, a real JetStream):
the folder and its manifest, the checksums that refuse a folder, and a restore with nothing left to witness
what followed the backup, which says so."""

from __future__ import annotations

import stat
from datetime import UTC, datetime
from pathlib import Path

import pytest

from jobdating.bus.provision import provision
from jobdating.bus.server import NatsServer
from jobdating.contracts.subjects import STREAM_NAME
from jobdating.ops.audit.run import audit
from jobdating.ops.backup import take_backup
from jobdating.ops.backup_manifest import BackupRefused, verify
from jobdating.ops.commands.backups import print_report
from jobdating.ops.restore import restore
from jobdating.registration.application.handlers import RegistrationHandlers
from jobdating.registration.testing import CALLERS, candidate, open_site

from .conftest import History

pytestmark = [pytest.mark.nats]
AT = datetime(2027, 1, 5, 9, 0, tzinfo=UTC)


async def test_a_backup_holds_each_store_and_the_stream_with_their_positions(
    history: History, tmp_path: Path
) -> None:
    (history.data / "tokens.json").write_text("{}")
    folder, manifest = await take_backup(history.data, tmp_path / "backups", history.js, AT)
    assert folder.name == "jobdating-20270105T090000Z"
    heads = {s.service: (s.events, s.head, s.relayed) for s in manifest.stores}
    registration = history.registration.store
    assert heads["registration"] == (registration.count(), registration.head(), registration.head())
    assert set(heads) == {"registration", "sites"}
    assert manifest.stream is not None
    assert manifest.stream.messages == sum(s.events for s in manifest.stores)
    assert manifest.files == ["tokens.json"]
    assert verify(folder) == manifest
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert {stat.S_IMODE(p.stat().st_mode) for p in folder.iterdir()} == {0o600}


@pytest.mark.parametrize(
    ("damage", "said"),
    [
        (lambda f: (f / "sites.db").write_bytes(b"x"), "le fichier sites.db ne correspond pas"),
        (lambda f: (f / "stream.jsonl").unlink(), "le fichier stream.jsonl manque"),
        (lambda f: (f / "extra.db").write_bytes(b"x"), "le fichier extra.db n'est pas dans SHA256SUMS"),
        (lambda f: (f / "SHA256SUMS").unlink(), "SHA256SUMS absent"),
    ],
)
async def test_a_damaged_backup_is_refused_naming_the_file(
    history: History, tmp_path: Path, damage: object, said: str
) -> None:
    folder, _ = await take_backup(history.data, tmp_path / "backups", history.js, AT)
    damage(folder)  # type: ignore[operator]
    with pytest.raises(BackupRefused, match=said):
        await restore(folder, tmp_path / "elsewhere", AT)
    assert not (tmp_path / "elsewhere" / "registration.db").exists()


async def test_with_no_stream_and_no_store_left_the_restore_says_what_it_cannot_name(
    history: History, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder, manifest = await take_backup(history.data, tmp_path / "backups", history.js, AT)
    handlers = RegistrationHandlers(history.registration)
    handlers.register_candidate(CALLERS["mel-counsellor"], candidate(open_site(history.registration)))
    for path in history.data.glob("*.db*"):  # every store lost; the folder's own NATS never had a stream
        path.unlink()

    report = await restore(folder, history.data, AT)
    assert not report.stream_kept
    assert report.witnesses == []
    assert report.lost == {}
    assert report.nothing_named
    assert print_report(report) == 1
    out = capsys.readouterr().err
    assert "Flux : recréé depuis la sauvegarde" in out
    assert "aucune base témoin" in out
    restored = {s.service: s.events for s in manifest.stores}
    assert restored["registration"] == len(history.sql("registration", "SELECT 1 FROM events"))


async def test_a_stream_that_does_not_continue_the_backups_is_replaced_and_what_it_held_named(
    history: History, nats_server: NatsServer, tmp_path: Path
) -> None:
    folder, _ = await take_backup(history.data, tmp_path / "backups", history.js, AT)
    # The stream lost, then a fresh one provisioned (a stack started again on an empty JetStream) into which
    # registration relayed a candidate registered since.
    await history.js.delete_stream(STREAM_NAME)
    await provision(history.js)
    handlers = RegistrationHandlers(history.registration)
    since = handlers.register_candidate(CALLERS["mel-counsellor"], candidate(open_site(history.registration)))
    await history.relay()
    for path in history.data.glob("registration.db*"):
        path.unlink()

    report = await restore(folder, history.data, AT, nats_url=nats_server.url)
    assert not report.stream_kept
    lost = report.lost["registration"]
    assert list(lost.values()) == ["CandidateRegistered"]
    logged = {row[0] for row in history.sql("registration", "SELECT stream_id FROM events")}
    assert since not in logged
    assert len(logged) > 1
    audited = await audit(history.data, history.js)
    assert audited.clean, audited.differences
