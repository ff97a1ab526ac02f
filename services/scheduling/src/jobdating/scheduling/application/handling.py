"""What every scheduling command handler holds (the command bus, the planner, the repairs), and the two
shapes most commands take: one stream decided at the current time, or a disruption recorded and then
repaired in the same transaction (and the first with a candidate's facts)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol, TypeVar

from jobdating.contracts.envelope import Event
from jobdating.eventstore.base import StoredEvent
from jobdating.runtime.clock import Clock
from jobdating.runtime.commands import Aggregate, CommandBus, Meta, UnitOfWork
from jobdating.scheduling.application import queries_facts as known
from jobdating.scheduling.application.planning import Planner
from jobdating.scheduling.application.repairs import RepairReport, Repairs
from jobdating.scheduling.domain.disruptions import DisruptionsFor
from jobdating.scheduling.domain.facts import CandidateFacts
from jobdating.scheduling.domain.permissions import Actor


class AboutCandidate(Protocol):
    @property
    def candidate_id(self) -> str: ...


C = TypeVar("C")
K = TypeVar("K", bound=AboutCandidate)
S = TypeVar("S")


@dataclass(eq=False)
class Handling:
    """The parts scheduling's handlers share; the handlers of each role add their commands to it."""

    bus: CommandBus
    planner: Planner
    repairs: Repairs
    video_links: Callable[[], str]
    log: Any = None
    clock: Clock = field(init=False)
    ids: Callable[[], str] = field(init=False)

    def __post_init__(self) -> None:
        self.clock = self.bus.clock
        self.ids = self.bus.ids

    def decide_now(
        self,
        aggregate: Aggregate[S],
        stream_id: str,
        decision: Callable[[C, S, Actor, datetime], Sequence[Event]],
        command: C,
        actor: Actor,
        meta: Meta,
    ) -> list[StoredEvent]:
        """A command that only needs its own stream's state and the time (read again on a retry)."""
        return self.bus.execute(
            aggregate, stream_id, lambda state: decision(command, state, actor, self.clock.now()), meta
        )

    def decide_with_candidate(
        self,
        aggregate: Aggregate[S],
        stream_id: str,
        decision: Callable[[K, S, Actor, CandidateFacts | None, datetime], Sequence[Event]],
        command: K,
        actor: Actor,
        meta: Meta,
    ) -> list[StoredEvent]:
        """A command that needs its own stream's state, its candidate's facts (None when unknown) and the
        time."""

        def work(w: UnitOfWork) -> list[StoredEvent]:
            state = w.fold(aggregate, stream_id)
            candidate = known.candidate(known.in_tx(w.tx), command.candidate_id)
            return w.append(stream_id, decision(command, state, actor, candidate, self.clock.now()), meta)

        return self.bus.run(work)

    def record_then_repair(
        self,
        w: UnitOfWork,
        recorded: tuple[str, Sequence[Event]],
        meta: Meta,
        job_dating_id: str,
        disruptions: DisruptionsFor,
        now: datetime,
    ) -> RepairReport:
        """Append a disruption's events (`recorded`: its stream and events), then repair the published plan
        in the same transaction, the repair caused by the disruption."""
        stream_id, events = recorded
        stored = w.append(stream_id, events, meta)
        return self.repairs.run(w, job_dating_id, disruptions, now, caused_by(meta, stored))


def caused_by(meta: Meta, stored: list[StoredEvent]) -> Meta:
    """The repair's events are caused by the disruption's event, in the same conversation."""
    if not stored:
        return meta
    return Meta(
        org=meta.org,
        actor_id=meta.actor_id,
        correlation_id=meta.correlation_id,
        causation_id=stored[-1].event_id,
    )
