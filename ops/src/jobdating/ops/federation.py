"""Partners on their own servers: the hub cluster's and each partner leaf's nats-server configs, and the
streams that source each other across their JetStream domains.

The hub is three clustered servers (JetStream domain `hub`) holding the shared stream with three replicas.
A partner runs one nats-server, a leaf node of the hub with a JetStream domain named after the organisation
and its own stream, named like the hub's (its relays and consumers are unchanged), capturing what its
instances publish (`jobdating.<org>.>`). The hub's stream sources each partner's subjects from the partner's
domain; the partner's stream sources from the hub what its consumers read. The leaf's credentials let only
the partner's own event subjects, and the JetStream traffic sourcing needs, into the hub: the hub's server
enforces it, whatever the partner's server is told. The partner's server in turn imports nothing into its
own subjects from the hub (`deny_imports`), and holds its clients to its own users (`partner_users`).
Every connection, route, leaf or client, is mutual TLS under the federation's authority (`federation_tls`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence

import msgspec
from nats.js.api import ExternalStream, StreamConfig, StreamSource

from jobdating.bus.provision import stream_config
from jobdating.bus.topology import ORG_TOKEN, StreamSpec, registration_sites
from jobdating.contracts.subjects import STREAM_NAME
from jobdating.ops import nats_users
from jobdating.ops.federation_leaf import (
    HUB_DOMAIN,
    api_prefix,
    deliver_prefix,
    hub_deliver_prefix,
    leaf_hub_user,
    leaf_user,
    own_subjects,
)
from jobdating.ops.federation_tls import TlsFiles
from jobdating.ops.nats_users import OPS_USER, Instance

EVENTS = "jobdating.>"
HUB_REPLICAS = 3
# Where a server finds its TLS files on its own machine (the deployed images mount them there).
TLS_MOUNT = "/etc/nats/tls"
# The instances a partner runs against its own server, as docker-compose.yml's mission locale does.
PARTNER_SERVICES = ("registration", "sites")


class ServerPlace(msgspec.Struct, frozen=True, kw_only=True):
    """Where a server listens for clients and keeps its stream."""

    host: str = "127.0.0.1"
    client_port: int
    store_dir: str
    tls_dir: str = TLS_MOUNT
    # nats-server's monitoring port (its `/healthz` for the compose healthchecks), on the server's own
    # loopback only; None: none (servers sharing one machine's loopback in the tests).
    monitor_port: int | None = None

    @property
    def tls(self) -> TlsFiles:
        return TlsFiles.under(self.tls_dir)


class HubNode(ServerPlace, frozen=True, kw_only=True):
    """One server of the hub cluster, and its ports for the other two and for the partners' leaves."""

    name: str
    cluster_port: int
    leaf_port: int

    @property
    def route_url(self) -> str:
        return f"nats-route://{self.host}:{self.cluster_port}"


class PartnerLeaf(ServerPlace, frozen=True, kw_only=True):
    """A partner's server: its organisation (also its JetStream domain), its leaf password, the names its
    clients reach it by (its certificate's), and its own users' passwords (its operators' `ops` and one
    per instance of PARTNER_SERVICES)."""

    org: str
    leaf_password: str
    tls_names: list[str] = []
    passwords: dict[str, str] = {}


def partner_instances(org: str) -> list[Instance]:
    return [Instance(service, org) for service in PARTNER_SERVICES]


def hub_instances(hub_orgs: Sequence[str]) -> list[Instance]:
    """The instances publishing into the hub itself: each hub organisation's PARTNER_SERVICES, and the
    services serving every organisation (scheduling, notifications, identity), the coordinator's."""
    own = [Instance(service, org) for org in hub_orgs for service in PARTNER_SERVICES]
    return own + [Instance(service, hub_orgs[0]) for service in nats_users.SHARED_SERVICES]


def hub_users(hub_orgs: Sequence[str]) -> list[nats_users.NatsUser]:
    """The hub's users: its operators', one per hub instance held to its own subjects and durables as on
    a single server, and the console's."""
    return nats_users.users(hub_instances(hub_orgs))


def partner_users(org: str) -> list[nats_users.NatsUser]:
    """A partner server's users: its operators' (everything but its instances' inboxes), then each
    instance's, held to its own subjects and durables as on a single server."""
    return nats_users.users(partner_instances(org), console=False)


def check_org(org: str) -> str:
    """An organisation usable as a subject token, a JetStream domain and a user name."""
    if not ORG_TOKEN.fullmatch(org) or org == HUB_DOMAIN:
        raise ValueError(f"{org!r} n'est pas un nom d'organisation (lettres, chiffres, - et _ seulement)")
    return org


def needed_from_hub() -> tuple[str, ...]:
    """The hub subjects a partner's consumers read: its registration instance's sites and companies, of
    every organisation (`jobdating.*.`)."""
    subjects = registration_sites(None).filter_subjects
    assert all(s.startswith("jobdating.*.") for s in subjects)
    return subjects


def hub_conf(
    node: HubNode,
    cluster: Sequence[HubNode],
    partners: Sequence[tuple[str, str]],
    passwords: Mapping[str, str],
    hub_orgs: Sequence[str] = (),
) -> str:
    """A hub server's config; `partners` are (org, leaf password) pairs, `passwords` the hub users'
    (`ops`, and one per instance of `hub_orgs`: without them the operators' alone). A leaf authenticates
    as one of the server's users, and nats-server holds the traffic it lets in to that user's publish
    permissions (leafnode authorization blocks take no permissions)."""
    routes = [n.route_url for n in cluster if n.name != node.name]
    users = hub_users(hub_orgs) if hub_orgs else [nats_users.NatsUser(name=OPS_USER)]
    every_partner = {org: partner_users(org) for org, _ in partners}
    users += [
        leaf_hub_user(
            org,
            own,
            [*users, *(u for other, theirs in every_partner.items() if other != org for u in theirs)],
        )
        for org, own in every_partner.items()
    ]
    every = {**passwords, **{leaf_user(org): password for org, password in partners}}
    lines = [
        f"server_name: {node.name}",
        f"listen: {node.host}:{node.client_port}",
        "jetstream {",
        f"  store_dir: {json.dumps(node.store_dir)}",
        f"  domain: {HUB_DOMAIN}",
        "  # The Jepsen analysis of NATS 2.12 lost acknowledged writes under the default 2-minute fsync.",
        "  sync_interval: always",
        "}",
        # Mutual TLS everywhere: a client, a route or a leaf without a certificate of the federation's
        # authority is refused at the handshake.
        node.tls.block(),
        "cluster {",
        f"  name: {HUB_DOMAIN}",
        f"  listen: {node.host}:{node.cluster_port}",
        f"  routes: {json.dumps(routes)}",
        f"  {node.tls.block()}",
        "}",
        f"leafnodes {{ listen: {json.dumps(f'{node.host}:{node.leaf_port}')}, {node.tls.block()} }}",
        *monitoring(node),
    ]
    return "\n".join(lines) + "\n" + nats_users.authorization(users, lambda name: json.dumps(every[name]))


def monitoring(server: ServerPlace) -> list[str]:
    """The monitoring endpoint, on the server's loopback: the compose healthcheck asks it from inside the
    container, nobody else."""
    return [] if server.monitor_port is None else [f"http: {json.dumps(f'127.0.0.1:{server.monitor_port}')}"]


def partner_conf(leaf: PartnerLeaf, hub: Sequence[HubNode], *, keep_events_local: bool = True) -> str:
    """A partner's server: its own JetStream domain, its own users, mutual TLS for its clients and its leaf
    connection, a leaf of every hub server (it reconnects to another when one is down); with no hub, a
    server on its own (a partner cut off)."""
    user = leaf_user(leaf.org)
    urls = [f"nats-leaf://{user}:{leaf.leaf_password}@{n.host}:{n.leaf_port}" for n in hub]
    lines = [
        f"server_name: {leaf.org}",
        f"listen: {leaf.host}:{leaf.client_port}",
        leaf.tls.block(),
        "jetstream {",
        f"  store_dir: {json.dumps(leaf.store_dir)}",
        f"  domain: {leaf.org}",
        "  sync_interval: always",
        "}",
        *monitoring(leaf),
    ]
    if hub:
        deny = f", deny_exports: [{json.dumps(EVENTS)}]" if keep_events_local else ""
        lines += [
            "leafnodes {",
            # Its instances' publishes stay here, stored once by its own stream: the hub takes them by
            # sourcing only, one path that catches up after an outage in the order they were stored.
            # Nothing from the hub lands in its own subjects: its stream holds what its instances wrote.
            f"  remotes: [ {{ urls: {json.dumps(urls)}{deny},",
            f"    deny_imports: [{json.dumps(own_subjects(leaf.org))}],",
            f"    {leaf.tls.block(verify=False)} }} ]",
            "}",
        ]
    passwords = leaf.passwords
    return (
        "\n".join(lines)
        + "\n"
        + nats_users.authorization(partner_users(leaf.org), lambda name: json.dumps(passwords[name]))
    )


def hub_stream(partners: Sequence[str], replicas: int = HUB_REPLICAS) -> StreamConfig:
    """The shared stream: what the hub's instances publish, and each partner's events sourced from its
    domain (filtered: a partner's stream holds the hub's events too)."""
    config = stream_config(StreamSpec(replicas=replicas))
    config.sources = [
        StreamSource(
            name=STREAM_NAME,
            filter_subject=own_subjects(org),
            external=ExternalStream(api=api_prefix(org), deliver=hub_deliver_prefix(org)),
        )
        for org in partners
    ] or None
    return config


def partner_stream(org: str, elsewhere: Sequence[str]) -> StreamConfig:
    """A partner's stream: what its instances publish, and from the hub what its consumers read of the
    organisations `elsewhere` (the hub's own and the other partners'). Never its own events back: the hub
    sources them from here, and a copy sourced back would loop between the two streams, held only by the
    duplicate window."""
    config = stream_config(StreamSpec(subjects=(own_subjects(check_org(org)),)))
    config.sources = [
        StreamSource(
            name=STREAM_NAME,
            filter_subject=subject.replace("jobdating.*.", f"jobdating.{other}.", 1),
            external=ExternalStream(api=api_prefix(HUB_DOMAIN), deliver=deliver_prefix(org)),
        )
        for other in sorted(set(elsewhere) - {org})
        for subject in needed_from_hub()
    ]
    return config
