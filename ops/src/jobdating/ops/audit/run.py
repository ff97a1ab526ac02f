"""The whole audit: every service store, then the stream and the fed tables when NATS answers."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from nats.js import JetStreamContext
from nats.js.errors import NotFoundError

from jobdating.contracts.subjects import STREAM_NAME
from jobdating.eventstore.base import EventStore
from jobdating.ops.audit.fed import check_fed_tables
from jobdating.ops.audit.report import STREAM, AuditReport, Difference
from jobdating.ops.audit.stores import audit_stores
from jobdating.ops.audit.stream import check_stream, read_stream
from jobdating.ops.readmodels import SERVICES


async def audit(
    data_dir: Path,
    js: JetStreamContext | None,
    services: tuple[str, ...] = SERVICES,
    urls: Mapping[str, str] | None = None,
) -> AuditReport:
    """Audit every service store (see `audit_stores`), and the stream when `js` is given."""
    differences: list[Difference] = []
    notices: list[str] = []
    found = audit_stores(data_dir, services, urls or {}, differences, notices)
    stream_messages: int | None = None
    fed: list[str] = []
    try:
        if js is None:
            notices.append("flux non vérifié : NATS injoignable (pile arrêtée ?), voir --nats-url")
        else:
            try:
                messages = await read_stream(js)
            except NotFoundError:
                differences.append(Difference(STREAM, "flux absent", f"le flux {STREAM_NAME} n'existe pas"))
            else:
                stream_messages = len(messages)
                stores: dict[str, EventStore] = dict(found.stores)
                check_stream(messages, found.summaries, found.logs, stores, differences, notices)
                await check_fed_tables(js, messages, found, differences, notices, fed)
    finally:
        found.close()
    return AuditReport(list(found.summaries.values()), differences, notices, stream_messages, fed)
