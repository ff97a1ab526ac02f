"""The coordinator's changes by hand on a published plan: add, move or cancel one interview.

Each is one unit of work: the published plan is read as a repair reads it (same read model, same
instance, every active slot's version expected, so a concurrent change makes it run again), the domain
decides (`domain/manual.py`, the planner's checker as judge; a second interview, which may lie outside
the job dating's days, by its booking's own rule in `domain/manual_second.py`), then the job dating's
`InterviewChangedByHand` is appended and the slot's event after it, caused by it. Notifications hear the
slot's event as they hear a repair's: the people concerned are told once. The time a cancelled second
interview held goes to the waiting lists in the same transaction, as the time a repair frees does.
"""

from __future__ import annotations

from jobdating.eventstore.base import StoredEvent
from jobdating.runtime.commands import Meta, UnitOfWork
from jobdating.scheduling.application import queries_facts as known
from jobdating.scheduling.application import queries_slots as read_model
from jobdating.scheduling.application.aggregates import JOB_DATINGS, SLOTS
from jobdating.scheduling.application.handlers_second import around_second
from jobdating.scheduling.application.handling import Handling, caused_by
from jobdating.scheduling.domain import disruptions, manual
from jobdating.scheduling.domain.errors import Conflict
from jobdating.scheduling.domain.manual_places import PublishedPlan, published_plan
from jobdating.scheduling.domain.manual_second import move_second_interview
from jobdating.scheduling.domain.permissions import Actor, must_coordinate
from jobdating.scheduling.domain.state import SlotState


class ManualHandlers(Handling):
    """Changes by hand, for the coordination only."""

    def add_interview(self, command: manual.AddInterview, actor: Actor, meta: Meta) -> manual.HandChange:
        def work(w: UnitOfWork) -> manual.HandChange:
            plan = self._published(w, command.job_dating_id, actor)
            change = manual.add_interview(command, plan, actor, self.video_links())
            return _record(w, change, meta)

        return self.bus.run(work)

    def move_interview(self, command: manual.MoveInterview, actor: Actor, meta: Meta) -> manual.HandChange:
        def work(w: UnitOfWork) -> manual.HandChange:
            slot = w.fold(SLOTS, command.slot_id)
            if slot.kind == "second_interview":
                return _record(w, self._second_moved(w, command, slot, actor), meta)
            plan = self._published(w, slot.job_dating_id, actor)
            return _record(w, manual.move_interview(command, slot, plan, actor), meta)

        return self.bus.run(work)

    def _second_moved(
        self, w: UnitOfWork, command: manual.MoveInterview, slot: SlotState, actor: Actor
    ) -> manual.HandChange:
        """A second interview moved by its own rule (`domain/manual_second.py`), read as its booking reads."""
        must_coordinate(actor, "slot_id")  # before anything is read for someone who may not
        job_dating = w.fold(JOB_DATINGS, slot.job_dating_id)
        read = known.in_tx(w.tx)
        company = known.company(read, slot.company_id)
        if company is None or not company.active:
            raise Conflict.on("slot_id", "cette entreprise ne participe plus")
        until = (command.starts_at or slot.starts_at or self.clock.now()).date()
        around = around_second(read, job_dating, slot, company, until)
        # A concurrent change to the interviews it is judged against makes this run again.
        w.expect({s.slot_id: s.version for s in around.active if s.slot_id != slot.slot_id})
        return move_second_interview(command, slot, around, actor, self.clock.now())

    def cancel_interview(
        self, command: manual.CancelInterview, actor: Actor, meta: Meta
    ) -> manual.HandChange:
        def work(w: UnitOfWork) -> manual.HandChange:
            slot = w.fold(SLOTS, command.slot_id)
            plan = self._published(w, slot.job_dating_id, actor)
            change = manual.cancel_interview(command, slot, plan, actor)
            stored = _stored(w, change, meta)
            if slot.kind == "second_interview":
                # The time it held goes to the waiting lists, as a repair gives what it frees.
                freed = disruptions.second_cancelled(slot)
                self.repairs.run(w, slot.job_dating_id, freed, self.clock.now(), caused_by(meta, stored))
            return change

        return self.bus.run(work)

    def _published(self, w: UnitOfWork, job_dating_id: str, actor: Actor) -> PublishedPlan:
        """The job dating's published plan now, read as a repair reads it."""
        must_coordinate(actor, "job_dating_id")  # before anything is read for someone who may not
        job_dating = w.fold(JOB_DATINGS, job_dating_id)
        read = known.in_tx(w.tx)
        active = read_model.active_slots(read, job_dating_id) if job_dating.published else []
        # The read model, kept in the same transaction as the slots' streams, knows their versions.
        w.expect({s.slot_id: s.version for s in active})
        return published_plan(
            job_dating,
            known.facts_for(read, job_dating.site_ids),
            active,
            self.clock.now(),
            absent=read_model.absent(read, job_dating_id),
            elsewhere=read_model.active_slots_elsewhere(read, job_dating_id, job_dating.days),
        )


def _record(w: UnitOfWork, change: manual.HandChange, meta: Meta) -> manual.HandChange:
    """The job dating's event, then the slot's, caused by it."""
    _stored(w, change, meta)
    return change


def _stored(w: UnitOfWork, change: manual.HandChange, meta: Meta) -> list[StoredEvent]:
    """`_record`'s work; the slot's event as stored."""
    stored = w.append(change.recorded.job_dating_id, [change.recorded], meta)
    return w.append(change.recorded.slot_id, [change.slot_event], caused_by(meta, stored))
