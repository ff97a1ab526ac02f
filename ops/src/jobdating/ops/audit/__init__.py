"""`jobdating audit`: proves that the stream, every service's log and every projection agree.

For each service store found in the data folder (`<service>.db`), inside one read transaction:
- the log: every row's envelope decodes and says what the row's columns say (id, stream, version, type) and
  that this service published it; no event id twice; each stream's versions run 1, 2, ... without a gap or
  a repeat, and its positions increase with its versions;
- the projections: rebuilt from the log into empty tables (in memory), they equal the live ones, compared
  by a hash per table over the sorted rows (every column: none of them records when it was handled).

Then, when NATS is reachable, the stream `JOBDATING`, read whole with an ordered consumer:
- no event id published twice; each message's `Nats-Msg-Id` and subject are the ones its envelope implies;
- for each audited service (and its organisations): the stream holds every logged event the relay's
  cursor says it published, byte for byte the log's envelope, in log order; and nothing the log lacks;
- the tables scheduling, registration and notifications keep from other services' events, rebuilt from the
  stream up to what their consumers acknowledged, equal the live ones (`jobdating.ops.fed_tables`).
  Events after the cursor are not yet relayed (the stack is running, or stopped before its relay caught
  up): a notice, not a difference. Events committed after the log was read are checked against the log as
  it is by then.

`run.audit` runs it all: `stores` opens each store and runs the checks of `log` on it (its projections
compared by `tables`), `stream` reads and checks the stream, `fed` compares the fed tables; what is found
makes a `report.AuditReport`.
"""
