"""The log half of `bench.replay`, three ways in one run, each as a ratio to the same raw read measured just
before it (SQLite SELECT + decode of every envelope and payload): the replay loop as it was before payloads
were decoded lazily (every payload decoded, every row copied), `replay_log` as it is, and `replay_log` with
a tally that also reads every payload (what a projection that needs every payload pays).

    .venv/bin/python -m bench.replay_log_variants --events 1000000 --runs 2
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from bench.common import Timer, int_options, report, scratch_dir
from bench.replay import fill, projection, raw_log_read
from jobdating.contracts.catalog import REGISTRY
from jobdating.contracts.envelope import RecordedEvent, decode_envelope
from jobdating.eventstore.base import EventStore, Transaction
from jobdating.eventstore.rebuild import ApplyBatch, replay_log
from jobdating.eventstore.sqlite import SqliteEventStore
from jobdating.ops import tally

Replay = Callable[[EventStore, ApplyBatch], int]


def eager_replay(store: EventStore, apply_batch: ApplyBatch) -> int:
    """The loop before lazy payloads: rows copied, every payload decoded before the projection sees it."""
    count, after = 0, 0
    while True:
        rows = [
            (int(p), bytes(b))
            for p, b in store.query(
                "SELECT position, body FROM events WHERE position > ? ORDER BY position LIMIT 20000", (after,)
            )
        ]
        if not rows:
            return count
        apply_batch([REGISTRY.decode(decode_envelope(body), position) for position, body in rows])
        count += len(rows)
        after = rows[-1][0]


def current_replay(store: EventStore, apply_batch: ApplyBatch) -> int:
    return replay_log(store, apply_batch)


def tally_reading_payloads(tx: Transaction, events: Sequence[RecordedEvent]) -> None:
    for event in events:
        _ = event.data
    TALLY_MANY(tx, events)


TALLY_MANY = tally.apply_many
VARIANTS: list[tuple[str, Replay, Callable[[Transaction, Sequence[RecordedEvent]], None]]] = [
    ("before_eager", eager_replay, TALLY_MANY),
    ("replay_log", current_replay, TALLY_MANY),
    ("replay_log_payloads_read", current_replay, tally_reading_payloads),
]


def main(events: int, streams: int, runs: int) -> dict[str, object]:
    work = scratch_dir("jd-bench-replay-log-")
    source = SqliteEventStore(work / "source.db")
    source.migrate()
    fill(source, events, streams)
    t = Timer()
    result: dict[str, object] = {"events": events, "streams": streams}
    for run in range(runs):
        for name, replay, apply_many in VARIANTS:
            with t.measure():
                assert raw_log_read(source.path) == events
            raw = events / t.seconds
            tally.apply_many = apply_many  # type: ignore[assignment]
            try:
                store, apply_batch = projection(work / f"{name}-{run}.db")
                with t.measure(), store.rebuilding():
                    assert replay(source, apply_batch) == events  # type: ignore[arg-type]
            finally:
                tally.apply_many = TALLY_MANY
            assert sum(tally.counts(store).values()) == events
            store.close()
            rate = events / t.seconds
            result[f"{name}_{run}"] = {
                "raw_per_s": round(raw),
                "replay_per_s": round(rate),
                "ratio": round(rate / raw, 3),
            }
            print(name, result[f"{name}_{run}"], flush=True)
    return result


if __name__ == "__main__":
    args = int_options(events=1_000_000, streams=50_000, runs=1)
    report("replay_log_variants", main(args.events, args.streams, args.runs))
