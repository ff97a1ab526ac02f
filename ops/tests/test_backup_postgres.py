"""A service on PostgreSQL backed up with pg_dump and restored with pg_restore, its stream lost: the store
is back as it was at the backup, the erasure it witnessed since is applied again, and what else followed is
named as lost."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from nats.js import JetStreamContext

from jobdating.bus.relay import Relay
from jobdating.bus.server import NatsServer
from jobdating.eventstore.postgres import PostgresEventStore
from jobdating.ops.audit.run import audit
from jobdating.ops.backup import take_backup
from jobdating.ops.backup_manifest import BackupRefused, verify
from jobdating.ops.restore import RestoreError, restore
from jobdating.registration.application.handlers import RegistrationHandlers
from jobdating.registration.bootstrap import build_service
from jobdating.registration.domain.commands import EraseCandidate
from jobdating.registration.testing import CALLERS, candidate, open_site

from .conftest import ORG, History

pytestmark = [pytest.mark.nats, pytest.mark.postgres]
AT = datetime(2027, 1, 5, 9, 0, tzinfo=UTC)
WHO = CALLERS["mel-counsellor"]


def registration_on(pg_dsn: str, org: str = ORG) -> tuple[PostgresEventStore, RegistrationHandlers, str]:
    """Registration of `org` on a migrated PostgreSQL store, with one site open."""
    store = PostgresEventStore(pg_dsn)
    store.migrate()
    handlers = RegistrationHandlers(build_service(org=org, store=store))
    return store, handlers, open_site(handlers.service)


async def test_a_postgresql_store_comes_back_without_the_keys_erased_since(
    pg_dsn: str, js: JetStreamContext, tmp_path: Path
) -> None:
    store, handlers, site = registration_on(pg_dsn)
    kept, erased = (handlers.register_candidate(WHO, candidate(site)) for _ in range(2))
    await Relay(store, js).publish_pending()
    data = tmp_path / "data"
    data.mkdir()
    urls = {"registration": pg_dsn}

    folder, manifest = await take_backup(data, tmp_path / "backups", js, AT, urls)
    assert folder.name == "jobdating-20270105T090000Z"
    assert [(s.service, s.kind, s.events) for s in manifest.stores] == [("registration", "postgresql", 2)]
    assert manifest.stream is not None
    assert manifest.stream.messages == 2
    assert verify(folder) == manifest

    later = handlers.register_candidate(WHO, candidate(site))
    handlers.erase_candidate(WHO, EraseCandidate(candidate_id=erased))
    store.close()

    with pytest.raises(RestoreError, match="donnez --store registration=URL"):
        await restore(folder, data, AT)  # refused before anything is touched
    report = await restore(folder, data, AT, urls)  # the folder's own NATS: no stream there any more
    assert not report.stream_kept
    assert report.erasures_appended == [erased]
    assert report.keys_forgotten == [erased]
    lost = report.lost["registration"]
    assert sorted(lost.values()) == ["CandidateRegistered"]
    back = PostgresEventStore(pg_dsn)
    try:
        streams = {str(r[0]) for r in back.query("SELECT stream_id FROM events")}
        assert kept in streams
        assert later not in streams
        assert back.query("SELECT subject_id FROM person_keys WHERE subject_id = ?", (erased,)) == []
        row = back.query("SELECT erased, first_name FROM candidates WHERE candidate_id = ?", (erased,))
        assert [tuple(r) for r in row] == [(1, None)]
    finally:
        back.close()

    (folder / "registration.pgdump").write_bytes(b"not a dump")
    with pytest.raises(BackupRefused, match=r"registration\.pgdump ne correspond pas"):
        await restore(folder, data, AT, urls)


async def test_with_the_stream_kept_a_postgresql_store_is_brought_forward_from_it(
    pg_dsn: str, js: JetStreamContext, nats_server: NatsServer, tmp_path: Path
) -> None:
    store, handlers, site = registration_on(pg_dsn)
    erased = handlers.register_candidate(WHO, candidate(site))
    await Relay(store, js).publish_pending()
    data = tmp_path / "data"
    data.mkdir()
    urls = {"registration": pg_dsn}
    folder, _ = await take_backup(data, tmp_path / "backups", js, AT, urls)
    later = handlers.register_candidate(WHO, candidate(site))
    handlers.erase_candidate(WHO, EraseCandidate(candidate_id=erased))
    await Relay(store, js).publish_pending()
    with store.transaction() as tx:  # the database lost: its tables dropped
        for table in ("events", "person_keys", "candidates"):
            tx.execute(f"DROP TABLE {table}")
    store.close()

    report = await restore(folder, data, AT, urls, nats_url=nats_server.url)
    assert report.stream_kept
    assert dict(report.replayed["registration"]) == {"CandidateRegistered": 1, "CandidateErased": 1}
    assert report.lost == {}
    assert report.keys_forgotten == [erased]
    assert report.keys_missing == [later]  # registered after the backup: their key was in the lost database
    audited = await audit(data, js, urls=urls)
    assert audited.clean, audited.differences
    assert [(s.service, s.events, s.in_stream) for s in audited.services] == [("registration", 3, 3)]


async def test_a_partners_own_instance_is_backed_up_and_restored_beside_the_folders(
    history: History, pg_dsn: str, nats_server: NatsServer, tmp_path: Path
) -> None:
    store, partner, partner_site = registration_on(pg_dsn, "mission-locale")
    partner.register_candidate(WHO, candidate(partner_site))
    await Relay(store, history.js).publish_pending()
    urls = {"registration@mission-locale": pg_dsn}
    folder, manifest = await take_backup(history.data, tmp_path / "backups", history.js, AT, urls)
    labels = {s.service: s.file for s in manifest.stores}
    assert labels["registration@mission-locale"] == "registration+mission-locale.pgdump"
    own = RegistrationHandlers(history.registration)
    own_later = own.register_candidate(WHO, candidate(open_site(history.registration)))
    partner_later = partner.register_candidate(WHO, candidate(partner_site))
    await history.relay()
    await Relay(store, history.js).publish_pending()
    for path in history.data.glob("registration.db*"):
        path.unlink()
    with store.transaction() as tx:  # the partner's database lost too
        for table in ("events", "person_keys", "candidates"):
            tx.execute(f"DROP TABLE {table}")
    store.close()

    report = await restore(folder, history.data, AT, urls, nats_url=nats_server.url)
    assert report.stream_kept
    assert report.lost == {}
    assert {label: dict(n) for label, n in report.replayed.items()} == {
        "registration": {"CandidateRegistered": 1},
        "registration@mission-locale": {"CandidateRegistered": 1},
    }
    # Registered after the backup on each instance: both keys were only in the lost stores, both named.
    assert report.keys_missing == [own_later, partner_later]
    audited = await audit(history.data, history.js, urls=urls)
    assert audited.clean, audited.differences
    events = {s.service: (s.events, s.in_stream) for s in audited.services}
    assert events["registration@mission-locale"] == (2, 2)
