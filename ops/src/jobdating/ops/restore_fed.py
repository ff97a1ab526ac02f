"""The consumers' part of a restore: what a restored service had already reacted to is not handled twice.

A restored store's inbox stops at the backup, but its log (brought forward from the stream) holds its
reactions to later events: a slot assigned for a candidate registered after the backup. Handled again at
redelivery, such an event would be reacted to twice (a second slot, under a new id). So for each of the
service's durable consumers, everything up to the last message it visibly handled (in its inbox, or the
cause of an event in the log) counts as handled: its facts tables are rebuilt from the stream up to there
(`jobdating.ops.fed_tables`, as the audit does) and those messages are written to its inbox. What follows is
redelivered and handled as it would have been.

Only the services whose consumers react with events under new ids are settled so (`REACTING`): the others
are redelivered everything after their backed-up inbox, which also rebuilds their working state
(notifications plans each message under an idempotency key, so a message already sent is not planned
again; registration's consumer only keeps facts).
"""

from __future__ import annotations

from datetime import datetime

from jobdating.contracts.envelope import decode_envelope
from jobdating.ops.audit.report import kind_of, org_of
from jobdating.ops.backup_manifest import StreamLine
from jobdating.ops.fed_tables import fed_model, matches, rebuild
from jobdating.ops.readmodels import Live

INFO = "SELECT name FROM pragma_table_info(?)"
REACTING = ("scheduling",)
"""Scheduling assigns slots (new ids) for a candidate it hears of, and repairs plans: never twice."""


def settle_consumers(store: Live, service: str, lines: list[StreamLine], now: datetime) -> dict[str, int]:
    """Mark handled, per durable, the stream's messages up to the last one the store shows it handled, with
    the facts tables rebuilt to match; returns each durable's last handled sequence."""
    bodies = [bytes(r[0]) for r in store.query("SELECT body FROM events")]
    envelopes = [decode_envelope(body) for body in bodies]
    orgs = {env.org for env in envelopes}
    own = org_of(service) or (next(iter(orgs)) if len(orgs) == 1 else None)
    model = fed_model(kind_of(service), service, own)
    if model is None:
        return {}
    caused = {env.causation_id for env in envelopes if env.causation_id}
    floors: dict[str, int] = {}
    marked: dict[str, list[str]] = {}
    for durable, subjects in model.feeds:
        seen = {str(r[0]) for r in store.query("SELECT event_id FROM inbox WHERE consumer = ?", (durable,))}
        taken = [line for line in lines if any(matches(s, line.subject) for s in subjects)]
        handled = [i for i, line in enumerate(taken) if line.msg_id in caused or line.msg_id in seen]
        upto = handled[-1] + 1 if handled else 0
        floors[durable] = taken[upto - 1].seq if upto else 0
        marked[durable] = [str(line.msg_id) for line in taken[:upto] if line.msg_id not in seen]
    scratch = rebuild(model, lines, floors, coordinator=own)
    try:
        fresh = model.rows(scratch)
        columns = {
            table: ", ".join(str(r[0]) for r in scratch.query(INFO, (table,))) for table in model.tables
        }
        owners = scratch.query("SELECT consumer, stream_type, stream_id, org FROM stream_owners")
        with store.transaction() as tx:
            for table in model.tables:
                tx.execute(f"DELETE FROM {table}")
                if fresh[table]:
                    marks = ", ".join("?" * len(fresh[table][0]))
                    tx.executemany(f"INSERT INTO {table} ({columns[table]}) VALUES ({marks})", fresh[table])
            tx.execute(
                f"DELETE FROM stream_owners WHERE consumer IN ({', '.join('?' * len(floors))})",
                tuple(floors),
            )
            tx.executemany("INSERT INTO stream_owners VALUES (?, ?, ?, ?)", [tuple(r) for r in owners])
            for durable, event_ids in marked.items():
                tx.executemany(
                    "INSERT INTO inbox (consumer, event_id, handled_at) VALUES (?, ?, ?)",
                    [(durable, event_id, now.isoformat()) for event_id in event_ids],
                )
    finally:
        scratch.close()
    return floors
