"""Request-reply across the leaves: a hub three-server cluster and two partners, real nats-server processes
on loopback, each service instance connected as its own user with its own certificate and inbox, as
deployed. Questions asked across a leaf get their answers; a partner's server receives nothing of the hub's
but what it needs (its questions, its instances' answers, its sourcing), whatever its own clients ask."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import nats
import pytest
from nats.aio.client import Client
from nats.aio.msg import Msg

from jobdating.bus.connection import inbox_prefix_of
from jobdating.contracts.queries import CANDIDATE_ANSWER_QUESTION, CONTACT_QUESTION
from jobdating.contracts.subjects import STREAM_NAME, request_subject
from jobdating.ops import federation_leaf
from jobdating.ops.federation_servers import Federation
from jobdating.ops.nats_users import OPS_USER, instance_user
from jobdating.registration.application.contact_openings import OPENING_QUESTION
from jobdating.runtime.rpc import ask, serve

pytestmark = pytest.mark.nats

COORDINATOR = "departement-nord"
PARTNER, OTHER = "mission-locale", "plie"
REGISTRATION = "registration"


@pytest.fixture
async def fed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Federation]:
    """The hub cluster and two partners, streams provisioned as `jobdating partner add` does."""
    async with Federation(tmp_path / "nats", [PARTNER, OTHER]) as servers:
        for name, value in servers.tls_env().items():
            monkeypatch.setenv(name, value)
        yield servers


@asynccontextmanager
async def connected(fed: Federation, user: str, org: str | None = None) -> AsyncIterator[Client]:
    """A client of the hub (`org` None) or of a partner's server, as `user` with its certificate and its
    inbox (`jobdating.bus.connection`)."""
    if org is None:
        password = fed.plan.ops_password if user == OPS_USER else fed.plan.hub_passwords[user]
        urls = [s.url for s in fed.hub]
    else:
        password = fed.plan.partners[org].passwords[user]
        urls = [fed.partners[org].url]
    nc = await nats.connect(
        urls,
        user=user,
        password=password,
        tls=fed.tls(org, user),
        inbox_prefix=inbox_prefix_of(None if user == OPS_USER else user),
        max_reconnect_attempts=0,
    )
    try:
        yield nc
    finally:
        await nc.close()


async def answering(nc: Client, org: str, question: str) -> None:
    """`org`'s registration answers `question` with who it is."""

    async def answer(request: dict[str, Any]) -> dict[str, Any]:
        return {"answered_by": org, **request}

    await serve(nc, request_subject(org, REGISTRATION, question), dict, answer)
    await nc.flush()


async def asked(nc: Client, org: str, question: str, marker: str = "") -> dict[str, Any]:
    """Ask until the answerer's interest has crossed the leaves (ten tries), then once more."""
    subject = request_subject(org, REGISTRATION, question)
    for _ in range(10):
        try:
            return await ask(nc, subject, {"asked": question, "marker": marker}, dict, wait=1.0)
        except Exception:
            await asyncio.sleep(0.1)
    return await ask(nc, subject, {"asked": question, "marker": marker}, dict, wait=1.0)


@pytest.mark.parametrize("question", [CONTACT_QUESTION, CANDIDATE_ANSWER_QUESTION])
async def test_notifications_at_the_hub_gets_a_partners_registration_answers(
    fed: Federation, question: str
) -> None:
    registration = instance_user(REGISTRATION, PARTNER)
    async with (
        connected(fed, registration, PARTNER) as partner,
        connected(fed, "notifications") as notifications,
    ):
        await answering(partner, PARTNER, question)
        assert (await asked(notifications, PARTNER, question))["answered_by"] == PARTNER


async def test_contact_openings_cross_the_leaves_every_way(fed: Federation) -> None:
    names = {org: instance_user(REGISTRATION, org) for org in (COORDINATOR, PARTNER, OTHER)}
    async with (
        connected(fed, names[COORDINATOR]) as hub,
        connected(fed, names[PARTNER], PARTNER) as partner,
        connected(fed, names[OTHER], OTHER) as other,
    ):
        for nc, org in ((hub, COORDINATOR), (partner, PARTNER), (other, OTHER)):
            await answering(nc, org, OPENING_QUESTION)
        # hub → partner, partner → hub, partner → another partner (through the hub).
        assert (await asked(hub, PARTNER, OPENING_QUESTION))["answered_by"] == PARTNER
        assert (await asked(partner, COORDINATOR, OPENING_QUESTION))["answered_by"] == COORDINATOR
        assert (await asked(partner, OTHER, OPENING_QUESTION))["answered_by"] == OTHER


async def test_a_partner_receives_nothing_of_the_hub_but_what_it_needs(fed: Federation) -> None:
    """Another partner's operators subscribe at their own server to everything, and to what they should not
    see by name: of the questions, answers and events crossing the hub between the hub and a partner, the
    hub sends none down their leaf; only their own question arrives."""
    secret, theirs = b"secret-of-mission-locale", b"question-for-plie"
    seen: list[Msg] = []

    async def record(msg: Msg) -> None:
        seen.append(msg)

    async with (
        connected(fed, OPS_USER, OTHER) as spy,
        connected(fed, instance_user(REGISTRATION, PARTNER), PARTNER) as partner,
        connected(fed, instance_user(REGISTRATION, OTHER), OTHER) as other,
        connected(fed, instance_user(REGISTRATION, COORDINATOR)) as hub_registration,
        connected(fed, "notifications") as notifications,
        connected(fed, OPS_USER) as hub_ops,
        connected(fed, OPS_USER, PARTNER) as partner_ops,
    ):
        for subject in (
            ">",
            "_INBOX_notifications.>",
            f"_INBOX_registration-{COORDINATOR}.>",
            f"_INBOX_registration-{PARTNER}.>",
            f"jobdating-rpc.{PARTNER}.>",
            f"jobdating.{PARTNER}.>",
            f"jobdating.{COORDINATOR}.>",
            "$JS.S.>",
            f"{federation_leaf.SOURCED_ROOT}.>",
            f"{federation_leaf.api_prefix(PARTNER)}.>",
            "anything.>",
        ):
            await spy.subscribe(subject, cb=record)
        await spy.flush()
        await answering(partner, PARTNER, CONTACT_QUESTION)
        await answering(partner, PARTNER, OPENING_QUESTION)
        await answering(other, OTHER, CONTACT_QUESTION)
        # Questions to the partner and their answers (echoing the question), from the hub's instances.
        for nc, question in ((notifications, CONTACT_QUESTION), (hub_registration, OPENING_QUESTION)):
            answer = await asked(nc, PARTNER, question, secret.decode())
            assert answer["answered_by"] == PARTNER
        # The other partner's own question does come down its leaf.
        assert (await asked(notifications, OTHER, CONTACT_QUESTION, theirs.decode()))["answered_by"] == OTHER
        # The partner's events, sourced by the hub; the hub's own, and anything else published there.
        await partner_ops.jetstream().publish(f"jobdating.{PARTNER}.registration.candidate.x", secret)
        await until_stored(hub_ops, f"jobdating.{PARTNER}.registration.candidate.x")
        await hub_ops.publish(f"jobdating.{COORDINATOR}.registration.candidate.y", secret)
        await hub_ops.publish("anything.at.the.hub", secret)
        await hub_ops.flush()
        await asyncio.sleep(1)
    assert [m.subject for m in seen if secret in m.data] == []
    assert f"jobdating-rpc.{OTHER}.registration.{CONTACT_QUESTION}" in {
        m.subject for m in seen if theirs in m.data
    }


async def until_stored(nc: Client, subject: str) -> None:
    """Wait until the hub's stream holds a message on `subject` (sourced from a partner)."""
    js = nc.jetstream(timeout=2)
    for _ in range(100):
        try:
            await js.get_last_msg(STREAM_NAME, subject)
            return
        except nats.js.errors.NotFoundError:
            await asyncio.sleep(0.1)
    raise AssertionError(f"{subject} never reached the hub's stream")


async def test_a_partners_leaf_publishes_into_no_other_partners_deliveries_nor_anyones_inbox(
    fed: Federation,
) -> None:
    """Its leaf credentials, used as a client (held to the same permissions): the hub's deliveries of
    another partner's events and inboxes of no one asking it are refused."""
    errors: list[Exception] = []
    refused = asyncio.Event()

    async def on_error(error: Exception) -> None:
        errors.append(error)
        if sum("permissions violation" in str(e).lower() for e in errors) >= 2:
            refused.set()

    nc = await nats.connect(
        fed.leaf_url(PARTNER).split(","), error_cb=on_error, max_reconnect_attempts=0, tls=fed.tls()
    )
    try:
        for subject in (
            f"{federation_leaf.hub_deliver_prefix(OTHER)}.S.forged",
            f"{inbox_prefix_of('console')}.forged",
        ):
            await nc.publish(subject, b"{}")
        await nc.flush()
        async with asyncio.timeout(10):
            await refused.wait()
    finally:
        await nc.close()
