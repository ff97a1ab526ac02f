"""`jobdating audit --partner ORG` over a hub cluster and a partner leaf (real nats-servers on loopback): the
partner's registration instance checked against its own stream, that stream against the hub's, after the
whole hub was down while the partner kept registering."""

from __future__ import annotations

import asyncio
from pathlib import Path

import msgspec
import pytest
from typer.testing import CliRunner

from jobdating.bus.consumer import ConsumerRunner
from jobdating.bus.topology import registration_sites_durable
from jobdating.contracts.subjects import STREAM_NAME
from jobdating.eventstore import open_store
from jobdating.eventstore.base import EventStore
from jobdating.eventstore.sqlite import SqliteEventStore
from jobdating.ops import federation
from jobdating.ops.audit.partners import PartnerStream, check_against_hub
from jobdating.ops.audit.report import AuditReport, Difference
from jobdating.ops.audit.run import audit, until_jetstream_answers
from jobdating.ops.audit.stream import StreamMessage
from jobdating.ops.cli import app
from jobdating.ops.federation_provision import connect
from jobdating.ops.federation_servers import Federation
from jobdating.ops.nats_users import OPS_USER
from jobdating.registration.adapters import fed_tables
from jobdating.registration.application.handlers import RegistrationHandlers
from jobdating.registration.application.policies import policy_for
from jobdating.registration.bootstrap import build_service
from jobdating.registration.testing import CALLERS, candidate
from jobdating.runtime.ids import new_id
from jobdating.testing.consumers import run_until
from jobdating.testing.events import new_event

from .test_federation import COORDINATOR, PARTNER, client, fed, relaying, until_messages

__all__ = ["fed"]  # the hub cluster and the partner, a fixture


def partner_count(store: EventStore) -> int:
    return len(store.read_all(0, 100_000))


async def catch_up(store: EventStore, url: str) -> None:
    """Run the partner's registration durable on its own server until it has nothing pending."""
    durable = registration_sites_durable(PARTNER)
    async with client(url) as js:
        runner = ConsumerRunner(store, js, durable, policy_for(PARTNER, fed_tables), coordinator=PARTNER)
        done = False

        async def watch() -> None:
            nonlocal done
            while not done:
                info = await js.consumer_info(STREAM_NAME, durable)
                done = not (info.num_pending or 0) + (info.num_ack_pending or 0)
                await asyncio.sleep(0.05)

        watcher = asyncio.create_task(watch())
        await run_until(runner, lambda: done)
        await watcher


async def audit_of(fed: Federation, data: Path, urls: dict[str, str]) -> AuditReport:
    nc = await connect(fed.hub_url)
    try:
        # A cluster just restarted answers for its stream seconds before it has a meta leader to create the
        # audit's consumer: `jobdating audit` waits for it, as here.
        await until_jetstream_answers(nc)
        hub, partner = nc.jetstream(timeout=20), nc.jetstream(domain=PARTNER, timeout=20)
        return await audit(data, hub, urls=urls, partners={PARTNER: partner})
    finally:
        await nc.close()


@pytest.mark.nats
async def test_the_audit_over_the_hub_and_a_partner_is_clean_once_the_hub_caught_up_after_an_outage(
    fed: Federation, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    data.mkdir()
    url = f"sqlite:///{tmp_path / 'registration-ml.db'}"
    urls = {f"registration@{PARTNER}": url}
    hub_sites = SqliteEventStore(tmp_path / "hub-sites.db")
    hub_sites.migrate()
    store = open_store(url)
    handlers = RegistrationHandlers(build_service(org=PARTNER, store=store))
    try:
        site = new_id()
        hub_sites.append([new_event(site, 1, org=COORDINATOR)])
        async with relaying(hub_sites, fed.hub_url), client(fed.partner_url(PARTNER)) as partner:
            await until_messages(partner, 1)
        await catch_up(store, fed.partner_url(PARTNER))
        for index in range(federation.HUB_REPLICAS):
            fed.kill_hub_server(index)
        assert store.query("SELECT site_id FROM known_sites") == [(site,)]
        for _ in range(4):
            handlers.register_candidate(CALLERS["ml-counsellor"], candidate(site, referring_org=PARTNER))
        registered = partner_count(store)
        async with relaying(store, fed.partner_url(PARTNER)) as relay:
            async with client(fed.partner_url(PARTNER)) as partner:
                await until_messages(partner, 1 + registered)
            async with asyncio.timeout(10):  # the partner works on while the hub is down: all acknowledged
                while relay.published < registered:  # noqa: ASYNC110 - the relay's counter, not an event
                    await asyncio.sleep(0.05)
            await catch_up(store, fed.partner_url(PARTNER))
            for index in range(federation.HUB_REPLICAS):
                fed.restart_hub_server(index)
            async with client(fed.hub_url) as hub:
                await until_messages(hub, 1 + registered, limit=30)
        report = await audit_of(fed, data, urls)
        assert report.differences == []
        assert report.partner_streams == {PARTNER: 1 + registered}
        assert f"registration@{PARTNER} (3 tables)" in report.fed
        assert not [n for n in report.notices if "pas encore" in n], report.notices
        one_hub_server = fed.hub[2].url.replace("//", f"//{OPS_USER}:{fed.plan.ops_password}@")
        args = ["audit", "--data-dir", str(data), "--nats-url", one_hub_server, "--partner", PARTNER]
        result = await asyncio.to_thread(
            CliRunner().invoke, app, [*args, "--store", f"registration@{PARTNER}={url}"]
        )
        assert result.exit_code == 0, result.output
        assert f"Flux de {PARTNER}" in result.output

        # One of the partner's events deleted from its stream: its log and the hub's stream still hold it.
        async with client(fed.partner_url(PARTNER)) as partner:
            assert await partner.delete_msg(STREAM_NAME, 2)
        report = await audit_of(fed, data, urls)
        assert {(d.service, d.check) for d in report.differences} == {
            (f"registration@{PARTNER}", "absent du flux"),
            (f"flux de {PARTNER}", "au hub seulement"),
        }
    finally:
        store.close()
        hub_sites.close()


def message(seq: int, org: str, n: int) -> StreamMessage:
    return StreamMessage(seq, f"jobdating.{org}.sites.site.SiteOpened.s{n}", f"e{n}", f"{{{n}}}".encode())


def check(partner: PartnerStream, hub: list[StreamMessage]) -> tuple[list[tuple[str, str]], list[str]]:
    out: list[Difference] = []
    notices: list[str] = []
    check_against_hub(partner, hub, out, notices)
    return [(d.check, d.detail) for d in out], notices


def test_the_partners_events_the_hub_lacks_after_the_last_it_sourced_are_waiting_and_before_it_a_hole() -> (
    None
):
    own = [message(seq, PARTNER, seq) for seq in range(1, 5)]
    hub = [message(10, PARTNER, 1), message(11, PARTNER, 3)]
    differences, notices = check(PartnerStream(PARTNER, own, []), hub)
    assert differences == [("absent du hub", "séquences 2")]
    assert notices == [f"flux de {PARTNER} : 1 événement(s) de {PARTNER} pas encore sourcé(s) par le hub"]
    # In the hub out of the partner's order, or changed there.
    differences, _ = check(
        PartnerStream(PARTNER, own[:2], []), [message(7, PARTNER, 2), message(8, PARTNER, 1)]
    )
    assert differences == [("ordre au hub", "séquence 2 du partenaire au hub avant sa séquence 1")]
    changed = msgspec.structs.replace(message(7, PARTNER, 1), data=b"{}")
    differences, _ = check(PartnerStream(PARTNER, own[:1], []), [changed])
    assert differences == [("différent au hub", "événement e1 : séquence 1 ≠ séquence 7 du hub")]


def test_what_the_partner_sources_from_the_hub_is_checked_under_each_filter() -> None:
    sourced = [f"jobdating.{COORDINATOR}.sites.site.>"]
    hub = [message(seq, COORDINATOR, seq) for seq in range(1, 4)]
    # The first two sourced, the third not yet.
    differences, notices = check(
        PartnerStream(PARTNER, [message(1, COORDINATOR, 1), message(2, COORDINATOR, 2)], sourced), hub
    )
    assert differences == []
    assert notices == [f"flux de {PARTNER} : 1 message(s) du hub pas encore sourcé(s) par {PARTNER}"]
    # The second missing while the third is there: a hole; an event the hub never had: unknown.
    at_partner = [message(1, COORDINATOR, 1), message(2, COORDINATOR, 3), message(3, COORDINATOR, 9)]
    differences, _ = check(PartnerStream(PARTNER, at_partner, sourced), hub)
    assert differences == [
        ("inconnu du hub", f"événement e9 (séquence 3) : jobdating.{COORDINATOR}.sites.site.SiteOpened.s9"),
        ("absent du partenaire", f"1 message(s) de jobdating.{COORDINATOR}.sites.site.>"),
    ]
