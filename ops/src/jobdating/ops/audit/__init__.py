"""`jobdating audit`: proves that the stream, every service's log and every projection agree.

For each service store found in the data folder (`<service>.db`), inside one read transaction:
- the log: every row's envelope decodes and says what the row's columns say (id, stream, version, type) and
  that this service published it; no event id twice; each stream's versions run 1, 2, ... without a gap or
  a repeat, and its positions increase with its versions;
- the projections: rebuilt from the log into empty tables (in memory), they equal the live ones, compared
  by a hash per table over the sorted rows (every column: none of them records when it was handled).
- the events its consumers parked as forged (`jobdating.contracts.trust`: an organisation said something it
  may not say): each one a difference, with the consumer, the event id and the reason.

Then, when NATS is reachable, the stream `JOBDATING`, read whole with an ordered consumer:
- no event id published twice; each message's `Nats-Msg-Id` and subject are the ones its envelope implies;
- for each audited service (and its organisations): the stream holds every logged event the relay's
  cursor says it published, byte for byte the log's envelope, in log order; and nothing the log lacks;
- the tables scheduling, registration and notifications keep from other services' events, rebuilt from the
  stream up to what their consumers acknowledged, equal the live ones (`jobdating.ops.fed_tables`).
  Events after the cursor are not yet relayed (the stack is running, or stopped before its relay caught
  up): a notice, not a difference. Events committed after the log was read are checked against the log as
  it is by then.

With `--partner ORG` (a partner on its own server, a leaf of the hub), its stream is read through the hub
in its JetStream domain: its instances (`SERVICE@ORG`) are checked against it, and it against the hub's
stream (`partners`).

`run.audit` runs it all: `stores` opens each store and runs the checks of `log` on it (its projections
compared by `tables`, its forged events by `forged`), `stream` reads and checks the stream, `fed` compares
the fed tables; what is found
makes a `report.AuditReport`.

`jobdating audit --who` checks nothing: `who_run` reads the stream's envelopes, `who` makes them rows of who
did what (French words from `event_words`), `who_names` asks identity for the names the caller may read.
"""
