"""Who may speak about which stream: the rules a consumer checks before it believes an event.

The NATS server lets an organisation publish only under `jobdating.<its org>.>`; inside that prefix it could
still claim anything (a withdrawal of another organisation's candidate, a slot nobody planned). So an event
is believed only when:

1. **its subject is its envelope's**: the subject's org, service, stream type, event type and stream id are
   the envelope's, its source is `/jobdating/<org>/<service>`, and the event type is one that service
   publishes, on the stream type the contracts give it (the server checked the subject's org, so the
   envelope's org is now the publisher's);
2. **the stream is the speaker's**: the organisation that opened a stream (the first event a consumer accepted
   about it) owns it; an event from any other organisation about that stream is forged;
3. **the speaker may open it**: a partner service's streams (registration, sites) are opened by any
   organisation, each owning what it opens; a coordinating service's streams (scheduling, notifications) are
   opened only by the coordinating organisation, the one the consuming instance runs for;
4. **a child names a parent of its own**: an event that attaches its stream to a parent stream (a computer
   added to a site) comes from the parent's owner.

A consumer that breaks none of these may still be wrong about facts; what it no longer does is believe an
organisation about what another organisation owns. The functions here are pure: the bus looks the owners up
in the consumer's store (`jobdating.bus.trust`) and parks what they refuse.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import Enum
from typing import Final

from jobdating.contracts.catalog import REGISTRY
from jobdating.contracts.envelope import Envelope
from jobdating.contracts.registry import publishing_service
from jobdating.contracts.subjects import ROOT

FORGED: Final = "forged"
"""The first word of a parked event's reason when a trust rule refused it (the audit looks for it)."""


class Role(Enum):
    """Who may open the streams of a service."""

    PARTNER = "partner"  # any organisation, each owning the streams it opens
    COORDINATING = "coordinating"  # the coordinating organisation only


ROLES: Final[Mapping[str, Role]] = {
    "registration": Role.PARTNER,
    "sites": Role.PARTNER,
    "scheduling": Role.COORDINATING,
    "notifications": Role.COORDINATING,
    # Accounts are the coordination's: one identity instance, run by the coordinating organisation.
    "identity": Role.COORDINATING,
}
"""Each service's role; a service missing here publishes nothing a consumer believes."""

PARENTS: Final[Mapping[str, tuple[str, str]]] = {
    "ComputerAdded": ("site", "site_id"),
    "AccountInvited": ("organisation", "organisation_id"),
}
"""Event types that attach their stream to a parent stream: (parent stream type, payload field naming it)."""


class Forged(Exception):
    """An event a trust rule refuses: parked at once, never applied, reported by the audit."""

    def __init__(self, reason: str) -> None:
        super().__init__(f"{FORGED}: {reason}")
        self.reason = reason


def publisher_of(event_type: str) -> tuple[str, str] | None:
    """The service publishing `event_type` and the stream type it goes on; None for an unknown type."""
    try:
        cls = REGISTRY.latest(event_type)
    except LookupError:
        return None
    return publishing_service(cls), cls.stream_type


def subject_refusal(subject: str, env: Envelope) -> str | None:
    """Why the subject and the envelope disagree (rule 1), or None when they agree."""
    tokens = subject.split(".")
    if len(tokens) != 6 or tokens[0] != ROOT:
        return f"subject {subject} is not an event subject"
    _, org, service, stream_type, event_type, stream_id = tokens
    if org != env.org:
        return f"envelope org {env.org} published under org {org}"
    if env.source != f"/{ROOT}/{org}/{service}":
        return f"source {env.source} published under {org}/{service}"
    if (stream_type, event_type, stream_id) != (env.stream_type, env.event_type, env.stream_id):
        return f"subject {stream_type}.{event_type}.{stream_id} but envelope says " + (
            f"{env.stream_type}.{env.event_type}.{env.stream_id}"
        )
    publisher = publisher_of(event_type)
    if publisher is None:
        return f"unknown event type {event_type}"
    if publisher != (service, stream_type):
        return f"{event_type} is published by {publisher[0]} on {publisher[1]} streams, not by {service}"
    return None


def speaker_refusal(
    env: Envelope,
    service: str,
    owner: str | None,
    *,
    coordinator: str | None,
    parent: tuple[str, str, str | None] | None = None,
) -> str | None:
    """Why `env.org` may not speak about its stream (rules 2-4), or None when it may.

    `owner` is the organisation that opened the stream (None: nobody yet); `coordinator` the coordinating
    organisation (None when the consumer was not told, then rule 3 cannot hold a coordinating stream back);
    `parent` the (stream type, id, owner) of the parent stream the event names, if any.
    """
    org = env.org
    what = f"{env.stream_type} stream {env.stream_id}"
    if owner is not None:
        if owner != org:
            return f"org {org} may not speak about {what} owned by {owner}"
    else:
        role = ROLES.get(service)
        if role is None:
            return f"service {service} may not open streams"
        if role is Role.COORDINATING and coordinator is not None and org != coordinator:
            return f"org {org} may not open {what}: {service} streams are opened by {coordinator}"
    if parent is not None:
        parent_type, parent_id, parent_owner = parent
        if parent_owner is not None and parent_owner != org:
            return f"org {org} may not attach {what} to {parent_type} {parent_id} owned by {parent_owner}"
    return None
