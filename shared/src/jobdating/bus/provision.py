"""Create or update the stream and the durable consumers. Run by operators, not by service starts."""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import Iterable, Sequence

import nats
from nats.js import JetStreamContext
from nats.js.api import (
    AckPolicy,
    ConsumerConfig,
    DeliverPolicy,
    DiscardPolicy,
    RetentionPolicy,
    StorageType,
    StreamConfig,
)
from nats.js.errors import NotFoundError

from jobdating.bus.connection import connect_options
from jobdating.bus.topology import ACK_WAIT, CONSUMERS, ConsumerSpec, StreamSpec, registration_sites
from jobdating.runtime.cli import FrenchArgumentParser


def stream_config(spec: StreamSpec) -> StreamConfig:
    return StreamConfig(
        name=spec.name,
        subjects=list(spec.subjects),
        storage=StorageType.FILE,
        retention=RetentionPolicy.LIMITS,
        discard=DiscardPolicy.OLD,
        duplicate_window=spec.duplicate_window.total_seconds(),
        num_replicas=spec.replicas,
        max_age=0,
        max_msgs=-1,
        max_bytes=-1,
    )


def keeping_shape(config: StreamConfig, existing: StreamConfig) -> StreamConfig:
    """`config` with the existing stream's subjects, replicas and sources (see `provision`)."""
    config.subjects = existing.subjects
    config.num_replicas = existing.num_replicas
    config.sources = existing.sources
    return config


def consumer_config(spec: ConsumerSpec) -> ConsumerConfig:
    return ConsumerConfig(
        durable_name=spec.durable,
        description=spec.description,
        deliver_policy=DeliverPolicy.ALL,
        ack_policy=AckPolicy.EXPLICIT,
        ack_wait=ACK_WAIT.total_seconds(),
        # The runner parks a message after its own bounded attempts; the server never drops one.
        max_deliver=-1,
        max_ack_pending=1000,
        filter_subjects=list(spec.filter_subjects),
    )


async def provision(
    js: JetStreamContext,
    stream: StreamSpec | None = None,
    consumers: Iterable[ConsumerSpec] = CONSUMERS,
) -> list[str]:
    """Make the server's stream and consumers match the declared topology; returns what changed.

    An existing stream keeps its subjects, replicas and sources: they are the deployment's shape (one
    server; or a federation's hub, three replicas sourcing each partner, or a partner's stream of its own
    subjects sourcing the hub), set by `jobdating partner add`. Provisioning sets the rest.
    """
    spec = stream or StreamSpec()
    changes: list[str] = []
    config = stream_config(spec)
    try:
        info = await js.stream_info(spec.name)
    except NotFoundError:
        await js.add_stream(config)
        changes.append(f"created stream {spec.name}")
    else:
        await js.update_stream(keeping_shape(config, info.config))
        changes.append(f"updated stream {spec.name}")
    for consumer in consumers:
        await js.add_consumer(spec.name, consumer_config(consumer))
        changes.append(f"ensured consumer {consumer.durable}")
    return changes


async def provision_url(url: str, consumers: Iterable[ConsumerSpec] = CONSUMERS) -> list[str]:
    """Connect, provision, disconnect."""
    nc = await nats.connect(url, connect_timeout=5, max_reconnect_attempts=3, **connect_options(url))
    try:
        return await provision(nc.jetstream(), consumers=consumers)
    finally:
        await nc.close()


def main(argv: Sequence[str] | None = None) -> int:
    """`jobdating-provision`: the provisioning step of a deployment, shipped in every service image (the
    operator's `jobdating provision` does the same from a workstation)."""
    parser = FrenchArgumentParser(
        prog="jobdating-provision",
        description="Créer ou mettre à jour le flux NATS et chaque lecteur durable des services.",
    )
    parser.add_argument(
        "--nats-url",
        default=os.environ.get("JOBDATING_NATS_URL"),
        help="l'adresse du serveur NATS (par défaut : JOBDATING_NATS_URL)",
    )
    parser.add_argument(
        "--registration-org",
        action="append",
        default=[],
        help="une organisation partenaire qui a sa propre instance d'inscriptions (répétable)",
    )
    args = parser.parse_args(argv)
    if not args.nats_url:
        parser.error("--nats-url (ou JOBDATING_NATS_URL) est obligatoire")
    try:
        consumers = [*CONSUMERS, *(registration_sites(org) for org in args.registration_org)]
    except ValueError as exc:
        parser.error(f"--registration-org: {exc}")
    try:
        for line in asyncio.run(provision_url(args.nats_url, consumers)):
            print(line)
    except (OSError, nats.errors.NoServersError) as exc:
        print(f"error: cannot reach NATS at {args.nats_url}: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
