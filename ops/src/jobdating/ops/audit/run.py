"""The whole audit: every service store, then the stream and the fed tables when NATS answers; and each
partner's stream on its own server (`partners`), with its instances, against the hub's."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Mapping
from pathlib import Path

import nats.errors
from nats.aio.client import Client
from nats.js import JetStreamContext
from nats.js.errors import APIError, NotFoundError, ServiceUnavailableError

from jobdating.contracts.subjects import STREAM_NAME
from jobdating.eventstore.base import EventStore
from jobdating.ops.audit.fed import check_fed_tables
from jobdating.ops.audit.partners import check_against_hub, read_partner
from jobdating.ops.audit.report import STREAM, AuditError, AuditReport, Difference, org_of
from jobdating.ops.audit.stores import AuditedStores, audit_stores
from jobdating.ops.audit.stream import StreamMessage, check_stream, read_stream
from jobdating.ops.readmodels import SERVICES


async def audit(
    data_dir: Path,
    js: JetStreamContext | None,
    services: tuple[str, ...] = SERVICES,
    urls: Mapping[str, str] | None = None,
    partners: Mapping[str, JetStreamContext] | None = None,
) -> AuditReport:
    """Audit every service store (see `audit_stores`), and the stream when `js` is given; with `partners`
    (organisation: its domain's JetStream, through the hub), their streams and instances too."""
    differences: list[Difference] = []
    notices: list[str] = []
    partners = partners or {}
    found = audit_stores(data_dir, services, urls or {}, differences, notices)
    report = AuditReport(list(found.summaries.values()), differences, notices, None)
    try:
        if js is None:
            notices.append("flux non vérifié : NATS injoignable (pile arrêtée ?), voir --nats-url")
        else:
            try:
                messages = await read_stream(js)
            except NotFoundError:
                differences.append(Difference(STREAM, "flux absent", f"le flux {STREAM_NAME} n'existe pas"))
            else:
                report.stream_messages = len(messages)
                hub = found.only({label for label in found.summaries if org_of(label) not in partners})
                # A partner's events are its instances' business, checked in its own stream below.
                ours = [m for m in messages if _org(m) not in partners]
                await _check(js, ours, messages, hub, report)
                for org, partner_js in partners.items():
                    await _check_partner(org, partner_js, messages, found, report)
    finally:
        found.close()
    return report


async def until_jetstream_answers(nc: Client, within: float = 30.0) -> None:
    """Return once JetStream answers an account question; an `AuditError` naming why when no JetStream
    answers at all (a server without it), or none has after `within` seconds.

    A cluster just restarted answers stream questions from its stream leader seconds before it has elected
    its meta leader, and a consumer asked for meanwhile is dropped without a reply: the audit's read would
    wait out its whole timeout instead. The account question is answered by the meta leader alone.
    """
    probe = nc.jetstream(timeout=2)
    deadline = time.monotonic() + within
    while True:
        try:
            await probe.account_info()
            return
        except (ServiceUnavailableError, nats.errors.NoRespondersError) as exc:
            # Nobody listens for JetStream's questions: not a cluster electing, a server without it.
            raise AuditError("JetStream ne répond pas sur ce NATS (serveur sans JetStream ?)") from exc
        except (APIError, nats.errors.TimeoutError) as exc:
            if time.monotonic() > deadline:
                raise AuditError(
                    f"JetStream n'a pas répondu en {within:.0f} s (grappe sans leader ?) : {exc}"
                ) from exc
            await asyncio.sleep(0.2)


async def _check(
    js: JetStreamContext,
    ours: list[StreamMessage],
    messages: list[StreamMessage],
    found: AuditedStores,
    report: AuditReport,
) -> None:
    """A stream's messages against the instances relaying into it (`ours`: those they may have published),
    and their fed tables rebuilt from all of them."""
    stores: dict[str, EventStore] = dict(found.stores)
    check_stream(ours, found.summaries, found.logs, stores, report.differences, report.notices)
    await check_fed_tables(js, messages, found, report.differences, report.notices, report.fed)


async def _check_partner(
    org: str, js: JetStreamContext, hub: list[StreamMessage], found: AuditedStores, report: AuditReport
) -> None:
    partner = await read_partner(js, org)
    if partner is None:
        report.differences.append(Difference(f"flux de {org}", "flux absent", f"{org} n'a pas de flux"))
        return
    report.partner_streams[org] = len(partner.messages)
    instances = found.only({label for label in found.summaries if org_of(label) == org})
    await _check(js, partner.messages, partner.messages, instances, report)
    check_against_hub(partner, hub, report.differences, report.notices)


def _org(message: StreamMessage) -> str:
    """The organisation token of a message's subject (`jobdating.<org>.…`)."""
    tokens = message.subject.split(".")
    return tokens[1] if len(tokens) > 1 else ""
