"""A projection fed live from the stream by a durable consumer equals the same projection rebuilt from the
stream with the replay, whatever random sequence of registration commands produced the events."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import nats
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jobdating.bus.consumer import ConsumerRunner
from jobdating.bus.provision import provision
from jobdating.bus.relay import Relay
from jobdating.bus.replay import replay_stream
from jobdating.bus.server import NatsServer
from jobdating.bus.topology import ConsumerSpec
from jobdating.contracts.subjects import ALL_EVENTS
from jobdating.eventstore.base import EventStore
from jobdating.eventstore.sqlite import SqliteEventStore
from jobdating.ops import tally
from jobdating.registration.application.handlers import RegistrationHandlers
from jobdating.registration.bootstrap import build_service
from jobdating.registration.domain.commands import EraseCandidate, UpdateCandidate, WithdrawCandidate
from jobdating.registration.domain.errors import Rejected
from jobdating.registration.testing import CALLERS, candidate, company, open_site, unique_phone

pytestmark = [pytest.mark.nats, pytest.mark.slow]

step = st.one_of(
    st.tuples(st.just("register"), st.integers(0, 3)),
    st.tuples(st.just("phone"), st.integers(0, 3)),
    st.tuples(st.just("withdraw"), st.integers(0, 3)),
    st.tuples(st.just("erase"), st.integers(0, 3)),
    st.tuples(st.just("company"), st.integers(0, 1)),
)


def rows(store: EventStore) -> list[Any]:
    return store.query(
        "SELECT stream_id, stream_version, event_type, times FROM tally_streams "
        "ORDER BY stream_id, stream_version"
    )


async def scenario(steps: list[tuple[str, int]], work: Path) -> None:
    with NatsServer(work / "nats") as server:
        nc = await nats.connect(server.url)
        js = nc.jetstream()
        spec = ConsumerSpec(durable="witness", filter_subjects=(ALL_EVENTS,), description="test")
        await provision(js, consumers=[spec])
        service = build_service(org="mel", store=SqliteEventStore(work / "registration.db"))
        service.store.migrate()
        site = open_site(service)
        who = CALLERS["mel-counsellor"]
        handlers = RegistrationHandlers(service)
        ids: dict[int, str] = {}
        for action, n in steps:
            try:
                if action == "register" and n not in ids:
                    ids[n] = handlers.register_candidate(who, candidate(site))
                elif action == "phone" and n in ids:
                    handlers.update_candidate(who, UpdateCandidate(candidate_id=ids[n], phone=unique_phone()))
                elif action == "withdraw" and n in ids:
                    handlers.withdraw_candidate(
                        who, WithdrawCandidate(candidate_id=ids[n], reason="emploi trouvé")
                    )
                elif action == "erase" and n in ids:
                    handlers.erase_candidate(who, EraseCandidate(candidate_id=ids[n]))
                elif action == "company":
                    handlers.register_company(CALLERS["mel-coordinator"], company())
            except Rejected:
                pass  # a refused command stores nothing, which the comparison covers too
        await Relay(service.store, js).publish_pending()
        expected = service.store.count()

        live = SqliteEventStore(work / "live.db")
        live.migrate()
        tally.create_tables(live)
        runner = ConsumerRunner(live, js, spec.durable, tally.apply)
        stop = asyncio.Event()
        task = asyncio.create_task(runner.run(stop, fetch_timeout=0.2))
        async with asyncio.timeout(20):
            while sum(tally.counts(live).values()) < expected:  # noqa: ASYNC110 - polling a database
                await asyncio.sleep(0.02)
        stop.set()
        await task

        rebuilt = SqliteEventStore(work / "rebuilt.db")
        rebuilt.migrate()
        tally.create_tables(rebuilt)

        def apply_batch(events: Any) -> None:
            with rebuilt.transaction() as tx:
                tally.apply_many(tx, events)

        assert await replay_stream(js, apply_batch) == expected
        assert rows(live) == rows(rebuilt)
        own_log = sorted((e.stream_id, e.stream_version, e.event_type, 1) for e in service.store.iter_all())
        assert [tuple(r) for r in rows(live)] == own_log
        await nc.close()
        for store in (live, rebuilt, service.store):
            store.close()


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(step, min_size=1, max_size=14))
def test_a_live_projection_and_one_rebuilt_from_the_stream_agree(
    steps: list[tuple[str, int]], tmp_path_factory: pytest.TempPathFactory
) -> None:
    asyncio.run(scenario(steps, tmp_path_factory.mktemp("replay")))
