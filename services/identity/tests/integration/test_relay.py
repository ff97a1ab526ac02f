"""The host's relay publishes what identity recorded on `jobdating.<org>.identity.<stream_type>.<Type>.<id>`,
and nothing it publishes holds an address or a secret."""

from __future__ import annotations

from pathlib import Path

import pytest
from nats.js import JetStreamContext

from jobdating.bus.server import NatsServer
from jobdating.contracts.envelope import decode_envelope
from jobdating.eventstore.sqlite import SqliteEventStore
from jobdating.runtime.host import ServiceHost
from jobdating.runtime.ids import new_id
from jobdating.testing.relaying import published, relaying

from .conftest import COORDINATOR_EMAIL, OPS, Api, Inbox, MovableClock, service_on

pytestmark = pytest.mark.nats


async def test_events_reach_jetstream_on_the_identity_subjects_without_personal_data(
    nats_server: NatsServer, js: JetStreamContext, tmp_path: Path, inbox: Inbox, clock: MovableClock
) -> None:
    org = f"org-{new_id()[-8:]}"
    store = SqliteEventStore(tmp_path / "identity.db")
    store.migrate()
    # No HTTP server: the host runs the relay, the API is driven in-process through its ASGI app.
    host = ServiceHost(store=store, nats_url=nats_server.url, app=None)
    async with relaying(host):
        service = service_on(store, inbox, clock, org=org, on_commit=host.notify_commit)
        api = Api(service, inbox, clock)
        await api.register(OPS, org, "departement")
        coordinator = await api.onboard(OPS, org, COORDINATOR_EMAIL, "coordinator")
        account_id = api.account_id(COORDINATOR_EMAIL)
        await api.register(coordinator, "mission-locale", "mission_locale")
        messages = await published(js, f"jobdating.{org}.identity.>", 4)
    assert [m.subject for m in messages] == [
        f"jobdating.{org}.identity.organisation.OrganisationRegistered.{org}",
        f"jobdating.{org}.identity.account.AccountInvited.{account_id}",
        f"jobdating.{org}.identity.account.AccountActivated.{account_id}",
        f"jobdating.{org}.identity.organisation.OrganisationRegistered.mission-locale",
    ]
    for message in messages:
        assert message.header is not None
        envelope = decode_envelope(message.data)
        assert message.header["Nats-Msg-Id"] == envelope.event_id
        assert b"@" not in message.data
        assert b"argon2" not in message.data
        assert api.secrets[COORDINATOR_EMAIL].encode() not in message.data
    # The person activating acts for themselves; the coordinator's later command names its account.
    assert decode_envelope(messages[2].data).actor_id == account_id
    assert decode_envelope(messages[3].data).actor_id == account_id
