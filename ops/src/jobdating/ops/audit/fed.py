"""The tables services keep from other services' events, rebuilt from the stream up to what their
consumers acknowledged, against the live ones (see `jobdating.ops.fed_tables`)."""

from __future__ import annotations

from nats.js import JetStreamContext

from jobdating.ops.audit.report import Difference, kind_of, org_of
from jobdating.ops.audit.stores import AuditedStores
from jobdating.ops.audit.stream import StreamMessage
from jobdating.ops.audit.tables import compare_tables
from jobdating.ops.fed_tables import ack_floors, fed_model, rebuild


async def check_fed_tables(
    js: JetStreamContext,
    messages: list[StreamMessage],
    found: AuditedStores,
    out: list[Difference],
    notices: list[str],
    compared: list[str],
) -> None:
    """The tables services keep from other services' events, rebuilt from the stream up to what their
    consumers acknowledged, against the live ones (see `jobdating.ops.fed_tables`)."""
    last = messages[-1].seq if messages else 0
    for label, store in found.stores.items():
        summary = found.summaries[label]
        own = org_of(label) or (next(iter(summary.orgs)) if len(summary.orgs) == 1 else None)
        model = fed_model(kind_of(label), label, own)
        if model is None:
            if kind_of(label) == "registration":
                notices.append(
                    f"{label} : organisation de l'instance inconnue (journal vide ou de plusieurs "
                    "organisations), known_sites et partner_companies non comparées "
                    "(nommer l'instance : --store registration@ORG=URL)"
                )
            continue
        floors = await ack_floors(js, model)
        if isinstance(floors, str):
            notices.append(f"{label} : {floors}")
            continue
        if max(floors.values(), default=0) > last:
            notices.append(
                f"{label} : le flux a avancé pendant l'audit, tables {', '.join(model.tables)} non comparées"
            )
            continue
        scratch = rebuild(model, messages, floors)
        try:
            live_rows = model.rows(store)
            if await ack_floors(js, model) != floors:
                notices.append(f"{label} : un consommateur a avancé pendant l'audit, tables non comparées")
                continue
            compare_tables(label, "faits ≠ flux", model.tables, live_rows, model.rows(scratch), scratch, out)
            compared.append(f"{label} ({len(model.tables)} tables)")
        finally:
            scratch.close()
