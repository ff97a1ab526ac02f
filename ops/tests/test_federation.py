"""Partners on their own servers: a three-server hub and a partner leaf, real nats-server processes on
loopback, events written by the real relay from real stores, servers killed and cut off."""

from __future__ import annotations

import asyncio
import json
import ssl
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path

import nats
import pytest
from nats.aio.client import Client
from nats.js import JetStreamContext

from jobdating.bus.connection import TLS_CA, TLS_CERT, TLS_KEY, connect_options, tls_context
from jobdating.bus.provision import provision_url
from jobdating.bus.pull import consumer_broker
from jobdating.bus.relay import Relay
from jobdating.bus.server import NatsServer, free_port
from jobdating.contracts.duplicates import BlindIndexPublished
from jobdating.contracts.subjects import STREAM_NAME
from jobdating.eventstore.base import EventStore, NewEvent
from jobdating.eventstore.sqlite import SqliteEventStore
from jobdating.ops import compose_tls, federation, federation_leaf, federation_tls
from jobdating.ops.federation_provision import connect
from jobdating.ops.federation_servers import ConfiguredServer, Federation
from jobdating.ops.federation_tls import TlsFiles
from jobdating.ops.nats_users import OPS_USER
from jobdating.runtime.ids import new_id
from jobdating.testing.events import envelope, new_event

pytestmark = pytest.mark.nats

PARTNER = "mission-locale"
COORDINATOR = "departement-nord"


@asynccontextmanager
async def started(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, partners: list[str], *, keep_events_local: bool = True
) -> AsyncIterator[Federation]:
    """The hub cluster and the partners, streams provisioned, this process's clients holding the hub
    operators' certificate (every server takes it); every server stopped after the block."""
    async with Federation(tmp_path / "nats", partners, keep_events_local=keep_events_local) as servers:
        for name, value in servers.tls_env().items():
            monkeypatch.setenv(name, value)
        yield servers


@pytest.fixture
async def fed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Federation]:
    """The hub cluster and one partner (see `started`)."""
    async with started(tmp_path, monkeypatch, [PARTNER]) as servers:
        yield servers


@pytest.fixture
def partner_store(tmp_path: Path) -> Iterator[EventStore]:
    yield from _store(tmp_path / "partner.db")


@pytest.fixture
def hub_store(tmp_path: Path) -> Iterator[EventStore]:
    yield from _store(tmp_path / "hub.db")


def _store(path: Path) -> Iterator[EventStore]:
    store = SqliteEventStore(path)
    store.migrate()
    yield store
    store.close()


def write(store: EventStore, org: str, count: int) -> None:
    """`count` events of one site at `org`, committed to its instance's store."""
    site = new_id()
    start = len(store.read_all(0, 100_000))
    store.append([new_event(site, start + v, org=org) for v in range(1, count + 1)])


@asynccontextmanager
async def client(url: str) -> AsyncIterator[JetStreamContext]:
    nc: Client = await connect(url)
    try:
        yield nc.jetstream(timeout=2)
    finally:
        await nc.close()


@asynccontextmanager
async def relaying(store: EventStore, url: str) -> AsyncIterator[Relay]:
    """The store's relay following its log into the stream at `url` until the block ends."""
    async with client(url) as js:
        relay = Relay(store, js, ack_timeout=2)
        stop = asyncio.Event()
        running = asyncio.create_task(relay.run(stop, idle=0.05))
        try:
            yield relay
        finally:
            stop.set()
            await running


async def until_messages(js: JetStreamContext, count: int, limit: float = 20) -> None:
    deadline = time.monotonic() + limit
    seen, sources = -1, None
    while time.monotonic() < deadline:
        try:
            info = await js.stream_info(STREAM_NAME)
            seen, sources = info.state.messages, info.sources
        except (TimeoutError, nats.errors.Error):
            seen = -1
        if seen >= count:
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"{count} messages expected in the stream, {seen} after {limit} s; {sources}")


async def stored(js: JetStreamContext) -> list[tuple[str, dict[str, str]]]:
    """Every message of the stream, in order: its subject and headers."""
    state = (await js.stream_info(STREAM_NAME)).state
    messages = [await js.get_msg(STREAM_NAME, seq) for seq in range(state.first_seq, state.last_seq + 1)]
    return [(m.subject or "", dict(m.headers or {})) for m in messages]


def event_ids(messages: list[tuple[str, dict[str, str]]], org: str | None = None) -> list[str]:
    return [h["Nats-Msg-Id"] for s, h in messages if org is None or s.startswith(f"jobdating.{org}.")]


def ids_of(store: EventStore) -> list[str]:
    return [e.event_id for e in store.read_all(0, 100_000)]


async def both_ways(
    fed: Federation, partner_store: EventStore, at_partner: int, hub_store: EventStore, at_hub: int
) -> tuple[list[tuple[str, dict[str, str]]], list[tuple[str, dict[str, str]]]]:
    """Events written at the partner and at the hub, relayed, until each stream holds them all: both
    streams' messages."""
    write(partner_store, PARTNER, at_partner)
    write(hub_store, COORDINATOR, at_hub)
    async with (
        relaying(partner_store, fed.partner_url(PARTNER)),
        relaying(hub_store, fed.hub_url),
        client(fed.hub_url) as hub,
        client(fed.partner_url(PARTNER)) as partner,
    ):
        total = len(ids_of(partner_store)) + len(ids_of(hub_store))
        await until_messages(hub, total)
        # The partner reads the hub's sites (its registration's consumer), not its own back.
        await until_messages(partner, total)
        return await stored(hub), await stored(partner)


async def test_a_partners_events_reach_the_hub_by_sourcing_with_the_relays_headers(
    fed: Federation, partner_store: EventStore, hub_store: EventStore
) -> None:
    at_hub, at_partner = await both_ways(fed, partner_store, 5, hub_store, 3)
    assert sorted(event_ids(at_hub)) == sorted(ids_of(partner_store) + ids_of(hub_store))
    assert sorted(event_ids(at_partner)) == sorted(event_ids(at_hub))
    # The relay's publishes (`Nats-Expected-Stream`) are stored at the partner, then sourced, keeping the
    # event id the hub deduplicates on, in the partner's order.
    sourced = [(s, h) for s, h in at_hub if s.startswith(f"jobdating.{PARTNER}.")]
    assert event_ids(sourced) == ids_of(partner_store)
    assert all(h["Nats-Stream-Source"].startswith(f"{STREAM_NAME}:") for _, h in sourced)
    assert all(h.get("Nats-Expected-Stream") == STREAM_NAME for s, h in at_partner if PARTNER in s)
    info = await _hub_info(fed)
    assert info.config.num_replicas == federation.HUB_REPLICAS
    assert info.cluster is not None
    assert len(info.cluster.replicas or []) == federation.HUB_REPLICAS - 1


async def _hub_info(fed: Federation) -> nats.js.api.StreamInfo:
    async with client(fed.hub_url) as hub:
        return await hub.stream_info(STREAM_NAME)


async def test_a_hub_server_killed_mid_stream_loses_and_doubles_nothing(
    fed: Federation, partner_store: EventStore, hub_store: EventStore
) -> None:
    async with relaying(hub_store, fed.hub_url), relaying(partner_store, fed.partner_url(PARTNER)):
        for batch in range(12):
            write(hub_store, COORDINATOR, 25)
            write(partner_store, PARTNER, 10)
            if batch == 4:
                fed.kill_hub_server(0)
            await asyncio.sleep(0.05)
        async with client(fed.hub_url) as hub:
            # How long the hub takes to take the rest varies with which server was killed (a leader's
            # election, the relay's reconnection): 1.3 to 12 s in most runs, 41 s once in a full suite.
            # The proof is what arrives (nothing lost, nothing doubled), not how fast.
            await until_messages(hub, 12 * 35, limit=120)
            await asyncio.sleep(0.5)  # anything doubled would land now
            at_hub = await stored(hub)
    assert len(at_hub) == 12 * 35
    assert sorted(event_ids(at_hub)) == sorted(ids_of(hub_store) + ids_of(partner_store))
    assert event_ids(at_hub, PARTNER) == ids_of(partner_store)


async def test_the_partner_keeps_working_while_the_whole_hub_is_down_and_the_hub_catches_up(
    fed: Federation, partner_store: EventStore, hub_store: EventStore
) -> None:
    write(partner_store, PARTNER, 10)
    async with relaying(partner_store, fed.partner_url(PARTNER)) as relay:
        async with client(fed.hub_url) as hub:
            await until_messages(hub, 10)
        for index in range(federation.HUB_REPLICAS):
            fed.kill_hub_server(index)
        write(partner_store, PARTNER, 200)
        async with client(fed.partner_url(PARTNER)) as partner:
            await until_messages(partner, 210)
        assert relay.published == 210  # every one acknowledged by the partner's own stream
        for index in range(federation.HUB_REPLICAS):
            fed.restart_hub_server(index)
        write(partner_store, PARTNER, 5)
        async with client(fed.hub_url) as hub:
            await until_messages(hub, 215, limit=30)
            await asyncio.sleep(0.5)
            at_hub = await stored(hub)
    assert event_ids(at_hub) == ids_of(partner_store)


async def test_a_partner_cut_off_works_alone_and_both_sides_catch_up_when_it_is_back(
    fed: Federation, partner_store: EventStore, hub_store: EventStore
) -> None:
    fed.cut_off(PARTNER)
    write(partner_store, PARTNER, 20)
    write(hub_store, COORDINATOR, 15)
    async with relaying(partner_store, fed.partner_url(PARTNER)), relaying(hub_store, fed.hub_url):
        async with client(fed.partner_url(PARTNER)) as partner:
            await until_messages(partner, 20)
        async with client(fed.hub_url) as hub:
            await until_messages(hub, 15)
        fed.reconnect(PARTNER)
        write(partner_store, PARTNER, 5)
        async with client(fed.hub_url) as hub, client(fed.partner_url(PARTNER)) as partner:
            # As after a hub server's crash: nats-server retries a stalled source on its own schedule (10 s
            # checks, then a backoff); on a loaded machine (load 16) it took over 30 s, on main as here.
            await until_messages(hub, 40, limit=60)
            await until_messages(partner, 40, limit=60)
            await asyncio.sleep(0.5)
            at_hub, at_partner = await stored(hub), await stored(partner)
    everything = sorted(ids_of(partner_store) + ids_of(hub_store))
    assert sorted(event_ids(at_hub)) == everything
    assert sorted(event_ids(at_partner)) == everything
    assert event_ids(at_hub, PARTNER) == ids_of(partner_store)


async def test_a_partners_leaf_cannot_put_events_of_another_organisation_into_the_hub(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A partner whose server lets its events out (a misconfigured or hostile one): only the hub's permissions
    # on its leaf credentials stand between its clients and the hub's stream.
    async with started(tmp_path, monkeypatch, [PARTNER], keep_events_local=False) as servers:
        nc = await connect(servers.partner_url(PARTNER))
        async with client(servers.hub_url) as hub:
            for subject in (
                f"jobdating.{COORDINATOR}.sites.site.SiteOpened.forged",
                f"jobdating.{PARTNER}.own",
            ):
                # Stored by the partner's stream too, then sourced: the hub keeps one (same event id).
                await nc.publish(subject, b"{}", headers={"Nats-Msg-Id": new_id()})
            await nc.flush()
            await until_messages(hub, 1)
            await asyncio.sleep(0.5)
            # The hub does not even tell the leaf it has interest in the forged subject: it never crosses.
            assert [s for s, _ in await stored(hub)] == [f"jobdating.{PARTNER}.own"]
        await nc.close()


async def test_a_partners_credentials_are_refused_other_organisations_subjects_at_the_hub(
    fed: Federation,
) -> None:
    errors: list[Exception] = []

    async def on_error(error: Exception) -> None:
        errors.append(error)

    nc = await nats.connect(
        fed.leaf_url(PARTNER).split(","), error_cb=on_error, max_reconnect_attempts=0, tls=fed.tls()
    )
    try:
        js = nc.jetstream(timeout=1)
        with pytest.raises(nats.errors.Error):
            await js.publish(
                f"jobdating.{COORDINATOR}.sites.site.SiteOpened.forged", b"{}", stream=STREAM_NAME
            )
        with pytest.raises(nats.errors.Error):
            await js.delete_stream(STREAM_NAME)
    finally:
        await nc.close()
    assert any("permissions violation" in str(e).lower() for e in errors)
    async with client(fed.hub_url) as hub:
        assert (await hub.stream_info(STREAM_NAME)).state.messages == 0


async def test_provisioning_the_hub_or_a_partner_again_keeps_their_replicas_sources_and_subjects(
    fed: Federation, partner_store: EventStore, hub_store: EventStore
) -> None:
    async with client(fed.hub_url) as hub, client(fed.partner_url(PARTNER)) as partner:
        before = [(await js.stream_info(STREAM_NAME)).config for js in (hub, partner)]
    one_hub_server = fed.hub[1].url.replace("//", f"//{OPS_USER}:{fed.plan.ops_password}@")
    for url in (one_hub_server, fed.partner_url(PARTNER)):
        assert f"updated stream {STREAM_NAME}" in await provision_url(url)
    async with client(fed.hub_url) as hub, client(fed.partner_url(PARTNER)) as partner:
        after = [(await js.stream_info(STREAM_NAME)).config for js in (hub, partner)]
    for was, now in zip(before, after, strict=True):
        assert (now.subjects, now.num_replicas) == (was.subjects, was.num_replicas)
        assert [(s.filter_subject, s.external) for s in now.sources or []] == [
            (s.filter_subject, s.external) for s in was.sources or []
        ]
    assert after[0].num_replicas == federation.HUB_REPLICAS
    assert after[1].subjects == [federation_leaf.own_subjects(PARTNER)]
    at_hub, at_partner = await both_ways(fed, partner_store, 4, hub_store, 3)
    assert (
        sorted(event_ids(at_partner))
        == sorted(event_ids(at_hub))
        == sorted(ids_of(partner_store) + ids_of(hub_store))
    )


async def test_a_blind_index_published_at_one_partner_reaches_the_others_stream(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    other = "plie"
    async with started(tmp_path, monkeypatch, [PARTNER, other]) as servers:
        candidate = new_id()
        index = BlindIndexPublished(candidate_id=candidate, phone="a" * 64, email=None)
        store = SqliteEventStore(tmp_path / "partner.db")
        store.migrate()
        try:
            store.append([new_event(new_id(), 1, org=PARTNER)])
            store.append(
                [NewEvent(envelope=envelope(index, candidate, 1, org=PARTNER, service="registration"))]
            )
            async with (
                relaying(store, servers.partner_url(PARTNER)),
                client(servers.partner_url(PARTNER)) as mission_locale,
                client(servers.partner_url(other)) as plie,
            ):
                # A candidate's own events stay with their partner: only its blind index is shared.
                own = f"jobdating.{PARTNER}.registration.candidate.CandidateRegistered.{candidate}"
                await mission_locale.publish(
                    own, b"{}", stream=STREAM_NAME, headers={"Nats-Msg-Id": new_id()}
                )
                async with client(servers.hub_url) as hub:
                    await until_messages(hub, 3)
                await until_messages(plie, 2)
                await asyncio.sleep(0.5)
                at_plie = await stored(plie)
            # Through two of plie's sources (sites, blind index): in either order.
            assert sorted(event_ids(at_plie)) == sorted(ids_of(store))
            blind = f"jobdating.{PARTNER}.registration.blind-index.BlindIndexPublished.{candidate}"
            assert blind in [s for s, _ in at_plie]
        finally:
            store.close()


def foreign_certificate(folder: Path, ours: TlsFiles) -> TlsFiles:
    """A certificate (server and client) of another authority than the federation's, trusting ours."""
    now = datetime.now(UTC)
    other = compose_tls.new_authority(now, "ailleurs")
    cert, key = compose_tls.server_certificate(["127.0.0.1"], now, other, 1, federation_tls.NODE_USAGE)
    folder.mkdir(parents=True)
    (folder / "cert.pem").write_bytes(compose_tls.cert_pem(cert))
    (folder / "key.pem").write_bytes(compose_tls.key_pem(key))
    return TlsFiles(ca=ours.ca, cert=str(folder / "cert.pem"), key=str(folder / "key.pem"))


def server_log(server: NatsServer) -> str:
    return (server.data_dir / "nats-server.log").read_text()


async def until_logged(server: NatsServer, after: int, text: str) -> None:
    """Until the server's log, past its first `after` characters, says `text` (it logs refusals a moment
    after the client sees them)."""
    deadline = time.monotonic() + 5
    while text not in server_log(server)[after:]:
        assert time.monotonic() < deadline, f"{text!r} not in {server.data_dir}'s log"
        await asyncio.sleep(0.05)


async def refusal(url: str, tls: ssl.SSLContext) -> str:
    """What the server at `url` answers a client it refuses (the test fails if it lets it in)."""
    errors: list[Exception] = []

    async def on_error(error: Exception) -> None:
        errors.append(error)

    connecting = nats.connect(url, tls=tls, error_cb=on_error, allow_reconnect=False, connect_timeout=2)
    with pytest.raises((nats.errors.Error, OSError)) as refused:
        await connecting
    return " ".join(f"{type(e).__name__} {e}".lower() for e in [refused.value, *errors])


def leaf_of_the_hub(fed: Federation, folder: Path, tls: TlsFiles) -> ConfiguredServer:
    """A server joining the hub with the partner's leaf credentials and the certificate `tls`; its own
    clients come in without one."""
    leaf = fed.plan.partners[PARTNER]
    node = fed.plan.hub[0]
    url = (
        f"nats-leaf://{federation_leaf.leaf_user(PARTNER)}:{leaf.leaf_password}@{node.host}:{node.leaf_port}"
    )
    port = free_port()
    remote = f"{{ urls: [{json.dumps(url)}], {tls.block()} }}"
    server = ConfiguredServer(
        folder, port, f"listen: 127.0.0.1:{port}\nleafnodes {{ remotes: [ {remote} ] }}\n"
    )
    server.start()
    return server


async def test_only_the_authoritys_certificates_and_the_partners_users_get_in_and_not_the_hub_in_its_events(
    fed: Federation, tmp_path: Path
) -> None:
    ours = fed.tls_files()
    stranger = foreign_certificate(tmp_path / "stranger", ours)
    partner, hub_server = fed.partner_url(PARTNER), fed.hub_url.split(",")[0]
    # Mutual TLS: a client without a certificate, or with another authority's, is refused at the handshake
    # by the hub and the partner, whatever its password.
    for server, url in ((fed.partners[PARTNER], partner), (fed.hub[0], hub_server)):
        for tls, reason in (
            (tls_context(ours.ca), "client didn't provide a certificate"),
            (
                tls_context(stranger.ca, stranger.cert, stranger.key),
                "certificate signed by unknown authority",
            ),
        ):
            seen = len(server_log(server))
            await refusal(url, tls)
            await until_logged(server, seen, reason)

    # A leaf with the partner's credentials and another authority's certificate is kept out of the hub; with
    # the partner's own certificate, the same server joins (the hub's messages for the partner, here a
    # question to its registration, reach its clients).
    probe = f"jobdating-rpc.{PARTNER}.registration.probe"
    leaves = {
        "stranger": leaf_of_the_hub(fed, tmp_path / "stranger-leaf", stranger),
        "partner": leaf_of_the_hub(fed, tmp_path / "partner-leaf", fed.plan.partners[PARTNER].tls),
    }
    try:
        listeners = [await nats.connect(server.url) for server in leaves.values()]
        heard = {
            name: await listener.subscribe(probe) for name, listener in zip(leaves, listeners, strict=True)
        }
        for listener in listeners:
            await listener.flush()
        hub = await connect(hub_server)
        deadline = time.monotonic() + 20
        while not heard["partner"].pending_msgs:
            assert time.monotonic() < deadline, "the leaf with the partner's certificate never joined"
            await hub.publish(probe, b"")
            await asyncio.sleep(0.1)
        await hub.close()
        assert heard["stranger"].pending_msgs == 0
        for listener in listeners:
            await listener.close()
    finally:
        for server in leaves.values():
            server.stop()

    # The partner's server: its own users only, each held to its subjects.
    assert "authorization violation" in await refusal(
        fed.partners[PARTNER].url, fed.tls(PARTNER, "sites-mission-locale")
    )
    errors: list[Exception] = []
    both_refused = asyncio.Event()

    def violations() -> list[str]:
        return [str(e) for e in errors if "permissions violation" in str(e).lower()]

    async def on_error(error: Exception) -> None:
        errors.append(error)
        if len(violations()) >= 2:
            both_refused.set()

    files = fed.tls_files(PARTNER, "sites-mission-locale")
    sites_url = fed.partner_url(PARTNER, "sites-mission-locale")
    service = await nats.connect(
        sites_url,
        error_cb=on_error,
        **connect_options(sites_url, {TLS_CA: files.ca, TLS_CERT: files.cert, TLS_KEY: files.key}),
    )
    own = f"jobdating.{PARTNER}.sites.site.SiteOpened.{new_id()}"
    try:
        await service.jetstream(timeout=2).publish(own, b"{}", headers={"Nats-Msg-Id": new_id()})
        for subject in (
            f"jobdating.{PARTNER}.registration.candidate.CandidateRegistered.forged",
            f"jobdating.{COORDINATOR}.sites.site.SiteOpened.forged",
        ):
            await service.publish(subject, b"{}", headers={"Nats-Msg-Id": new_id()})
        await service.flush()
        # The server's refusals come back on their own, behind the flush under load: wait for them before
        # closing (closing first lost them to the TLS shutdown).
        async with asyncio.timeout(10):
            await both_refused.wait()
    finally:
        await service.close()
    assert len(violations()) == 2, errors
    # The consumers' FastStream broker takes its certificate from the environment too (here the operators').
    broker = consumer_broker(partner)
    async with asyncio.timeout(10):  # refused, it would retry for ever
        await broker.connect()
    await broker.stop()

    # The hub publishing into the partner's subjects: its leaf does not import them. A site of the hub's,
    # published after, reaches the partner by sourcing as always.
    hub_site = f"jobdating.{COORDINATOR}.sites.site.SiteOpened.{new_id()}"
    hub_nc = await connect(fed.hub_url)
    async with client(partner) as partner_js:
        await hub_nc.publish(f"jobdating.{PARTNER}.sites.site.SiteOpened.from-hub", b"{}")
        await hub_nc.jetstream().publish(hub_site, b"{}", headers={"Nats-Msg-Id": new_id()})
        await hub_nc.close()
        await until_messages(partner_js, 2)
        await asyncio.sleep(0.3)
        assert [subject for subject, _ in await stored(partner_js)] == [own, hub_site]
