"""The NATS users and their permissions, generated in one place for docker-compose.yml and `jobdating up`.

One user per service instance: it may publish events only under its own organisation's and service's
subjects, read and acknowledge only its own durables, and subscribe only to its own inbox
(`_INBOX_<user>.>`, see jobdating.bus.connection) besides its request-reply subjects. The operators'
user (`ops`: provision, audit, replay, report, tally) may do everything but read the services' inboxes.
`deploy/nats/nats.conf` is this module's output (`python -m jobdating.ops.nats_users >
deploy/nats/nats.conf`); a test keeps the two equal.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence

import msgspec

from jobdating.bus.connection import inbox_prefix_of
from jobdating.bus.topology import CONSUMERS, registration_sites_durable
from jobdating.contracts.subjects import STREAM_NAME
from jobdating.testing.demo_data import COORDINATOR_ORG

OPS_USER = "ops"
# The web console reads the stream (its live pages) and publishes no event.
CONSOLE_USER = "console"
# Services that serve every organisation: one instance, named by the service alone.
SHARED_SERVICES = ("scheduling", "notifications", "identity")
# Organisations running their own registration and sites instances in docker-compose.yml.
COMPOSE_PARTNERS = ("mission-locale",)


class Instance(msgspec.Struct, frozen=True):
    """A running service instance: which service, for which organisation."""

    service: str
    org: str


class NatsUser(msgspec.Struct, frozen=True, kw_only=True):
    """A NATS user and what the server lets it do (None: no restriction)."""

    name: str
    publish: tuple[str, ...] | None = None
    subscribe: tuple[str, ...] | None = None
    deny_subscribe: tuple[str, ...] = ()
    allow_responses: bool = False
    comment: str = ""


def instance_user(service: str, org: str) -> str:
    """The NATS user of a service instance (also the name in its URL and its inbox prefix)."""
    return service if service in SHARED_SERVICES else f"{service}-{org}"


def durables_of(instance: Instance) -> tuple[str, ...]:
    """The durable consumers an instance reads (a partner's registration has its own)."""
    if instance.service == "registration":
        return (registration_sites_durable(None if instance.org == COORDINATOR_ORG else instance.org),)
    return tuple(c.durable for c in CONSUMERS if c.durable.startswith(instance.service + "-"))


def service_user(instance: Instance) -> NatsUser:
    """What one service instance needs, and nothing else."""
    name = instance_user(instance.service, instance.org)
    publish = ["$JS.API.INFO", f"$JS.API.STREAM.INFO.{STREAM_NAME}"]
    publish.append(f"jobdating.{instance.org}.{instance.service}.>")
    subscribe = [f"{inbox_prefix_of(name)}.>"]
    comment = ""
    if instance.service == "notifications":
        comment = (
            "Contact details: asked of the registration instance of the org that registered the person;"
            " candidates' SMS replies relayed to it."
        )
        publish += [
            "jobdating-rpc.*.registration.contact",
            "jobdating-rpc.*.registration.first-names",
            "jobdating-rpc.*.registration.candidate-answer",
        ]
    if instance.service == "registration":
        comment = "Contact openings for a stated purpose: asked of the instance holding the person."
        publish.append("jobdating-rpc.*.registration.contact-opening")
        subscribe.append(f"jobdating-rpc.{instance.org}.registration.>")
    for durable in durables_of(instance):
        publish += [
            f"$JS.API.CONSUMER.INFO.{STREAM_NAME}.{durable}",
            f"$JS.API.CONSUMER.MSG.NEXT.{STREAM_NAME}.{durable}",
            f"$JS.ACK.{STREAM_NAME}.{durable}.>",
        ]
    return NatsUser(
        name=name,
        publish=tuple(publish),
        subscribe=tuple(subscribe),
        allow_responses=instance.service == "registration",
        comment=comment,
    )


def console_user() -> NatsUser:
    """The console's ordered consumers: ephemeral, no acks, delivered to its own inbox, flow-controlled;
    no event subject, no durable."""
    return NatsUser(
        name=CONSOLE_USER,
        publish=(
            "$JS.API.INFO",
            f"$JS.API.STREAM.INFO.{STREAM_NAME}",
            f"$JS.API.CONSUMER.CREATE.{STREAM_NAME}",
            f"$JS.API.CONSUMER.CREATE.{STREAM_NAME}.>",
            f"$JS.API.CONSUMER.DELETE.{STREAM_NAME}.>",
            f"$JS.FC.{STREAM_NAME}.>",
        ),
        subscribe=(f"{inbox_prefix_of(CONSOLE_USER)}.>",),
        comment="The console's live pages: ordered consumers of the stream, delivered to its own inbox.",
    )


def users(instances: Sequence[Instance], *, console: bool = True) -> list[NatsUser]:
    """The operators' user, then one user per instance, then the console's (when there are instances and
    it reads this server: a partner's server has no console)."""
    services = [service_user(i) for i in instances] + ([console_user()] if instances and console else [])
    ops = NatsUser(
        name=OPS_USER,
        deny_subscribe=tuple(sorted(f"{inbox_prefix_of(u.name)}.>" for u in services)),
        comment="Operators (provision, audit, replay, report, tally): everything but the services' inboxes.",
    )
    return [ops, *services]


def compose_instances() -> list[Instance]:
    """The instances docker-compose.yml runs: the coordinator's five services, each partner's own
    registration and sites."""
    return [
        Instance("registration", COORDINATOR_ORG),
        *(Instance("registration", org) for org in COMPOSE_PARTNERS),
        Instance("sites", COORDINATOR_ORG),
        *(Instance("sites", org) for org in COMPOSE_PARTNERS),
        Instance("scheduling", COORDINATOR_ORG),
        Instance("notifications", COORDINATOR_ORG),
        Instance("identity", COORDINATOR_ORG),
    ]


def password_variable(user: str) -> str:
    """The environment variable (.env, docker-compose.yml) holding a user's password."""
    return "NATS_" + user.upper().replace("-", "_") + "_PASSWORD"


def authorization(all_users: Sequence[NatsUser], password: Callable[[str], str]) -> str:
    """The `authorization` block of a nats-server config; `password(user)` is the value written (a
    `$VARIABLE` for compose, a quoted literal for the embedded run)."""
    lines = ["authorization {", "  users: ["]
    for user in all_users:
        if user.comment:
            lines.append(f"    # {user.comment}")
        head = f"    {{ user: {user.name}, password: {password(user.name)}"
        permissions = _permissions(user)
        if not permissions:
            lines.append(head + " }")
            continue
        lines += [head + ",", "      permissions: {", *permissions, "      } }"]
    lines += ["  ]", "}"]
    return "\n".join(lines) + "\n"


def _permissions(user: NatsUser) -> list[str]:
    lines = []
    if user.publish is not None:
        lines.append(f"        publish: {{ allow: {_list(user.publish, 27)} }}")
    subscribe = []
    if user.subscribe is not None:
        subscribe.append(f"allow: {_list(user.subscribe, 29)}")
    if user.deny_subscribe:
        subscribe.append(f"deny: {_list(user.deny_subscribe, 28)}")
    if subscribe:
        lines.append(f"        subscribe: {{ {', '.join(subscribe)} }}")
    if user.allow_responses:
        lines.append("        allow_responses: true")
    return lines


def _list(subjects: Sequence[str], indent: int) -> str:
    """Subjects one a line, aligned under the first (nats-server's config reads JSON-quoted strings)."""
    return "[" + (",\n" + " " * indent).join(json.dumps(s) for s in subjects) + "]"


COMPOSE_HEADER = """\
# NATS for docker-compose.yml: JetStream on file storage, fsync on every write, monitoring on 8222, and one
# user per service instance (JetStream: only its own durables; inbox: only its own `_INBOX_<user>.>`) that
# may publish events only under its own organisation's subjects (jobdating.<org>.<service>.>). Passwords
# come from the environment (see .env.example).
# GENERATED by `python -m jobdating.ops.nats_users` (ops/src/jobdating/ops/nats_users.py), which also
# writes the embedded run's users: change the generator, not this file.
# Partner organisations: departement-nord (the coordinator, runs every service) and mission-locale (runs its
# own registration and sites). Adding a partner instance: COMPOSE_PARTNERS in the generator, its durable in
# `jobdating provision --registration-org`, and its services in docker-compose.yml.
server_name: jobdating
port: 4222
http_port: 8222
max_payload: 1MB

jetstream {
  store_dir: /data
  # The Jepsen analysis of NATS 2.12 lost acknowledged writes under the default 2-minute fsync.
  sync_interval: always
}

"""


def compose_conf() -> str:
    """The whole of deploy/nats/nats.conf."""
    return COMPOSE_HEADER + authorization(users(compose_instances()), lambda u: "$" + password_variable(u))


if __name__ == "__main__":
    print(compose_conf(), end="")
