"""The stream and the durable consumers, declared once here and created by the ops command."""

from __future__ import annotations

import re
from datetime import timedelta

import msgspec

from jobdating.contracts.subjects import ALL_EVENTS, STREAM_NAME, service_filter

# The relay retries a publish with the same Nats-Msg-Id until it is acknowledged, and a restarted relay
# republishes from its checkpoint. Two hours covers any outage we expect to sit through; beyond it the
# consumers' inboxes still make a duplicate harmless.
DUPLICATE_WINDOW = timedelta(hours=2)
ACK_WAIT = timedelta(seconds=30)


class ConsumerSpec(msgspec.Struct, frozen=True, kw_only=True):
    """A durable pull consumer: who reads, and which subjects."""

    durable: str
    filter_subjects: tuple[str, ...]
    description: str


class StreamSpec(msgspec.Struct, frozen=True, kw_only=True):
    name: str = STREAM_NAME
    subjects: tuple[str, ...] = (ALL_EVENTS,)
    duplicate_window: timedelta = DUPLICATE_WINDOW
    replicas: int = 1


REGISTRATION_SITES = "registration-sites"
ORG_TOKEN = re.compile(r"[A-Za-z0-9_-]+")


def registration_sites(org: str | None = None) -> ConsumerSpec:
    """The sites consumer of a registration instance. Each partner organisation running its own
    registration instance needs its own durable (`registration-sites-<org>`): instances sharing one durable
    would split the site events between them."""
    return ConsumerSpec(
        durable=registration_sites_durable(org),
        # Companies registered at other instances: candidates here may wish for them too.
        # Candidates' blind index entries at other instances: the same person registered at two partners.
        filter_subjects=(
            "jobdating.*.sites.site.>",
            "jobdating.*.registration.company.>",
            "jobdating.*.registration.blind-index.>",
        ),
        description="registration learns which sites and companies candidates may choose"
        + (f" (instance of {org})" if org else ""),
    )


def registration_sites_durable(org: str | None = None) -> str:
    """The durable's name; the org must be a subject token, as in the subjects that instance publishes."""
    if not org:
        return REGISTRATION_SITES
    if not ORG_TOKEN.fullmatch(org):
        raise ValueError(f"{org!r} is not an organisation name (letters, digits, - and _ only)")
    return f"{REGISTRATION_SITES}-{org}"


def _following(consumer: str, service: str, description: str) -> ConsumerSpec:
    """The durable (`<consumer>-<service>`) through which a service reads every event of another."""
    return ConsumerSpec(
        durable=f"{consumer}-{service}", filter_subjects=(service_filter(service),), description=description
    )


CONSUMERS: tuple[ConsumerSpec, ...] = (
    registration_sites(),
    _following(
        "notifications",
        "scheduling",
        "notifications plans convocations, reminders, changes, agendas and outcome notices",
    ),
    _following(
        "notifications",
        "registration",
        "notifications keeps who registered each candidate and company, consents and erasures",
    ),
    _following(
        "notifications", "sites", "notifications keeps site addresses and computer labels for convocations"
    ),
    _following(
        "scheduling",
        "registration",
        "scheduling keeps anonymous candidate profiles and companies; withdrawals repair plans",
    ),
    _following(
        "scheduling",
        "sites",
        "scheduling keeps sites, rooms, computers; a computer breaking or a site closing repairs",
    ),
    _following(
        "scheduling",
        "identity",
        "scheduling keeps accounts (id, organisation, roles): who may coach or counsel",
    ),
)
