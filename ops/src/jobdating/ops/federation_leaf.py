"""The hub's user for a partner's leaf connection (`leaf-<org>`): what the hub lets the partner's server send
into it (publish) and what it sends down to it (subscribe). nats-server holds a leaf to its hub user's
permissions both ways, and announces to the leaf only the interest it may publish to: a subject outside
them never crosses, whatever the partner's own server is told.

Into the hub: the partner's own events, the JetStream traffic of sourcing both ways, its instances'
questions to other organisations and the answers to the questions asked of it. Down to the partner: the
questions addressed to its instances, the answers to theirs (their own inboxes), and its own JetStream
domain's API and the deliveries of what its stream sources from the hub; nothing of another organisation.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from jobdating.bus.connection import inbox_prefix_of
from jobdating.contracts.subjects import STREAM_NAME
from jobdating.ops import nats_users
from jobdating.ops.nats_users import NatsUser

HUB_DOMAIN = "hub"
# The NATS user a partner's leaf connects to the hub as.
LEAF_USER_PREFIX = "leaf-"
RPC_ROOT = "jobdating-rpc."
# Where sourcing delivers across the leaves (`deliver_prefix`, `hub_deliver_prefix`; an organisation is never
# named `hub`).
SOURCED_ROOT = "jobdating-sourced"


def api_prefix(domain: str) -> str:
    """The subject prefix of a JetStream domain's API, as seen from another domain."""
    return f"$JS.{domain}.API"


def deliver_prefix(org: str) -> str:
    """Where the hub delivers what a partner's stream sources from it (each source's own subject under it):
    the partner's own, so that its leaf receives no other partner's deliveries."""
    return f"{SOURCED_ROOT}.{org}"


def hub_deliver_prefix(org: str) -> str:
    """Where a partner's server delivers what the hub's stream sources from it: the hub's, under the
    partner's name, so that its leaf may publish into no other partner's deliveries."""
    return f"{SOURCED_ROOT}.{HUB_DOMAIN}.{org}"


def leaf_user(org: str) -> str:
    return LEAF_USER_PREFIX + org


def own_subjects(org: str) -> str:
    """What a partner's instances publish, and all it may send into the hub as events."""
    return f"jobdating.{org}.>"


def overlaps(a: str, b: str) -> bool:
    """Whether two NATS subject patterns (`*`, `>`) match a subject in common."""
    ta, tb = a.split("."), b.split(".")
    for x, y in zip(ta, tb, strict=False):
        if ">" in (x, y):
            return True
        if x != y and "*" not in (x, y):
            return False
    return len(ta) == len(tb)


def askers_of(org: str, elsewhere: Iterable[NatsUser]) -> list[str]:
    """The inboxes of the users elsewhere who may ask `org`'s instances a question (notifications asks its
    registration for a person's contact, another organisation's registration asks it for an opening)."""
    return sorted(
        f"{inbox_prefix_of(u.name)}.>"
        for u in elsewhere
        if any(overlaps(p, f"{RPC_ROOT}{org}.>") for p in u.publish or ())
    )


def leaf_hub_user(org: str, own: Sequence[NatsUser], elsewhere: Sequence[NatsUser]) -> NatsUser:
    """The hub's user for `org`'s leaf; `own` are the users of the partner's server, `elsewhere` those of
    the hub and of the other partners' servers."""
    hub_api = api_prefix(HUB_DOMAIN)
    questions = [p for u in own for p in u.publish or () if p.startswith(RPC_ROOT)]
    instances = [u for u in own if u.name != nats_users.OPS_USER]
    return NatsUser(
        name=leaf_user(org),
        publish=(
            own_subjects(org),
            f"{hub_api}.INFO",
            f"{hub_api}.STREAM.INFO.{STREAM_NAME}",
            f"{hub_api}.CONSUMER.CREATE.{STREAM_NAME}.>",
            f"{hub_api}.CONSUMER.INFO.{STREAM_NAME}.>",
            f"{hub_api}.CONSUMER.DELETE.{STREAM_NAME}.>",
            # The hub's sourcing consumers in the partner's domain: their API replies ($JSC.R), their
            # deliveries (under the partner's own prefix), flow control (without either of the first two,
            # sourcing stalls); the answers to the hub operators' requests in the partner's domain
            # (`_INBOX`, provisioning).
            "$JS.FC.>",
            "$JSC.R.>",
            "_INBOX.>",
            f"{hub_deliver_prefix(org)}.>",
            *dict.fromkeys(questions),
            # The answers to the questions asked of its instances, to each asker's own inbox.
            # `allow_responses` would be narrower but does not carry across a leaf: the hub announces to a
            # leaf only the interest its user may publish to, never an asker's inbox, so the partner's
            # server drops the answer (nats-server 2.15, `ops/tests/test_federation_requests.py`).
            *askers_of(org, elsewhere),
        ),
        subscribe=(
            # What its instances may receive: the questions addressed to them, the answers to theirs.
            *dict.fromkeys(s for u in instances for s in u.subscribe or ()),
            # Its JetStream domain's API, asked by the hub's sourcing and its operators' provisioning.
            f"{api_prefix(org)}.>",
            # What its stream sources from the hub, delivered under its own prefix.
            f"{deliver_prefix(org)}.>",
            # The hub's answers to its server's consumer requests (the sourcing stalls without them). Their
            # subjects are random and name no organisation, so another partner's could come down too:
            # consumer information (names, filters, counts), never an event nor anyone's data.
            "$JSC.R.>",
        ),
    )
