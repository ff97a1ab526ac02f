"""The NATS configuration of docker-compose.yml (deploy/nats/nats.conf), run by the real nats-server here:
each service instance may publish events only under its own organisation's subjects and read only its own
inbox, and still has every JetStream and request-reply permission its real traffic needs (the compose test
exercises the same file inside containers; this one runs wherever the test suite does)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import nats
import pytest
from nats.aio.client import Client
from nats.aio.msg import Msg
from nats.js.errors import NotFoundError

from jobdating.bus.connection import connect_options
from jobdating.bus.consumer import ConsumerRunner
from jobdating.bus.provision import provision_url
from jobdating.bus.topology import CONSUMERS, registration_sites
from jobdating.console.adapters.live_feed import subscribe
from jobdating.contracts.subjects import STREAM_NAME
from jobdating.eventstore import open_store
from jobdating.ops.nats_users import compose_conf, password_variable

from .conftest import CONF, compose_nats, user_url

pytestmark = pytest.mark.nats

USERS = (
    "ops",
    "registration-departement-nord",
    "registration-mission-locale",
    "sites-departement-nord",
    "sites-mission-locale",
    "scheduling",
    "notifications",
    "identity",
    "console",
)


def test_the_compose_config_is_the_generators_output() -> None:
    # One generator writes the users of compose and of `jobdating up`: the file is its output, verbatim.
    assert CONF.read_text() == compose_conf()


def test_every_user_of_the_config_has_a_password_variable_in_env_example() -> None:
    example = (CONF.parents[2] / ".env.example").read_text()
    conf = CONF.read_text()
    for user in USERS:
        assert f"user: {user}," in conf
        assert f"${password_variable(user)}" in conf
        assert f"\n{password_variable(user)}=change-me" in example


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    with compose_nats(tmp_path_factory.mktemp("nats-compose"), USERS) as port:
        asyncio.run(_wait(port))
        consumers = [*CONSUMERS, registration_sites("mission-locale")]
        asyncio.run(provision_url(user_url(port, "ops"), consumers))
        yield port


async def _wait(port: int) -> None:
    for _ in range(100):
        try:
            nc = await nats.connect(user_url(port, "ops"), connect_timeout=1, max_reconnect_attempts=0)
        except Exception:  # not listening yet
            await asyncio.sleep(0.1)
            continue
        await nc.close()
        return
    raise RuntimeError("nats-server did not start")


class Connector:
    """Opens clients as a given user and keeps the errors the server sent them."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.clients: list[Client] = []
        self.errors: list[str] = []

    async def __call__(self, user: str) -> Client:
        async def on_error(exc: Exception) -> None:
            self.errors.append(str(exc))

        url = user_url(self.port, user)
        nc = await nats.connect(url, error_cb=on_error, max_reconnect_attempts=0, **connect_options(url))
        self.clients.append(nc)
        return nc


@pytest.fixture
async def connect(server: int) -> AsyncIterator[Connector]:
    connector = Connector(server)
    yield connector
    for nc in connector.clients:
        await nc.close()


async def _stream_count(server: int, subject: str) -> int:
    nc = await nats.connect(user_url(server, "ops"))
    try:
        info = await nc.jetstream().stream_info(STREAM_NAME, subjects_filter=subject)
        return sum((info.state.subjects or {}).values())
    finally:
        await nc.close()


async def test_an_instance_publishes_under_its_own_org_and_not_under_another(
    connect: Connector, server: int
) -> None:
    nc = await connect("registration-mission-locale")
    js = nc.jetstream()
    own = "jobdating.mission-locale.registration.candidate.CandidateRegistered.c-1"
    ack = await js.publish(own, b"{}", headers={"Nats-Msg-Id": "perm-own"})
    assert ack.stream == STREAM_NAME
    other = "jobdating.departement-nord.registration.candidate.CandidateRegistered.c-2"
    with pytest.raises((nats.errors.TimeoutError, nats.errors.Error)):
        await js.publish(other, b"{}", headers={"Nats-Msg-Id": "perm-other"}, timeout=1)
    assert await _stream_count(server, other) == 0
    assert any("permissions violation" in e.lower() for e in connect.errors), connect.errors
    # Nor under another service of its own org.
    with pytest.raises((nats.errors.TimeoutError, nats.errors.Error)):
        await js.publish("jobdating.mission-locale.scheduling.slot.SlotAssigned.s-1", b"{}", timeout=1)


async def test_identity_publishes_its_own_events_and_nothing_else(connect: Connector, server: int) -> None:
    nc = await connect("identity")
    js = nc.jetstream()
    await js.stream_info(STREAM_NAME)  # what ServiceHost checks at start
    own = "jobdating.departement-nord.identity.account.AccountInvited.acc-1"
    ack = await js.publish(own, b"{}", headers={"Nats-Msg-Id": "identity-own"})
    assert ack.stream == STREAM_NAME
    for forged in (
        "jobdating.mission-locale.identity.account.AccountInvited.acc-2",  # another org's identity
        "jobdating.departement-nord.registration.candidate.CandidateRegistered.c-3",  # another service
    ):
        with pytest.raises((nats.errors.TimeoutError, nats.errors.Error)):
            await js.publish(forged, b"{}", headers={"Nats-Msg-Id": forged}, timeout=1)
        assert await _stream_count(server, forged) == 0
    # It reads no durable (it consumes nothing) and asks registration for no contact.
    with pytest.raises((nats.errors.TimeoutError, NotFoundError, nats.errors.Error)):
        await js.consumer_info(STREAM_NAME, "scheduling-registration", timeout=1)
    with pytest.raises((nats.errors.TimeoutError, nats.errors.NoRespondersError, nats.errors.Error)):
        await nc.request("jobdating-rpc.departement-nord.registration.contact", b"q", timeout=1)
    assert any("permissions violation" in e.lower() for e in connect.errors), connect.errors


@pytest.mark.parametrize(
    ("user", "durables"),
    [
        ("registration-departement-nord", ["registration-sites"]),
        ("registration-mission-locale", ["registration-sites-mission-locale"]),
        ("scheduling", ["scheduling-registration", "scheduling-sites", "scheduling-identity"]),
        ("notifications", ["notifications-scheduling", "notifications-registration", "notifications-sites"]),
    ],
)
async def test_each_instance_reads_and_acks_its_own_durables_only(
    connect: Connector, user: str, durables: list[str]
) -> None:
    nc = await connect(user)
    js = nc.jetstream()
    await js.stream_info(STREAM_NAME)  # what ServiceHost checks at start
    for durable in durables:
        await js.consumer_info(STREAM_NAME, durable)
        sub = await js.pull_subscribe_bind(durable, stream=STREAM_NAME)
        try:
            for msg in await sub.fetch(1, timeout=1):
                await msg.ack_sync(timeout=2)
        except nats.errors.TimeoutError:
            pass  # nothing for this consumer yet: the fetch itself was allowed
        await sub.unsubscribe()
    # Another instance's durable is refused.
    other = "scheduling-sites" if user != "scheduling" else "notifications-sites"
    with pytest.raises((nats.errors.TimeoutError, NotFoundError, nats.errors.Error)):
        await js.consumer_info(STREAM_NAME, other, timeout=1)


@pytest.mark.parametrize("question", ["contact", "first-names"])
async def test_notifications_asks_contacts_of_the_registering_org_instance(
    connect: Connector, question: str
) -> None:
    subject = f"jobdating-rpc.mission-locale.registration.{question}"
    await answering(await connect("registration-mission-locale"), subject, b"sealed answer")
    notifications = await connect("notifications")
    reply = await notifications.request(subject, b"q", timeout=2)
    assert reply.data == b"sealed answer"
    # A sites instance may not ask registration for personal data.
    sites = await connect("sites-mission-locale")
    with pytest.raises((nats.errors.TimeoutError, nats.errors.NoRespondersError, nats.errors.Error)):
        await sites.request(subject, b"q", timeout=1)


async def test_notifications_relays_candidates_sms_answers_to_their_registration_instance_only(
    connect: Connector,
) -> None:
    subject = "jobdating-rpc.mission-locale.registration.candidate-answer"
    await answering(await connect("registration-mission-locale"), subject, b"recorded")
    reply = await (await connect("notifications")).request(subject, b"q", timeout=2)
    assert reply.data == b"recorded"
    # Nobody else may speak for a candidate: not a sites instance, not another registration instance.
    for user in ("sites-mission-locale", "registration-departement-nord"):
        with pytest.raises((nats.errors.TimeoutError, nats.errors.NoRespondersError, nats.errors.Error)):
            await (await connect(user)).request(subject, b"q", timeout=1)


async def answering(holder: Client, subject: str, answer: bytes) -> None:
    """`holder` answers every request on `subject` with `answer` (a registration instance serving RPCs)."""

    async def respond(msg: Msg) -> None:
        await msg.respond(answer)

    await holder.subscribe(subject, cb=respond)
    await holder.flush()


async def _subscribe_refused(nc: Client, subject: str, connect: Connector) -> bool:
    """Whether the server refused this subscription (it says so asynchronously, as a permissions error)."""
    before = len(connect.errors)
    sub = await nc.subscribe(subject)
    await nc.flush()
    for _ in range(20):
        if len(connect.errors) > before:
            break
        await asyncio.sleep(0.05)
    await sub.unsubscribe()
    # nats-py lowercases the server's message.
    refused = f'permissions violation for subscription to "{subject.lower()}"'
    return any(refused in e.lower() for e in connect.errors[before:])


@pytest.mark.parametrize(
    ("user", "other"),
    [
        ("scheduling", "notifications"),
        ("notifications", "registration-mission-locale"),
        ("sites-mission-locale", "scheduling"),
        ("registration-departement-nord", "registration-mission-locale"),
    ],
)
async def test_an_instance_reads_only_its_own_inbox(connect: Connector, user: str, other: str) -> None:
    nc = await connect(user)
    # Not the shared inbox, where every JetStream delivery and reply would be readable.
    assert await _subscribe_refused(nc, "_INBOX.>", connect), connect.errors
    assert await _subscribe_refused(nc, f"_INBOX_{other}.>", connect), connect.errors
    # Its own inbox is where its deliveries come: a request-reply to JetStream works through it.
    assert (await nc.jetstream().stream_info(STREAM_NAME)).config.name == STREAM_NAME
    assert not await _subscribe_refused(nc, f"_INBOX_{user}.probe", connect), connect.errors


async def test_the_operators_read_no_service_inbox(connect: Connector) -> None:
    ops = await connect("ops")
    assert await _subscribe_refused(ops, "_INBOX_scheduling.>", connect), connect.errors
    assert not await _subscribe_refused(ops, "_INBOX.probe", connect), connect.errors


async def test_a_faststream_consumer_receives_its_deliveries_in_its_own_inbox(
    connect: Connector, server: int, tmp_path: Path
) -> None:
    sites = await connect("sites-departement-nord")
    await sites.jetstream().publish(
        "jobdating.departement-nord.sites.site.SiteOpened.inbox-probe", b"not an envelope"
    )
    scheduling = await connect("scheduling")
    store = open_store(f"sqlite:///{tmp_path / 'scheduling.db'}")
    runner = ConsumerRunner(store, scheduling.jetstream(), "scheduling-sites", lambda tx, event: None)
    stop = asyncio.Event()
    task = asyncio.create_task(runner.run(stop, fetch_timeout=0.2, nats_url=user_url(server, "scheduling")))
    try:
        for _ in range(100):
            if runner.parked + runner.handled:
                break
            await asyncio.sleep(0.05)
    finally:
        stop.set()
        await task
        store_parked = store.parked()
        store.close()
    # The unreadable message was delivered (then parked): the broker's pull went through its own inbox.
    assert runner.parked == 1, (connect.errors, store_parked)
    assert not any("permissions violation" in e.lower() for e in connect.errors), connect.errors


async def test_a_coordinators_instance_asks_another_for_a_contact_opening(connect: Connector) -> None:
    """The département's registration may put a purpose-stated opening to mission-locale's instance; it may
    not answer for it, and a sites instance may not ask at all."""
    subject = "jobdating-rpc.mission-locale.registration.contact-opening"
    await answering(await connect("registration-mission-locale"), subject, b"sealed contact")
    asker = await connect("registration-departement-nord")
    reply = await asker.request(subject, b"purpose", timeout=2)
    assert reply.data == b"sealed contact"
    assert await _subscribe_refused(asker, subject, connect)
    sites = await connect("sites-mission-locale")
    with pytest.raises((nats.errors.TimeoutError, nats.errors.NoRespondersError, nats.errors.Error)):
        await sites.request(subject, b"purpose", timeout=1)


async def test_the_console_reads_new_events_through_its_ordered_consumer_and_publishes_none(
    connect: Connector, server: int
) -> None:
    console = await connect("console")
    seen: asyncio.Queue[Msg] = asyncio.Queue()

    async def on_message(msg: Msg) -> None:
        await seen.put(msg)

    await subscribe(console, on_message)  # the live feed's own subscription
    await console.flush()
    # Another service's event (a convocation sent) is not even delivered: the live day shows nothing of it.
    notifications = (await connect("notifications")).jetstream()
    sent = "jobdating.departement-nord.notifications.message.MessageSent.m-live"
    await notifications.publish(sent, b"{}", headers={"Nats-Msg-Id": "console-other"})
    sites = (await connect("sites-departement-nord")).jetstream()
    subject = "jobdating.departement-nord.sites.computer.ComputerOutOfOrder.pc-live"
    ack = await sites.publish(subject, b"{}", headers={"Nats-Msg-Id": "console-live"})
    msg = await asyncio.wait_for(seen.get(), 5)
    assert (msg.subject, msg.metadata.sequence.stream) == (subject, ack.seq)
    forged = "jobdating.departement-nord.sites.computer.ComputerOutOfOrder.pc-forged"
    with pytest.raises((nats.errors.TimeoutError, nats.errors.Error)):
        await console.jetstream().publish(forged, b"{}", headers={"Nats-Msg-Id": forged}, timeout=1)
    assert await _stream_count(server, forged) == 0
    # Nor may it read a service's durable.
    with pytest.raises((nats.errors.TimeoutError, NotFoundError, nats.errors.Error)):
        await console.jetstream().consumer_info(STREAM_NAME, "scheduling-sites", timeout=1)
    assert connect.errors == [] or all("permissions violation" in e.lower() for e in connect.errors)
