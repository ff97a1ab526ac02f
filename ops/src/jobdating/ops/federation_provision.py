"""The federation's streams, provisioned from the hub: the shared stream sourcing every partner, and each
partner's stream and durable reached through the hub in the partner's JetStream domain (the operator needs
no access to the partner's server, only its leaf connected)."""

from __future__ import annotations

import asyncio
import os
import ssl
import time
from urllib.parse import unquote, urlsplit

import nats
from nats.aio.client import Client
from nats.js import JetStreamContext
from nats.js.api import StreamConfig
from nats.js.errors import APIError, NotFoundError

from jobdating.bus.connection import tls_from
from jobdating.bus.provision import consumer_config
from jobdating.bus.topology import registration_sites
from jobdating.contracts.subjects import STREAM_NAME
from jobdating.ops import federation
from jobdating.ops.federation_plan import FederationPlan, elsewhere

# A fresh cluster elects its meta leader and learns its peers, a partner's leaf connects: seconds.
READY_TIMEOUT = 30.0


async def provision_hub(nc: Client, plan: FederationPlan, ready_within: float = READY_TIMEOUT) -> list[str]:
    """The shared stream, three replicas, sourcing every partner of the plan."""
    js = nc.jetstream(timeout=5)
    await ensure_stream(js, federation.hub_stream(list(plan.partners)), ready_within)
    return [f"flux {STREAM_NAME} du hub : sources {', '.join(plan.partners) or '(aucune)'}"]


async def provision_partner(
    nc: Client, plan: FederationPlan, org: str, ready_within: float = READY_TIMEOUT
) -> list[str]:
    """A partner's stream and its registration instance's durable, in its domain, through the hub."""
    js = nc.jetstream(domain=org, timeout=5)
    await ensure_stream(js, federation.partner_stream(org, elsewhere(plan)), ready_within)
    durable = registration_sites(org)
    await js.add_consumer(STREAM_NAME, consumer_config(durable))
    return [f"flux {STREAM_NAME} de {org} (domaine {org}) et lecteur {durable.durable}"]


async def provision_all(nc: Client, plan: FederationPlan, ready_within: float = READY_TIMEOUT) -> list[str]:
    """The hub's stream, then every partner's (a new partner changes what the others source)."""
    lines = await provision_hub(nc, plan, ready_within)
    for org in plan.partners:
        lines += await provision_partner(nc, plan, org, ready_within)
    return lines


async def ensure_stream(js: JetStreamContext, config: StreamConfig, ready_within: float) -> None:
    """Create or update a stream, waiting until JetStream can place it (no meta leader or peers yet, a
    partner's leaf not yet connected)."""
    deadline = time.monotonic() + ready_within
    while True:
        try:
            try:
                await js.stream_info(config.name or STREAM_NAME)
            except NotFoundError:
                await js.add_stream(config)
            else:
                await js.update_stream(config)
            return
        except (APIError, nats.errors.TimeoutError, nats.errors.NoRespondersError):
            if time.monotonic() > deadline:
                raise
            await asyncio.sleep(0.2)


async def connect(url: str, tls: ssl.SSLContext | None = None) -> Client:
    """A client that keeps trying through outages (fault tests kill its server); `url` may list servers.
    Its TLS certificate: `tls`, else the one the environment names (`tls_from`). Its inbox stays `_INBOX`:
    replies from a partner's domain cross the leaf, whose hub user may publish to that inbox only.

    The user goes in the options, not only the URLs: nats-py reconnects to the servers the cluster
    announces too, without the credentials of the URLs it was given.
    """
    servers = url.split(",")
    first = urlsplit(servers[0])
    return await nats.connect(
        servers,
        user=unquote(first.username) if first.username else None,
        password=unquote(first.password) if first.password else None,
        connect_timeout=2,
        reconnect_time_wait=0.2,
        max_reconnect_attempts=-1,
        tls=tls or tls_from(os.environ),
    )
