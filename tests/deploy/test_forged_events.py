"""Forged events under the compose NATS configuration (deploy/nats/nats.conf): mission-locale's own users
publish, under their own subjects (which the server allows), a withdrawal of a candidate departement-nord
registered and the closing of a site departement-nord opened. Scheduling and notifications, running as their
compose users, park both with the reason, leave their facts unchanged, count them on `/metrics`, and the
audit reports them as differences."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import httpx
import nats
import pytest

from jobdating.bus.connection import connect_options
from jobdating.bus.provision import provision_url
from jobdating.bus.topology import CONSUMERS
from jobdating.contracts.envelope import Envelope, encode_envelope, service_of
from jobdating.contracts.registration import CandidateWithdrew
from jobdating.contracts.sites import SiteClosed
from jobdating.contracts.subjects import STREAM_NAME, event_subject
from jobdating.eventstore.sqlite import SqliteEventStore
from jobdating.notifications.bootstrap import bootstrap as notifications_bootstrap
from jobdating.notifications.config import NotificationsSettings
from jobdating.ops.audit.run import audit
from jobdating.runtime.auth import TokenTable
from jobdating.runtime.host import ServiceHost
from jobdating.runtime.ids import new_id
from jobdating.scheduling.bootstrap import bootstrap as scheduling_bootstrap
from jobdating.scheduling.config import SchedulingSettings
from jobdating.scheduling.testing import Fact, candidate_id, demo_facts, principals, site_id

from .conftest import compose_nats, config_users, user_url

pytestmark = pytest.mark.nats

NORD = "departement-nord"
ML = "mission-locale"


@pytest.fixture
def server(tmp_path: Path) -> Iterator[int]:
    here = tmp_path / "nats"
    here.mkdir()
    with compose_nats(here, config_users()) as port:
        asyncio.run(_provision(port))
        yield port


async def _provision(port: int) -> None:
    for _ in range(100):
        try:
            await provision_url(user_url(port, "ops"), list(CONSUMERS))
            return
        except Exception:  # not listening yet
            await asyncio.sleep(0.1)
    raise RuntimeError("nats-server did not start")


async def _publish(port: int, user: str, envelopes: list[Envelope]) -> None:
    url = user_url(port, user)
    nc = await nats.connect(url, max_reconnect_attempts=0, **connect_options(url))
    try:
        js = nc.jetstream()
        for env in envelopes:
            subject = event_subject(env.org, service_of(env), env.stream_type, env.event_type, env.stream_id)
            await js.publish(
                subject, encode_envelope(env), stream=STREAM_NAME, headers={"Nats-Msg-Id": env.event_id}
            )
    finally:
        await nc.close()


async def test_a_partner_s_forged_events_are_parked_counted_and_audited_not_applied(
    tmp_path: Path, server: int
) -> None:
    prefix = "t" + new_id().replace("-", "")[-12:]
    facts = demo_facts(prefix)
    registered = [f.envelope(NORD) for f in facts if f.service == "registration"]
    sited = [f.envelope(NORD) for f in facts if f.service == "sites"]
    await _publish(server, "registration-departement-nord", registered)
    await _publish(server, "sites-departement-nord", sited)
    candidate = candidate_id(prefix, 1)
    site = site_id(prefix, "seclin")
    site_version = max(e.stream_version for e in sited if e.stream_id == site)
    withdrew = Fact(CandidateWithdrew(candidate_id=candidate, reason="x"), candidate, 2, "registration")
    closed = Fact(SiteClosed(site_id=site, reason="x"), site, site_version + 1, "sites")
    forged_withdrawal, forged_closing = withdrew.envelope(ML), closed.envelope(ML)
    await _publish(server, "registration-mission-locale", [forged_withdrawal])
    await _publish(server, "sites-mission-locale", [forged_closing])

    scheduling_store = SqliteEventStore(tmp_path / "scheduling.db")
    scheduling_store.migrate()
    scheduling = scheduling_bootstrap(
        SchedulingSettings(org=NORD, store_url="sqlite:///unused", video_base_url="https://visio.test"),
        store=scheduling_store,
        tokens=TokenTable(principals(prefix)),
    )
    notifications_store = SqliteEventStore(tmp_path / "notifications.db")
    notifications_store.migrate()
    notifications = notifications_bootstrap(
        NotificationsSettings(
            org=NORD,
            store_url="sqlite:///unused",
            maildir=tmp_path / "maildir",
            sms_sink=tmp_path / "sms.jsonl",
        ),
        store=notifications_store,
        tokens=TokenTable({}),
    )
    hosts = [
        ServiceHost(
            store=scheduling_store,
            nats_url=user_url(server, "scheduling"),
            app=scheduling.app,
            subscriptions=scheduling.subscriptions(),
        ),
        ServiceHost(
            store=notifications_store,
            nats_url=user_url(server, "notifications"),
            app=notifications.app,
            subscriptions=notifications.subscriptions(),
        ),
    ]
    for host in hosts:
        await host.connect()
        assert host.broker is not None
        await host.broker.start()
    runners = {r.durable: r for host in hosts for r in host.runners}
    forged_by = {
        "scheduling-registration": forged_withdrawal,
        "scheduling-sites": forged_closing,
        "notifications-registration": forged_withdrawal,
        "notifications-sites": forged_closing,
    }
    try:
        async with asyncio.timeout(30):
            while any(runners[d].forged < 1 for d in forged_by):  # noqa: ASYNC110 - polling counters
                await asyncio.sleep(0.05)
            # Everything legitimate is handled too, nothing else parked.
            while runners["scheduling-sites"].handled < len(sited):  # noqa: ASYNC110
                await asyncio.sleep(0.05)
    finally:
        for host in hosts:
            assert host.broker is not None
            await host.broker.stop()
            assert host.nc is not None
            await host.nc.close()

    reasons = {
        "registration": f"forged: org {ML} may not speak about candidate stream {candidate} owned by {NORD}",
        "sites": f"forged: org {ML} may not speak about site stream {site} owned by {NORD}",
    }
    for store in (scheduling_store, notifications_store):
        parked = {(p.consumer, p.event_id): p.error for p in store.parked()}
        kind = "scheduling" if store is scheduling_store else "notifications"
        expected = {
            (d, e.event_id): reasons[service_of(e)] for d, e in forged_by.items() if d.startswith(kind)
        }
        assert parked == expected
    assert scheduling_store.query(
        "SELECT withdrawn_at FROM sched_candidate WHERE candidate_id = ?", (candidate,)
    ) == [(None,)]
    assert scheduling_store.query("SELECT closed_at FROM sched_site WHERE site_id = ?", (site,)) == [(None,)]
    assert notifications_store.query(
        "SELECT status FROM notif_candidate WHERE candidate_id = ?", (candidate,)
    ) != [("withdrawn",)]
    assert notifications_store.query("SELECT status FROM notif_site WHERE site_id = ?", (site,)) != [
        ("closed",)
    ]

    for service, app in (("scheduling", scheduling.app), ("notifications", notifications.app)):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
            metrics = (await http.get("/metrics")).text
        for durable in forged_by:
            if durable.startswith(service):
                assert f'consumer_forged_events_total{{consumer="{durable}"}} 1.0' in metrics

    scheduling_store.close()
    notifications_store.close()
    report = await audit(tmp_path, None, services=("scheduling", "notifications"))
    forged = sorted(d.detail for d in report.differences if d.check == "événement forgé")
    assert forged == sorted(
        f"{durable} : événement {env.event_id} : {reasons[service_of(env)]}"
        for durable, env in forged_by.items()
    )
    assert not report.clean
