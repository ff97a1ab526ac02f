"""Repairing a published plan on the day, in the transaction of what disrupted it.

The planning core's `repair` finds the fewest changes (no interview that began moves, an interview the
disruption leaves possible stays, freed capacity goes to the site's waiting list); its checker proves the
changed interviews keep every rule; `domain.changes` turns the diff into the slots' events. Nothing else
is written: only the people whose slot changed hear about it. Capacity that comes back (a computer back in
service or added) changes no slot: its `refill` only gives new ones to the site's waiting list; a late
candidate's `give_back` only gives them back the interviews their no-show cancelled; a candidate who
joined after publication is only booked where capacity is free (`book_newcomer`). Second interviews, which
the planner does not see, are repaired after it, around its repaired plan: they follow a candidate who
changes site (`second_follow`), leave a closed site or a broken computer, and go with a company or a
candidate who leaves (`second_disrupted`); the time the ones cancelled or moved held goes to the waiting
lists last (`refill_freed`), with their candidates' and computers' availability given back. A reopened
site gives back those its closing cancelled (`second_back`), in a run of their own before its free slots
go to the waiting list. A pair whose interview the coordination cancelled by hand is never booked again by
a repair.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from dataclasses import KW_ONLY, asdict, dataclass
from datetime import datetime, timedelta
from typing import Any

import msgspec

from jobdating.contracts.folds import opened
from jobdating.contracts.scheduling import SlotCancelled, SlotMoved
from jobdating.runtime.commands import Meta, UnitOfWork
from jobdating.scheduling.application import queries_facts as known
from jobdating.scheduling.application import queries_slots as read_model
from jobdating.scheduling.application import queries_waiting
from jobdating.scheduling.application.aggregates import JOB_DATINGS
from jobdating.scheduling.domain.calendar import Calendar
from jobdating.scheduling.domain.changes import (
    RepairRefused,
    interview_of,
    keep_recruiters_for_second_interviews,
    repair_writes,
)
from jobdating.scheduling.domain.disruptions import DisruptionsFor, Step
from jobdating.scheduling.domain.evolve import evolve_slot
from jobdating.scheduling.domain.instance import build_instance
from jobdating.scheduling.domain.plans import Write
from jobdating.scheduling.domain.second_back import SecondsBack, give_seconds_back
from jobdating.scheduling.domain.second_disrupted import (
    PartyLeft,
    of_party_left,
    seconds_disrupted,
    time_freed,
)
from jobdating.scheduling.domain.second_follow import follow_candidate, seconds_judged
from jobdating.scheduling.domain.second_interviews import DAYS_AFTER
from jobdating.scheduling.domain.state import SlotState
from jobdating.scheduling.planning.capacity import (
    CandidateBack,
    CapacityBack,
    ComputerBack,
    TimeFreed,
    bring_back,
    give_back,
    refill,
    refill_all,
    refill_freed,
)
from jobdating.scheduling.planning.check import check
from jobdating.scheduling.planning.disruption import (
    CandidateChanged,
    ComputerBroke,
    SiteClosed,
    apply_disruption,
)
from jobdating.scheduling.planning.joining import CandidateJoined, book_newcomer
from jobdating.scheduling.planning.model import Instance, Interview, Moment, Pair, Plan
from jobdating.scheduling.planning.repair import Repair, apply_repair, repair


@dataclass(frozen=True)
class RepairReport:
    """What a repair changed in one job dating; `moved_aside`: interviews the disruption did not touch,
    moved to make room for one it did (a chain), which would have been cancelled otherwise."""

    job_dating_id: str
    cancelled: int = 0
    moved: int = 0
    assigned: int = 0
    moved_aside: int = 0


@dataclass(eq=False)
class Repairs:
    """Runs the planning core's repair on published job datings and records its changes."""

    ids: Callable[[], str]
    video_links: Callable[[], str]
    _: KW_ONLY
    lead_minutes: int = 0
    log: Any = None

    def run(
        self, w: UnitOfWork, job_dating_id: str, disruptions: DisruptionsFor, now: datetime, meta: Meta
    ) -> RepairReport:
        """Repair one job dating's published plan in `w`'s transaction; nothing happens before publication."""
        job_dating = w.fold(JOB_DATINGS, job_dating_id)
        if not job_dating.published:
            return RepairReport(job_dating_id=job_dating_id)
        read = known.in_tx(w.tx)
        active = read_model.active_slots(read, job_dating_id)
        facts = known.facts_for(read, job_dating.site_ids)
        seconds = [s for s in active if s.kind == "second_interview"]
        elsewhere = read_model.active_slots_elsewhere(read, job_dating_id, job_dating.days)
        absent = read_model.absent(read, job_dating_id)
        waiting = queries_waiting.waiting_order(read, job_dating_id)
        # The plan holds the interviews to come only: a candidate and a company who already met this
        # morning must not be booked together again when a freed slot is given out, nor a pair whose
        # interview the coordination cancelled by hand (unless it pinned them: the pin still stands).
        pinned = {(p.candidate_id, p.company_id) for p in job_dating.pins}
        met = tuple(
            Pair(candidate_id=c, company_id=k)
            for c, k in [
                *read_model.held_pairs(read, job_dating_id),
                *read_model.cancelled_by_hand(read, job_dating_id),
            ]
            if (c, k) not in pinned
        )

        def built(seconds: list[SlotState]) -> Instance:
            instance = build_instance(
                job_dating,
                facts,
                absent=absent,
                second_interviews=seconds,
                elsewhere=elsewhere,
                waiting=waiting,
            )
            return msgspec.structs.replace(instance, forbids=instance.forbids + met)

        instance = built(seconds)
        cal = Calendar(job_dating)
        by_pair: dict[tuple[str, str], SlotState] = {}
        interviews: list[Interview] = []
        for slot in active:
            interview = interview_of(slot, cal)
            if interview is not None:
                by_pair[interview.pair] = slot
                interviews.append(interview)
        plan = Plan(interviews=tuple(interviews))
        moment = cal.moment(now, round_up=True)
        recruiters = {c.id: c.recruiters for c in instance.companies}
        candidates = {c.candidate_id: c for c in facts.candidates}
        companies = {c.company_id: c for c in facts.companies}
        # The read model, kept in the same transaction as the slots' streams, knows their versions.
        w.expect({s.slot_id: s.version for s in active})
        writes: list[Write] = []
        given: list[Interview] = []
        report = RepairReport(job_dating_id=job_dating_id)
        freed: list[TimeFreed] = []
        taken: set[str] = set()  # the computers second interviews this repair moves are on now

        def seconds_changed(changes: list[Write]) -> None:
            """Second interviews `changes` cancel leave the repair's view, those they move take their new
            place; the time either held before is freed."""
            changed = {c.stream_id: c.event for c in changes}
            for i, s in enumerate(seconds):
                event = changed.get(s.slot_id)
                if event is None:
                    continue
                if (f := time_freed(s, cal)) is not None:
                    freed.append(f)
                seconds[i] = evolve_slot(s, event)
                if isinstance(event, SlotMoved) and event.computer_id is not None:
                    taken.add(event.computer_id)
            seconds[:] = [s for s in seconds if s.active]

        def changes() -> Iterator[Step | list[TimeFreed]]:
            for change in disruptions(cal, moment, instance):
                if isinstance(change, TimeFreed):
                    freed.append(change)  # cancelled already (by hand): given out with the others
                else:
                    yield change
            if freed:
                # Last, once every second interview this repair cancels is known: the time they held
                # goes to the waiting lists as a computer back's slots do.
                yield freed

        for change in changes():
            if isinstance(change, PartyLeft):
                # Their second interviews, which the planner does not see: cancelled, their time freed.
                gone = of_party_left(change, seconds, now)
                writes += gone
                report = _counted(report, gone)
                seconds_changed(gone)
                continue
            if isinstance(change, SecondsBack):
                # Judged as a proposal is: against the other job datings up to the days after this one.
                last = max(job_dating.days, default=now.date()) + timedelta(days=DAYS_AFTER)
                around = read_model.active_slots_elsewhere(read, job_dating_id, (*job_dating.days, last))
                seconds_back = give_seconds_back(
                    change,
                    read_model.slots(read, job_dating_id),
                    seconds_judged(job_dating, facts),
                    [*by_pair.values(), *seconds, *_as_slots(given, cal), *around],
                    now,
                    iter(self.ids, None),
                    iter(self.video_links, None),
                )
                writes += seconds_back.writes
                report = dataclasses.replace(report, assigned=report.assigned + len(seconds_back.writes))
                if self.log is not None:
                    for left in seconds_back.not_given_back:
                        self.log.info(
                            "second_interview_not_given_back",
                            job_dating_id=job_dating_id,
                            slot_id=left.slot_id,
                            reason=left.reason,
                            causation_id=meta.causation_id,
                        )
                continue
            if isinstance(change, list):
                instance = _time_back(instance, built(seconds), change, taken)
                diff = refill_freed(instance, plan, change, moment, lead=self.lead_minutes)
            elif isinstance(change, ComputerBack):
                instance = bring_back(instance, change)
                diff = refill(instance, plan, change.computer_id, moment, lead=self.lead_minutes)
            elif isinstance(change, CapacityBack):
                for back in change.computers:
                    instance = bring_back(instance, back)
                computer_ids = [back.computer_id for back in change.computers]
                diff = refill_all(instance, plan, computer_ids, moment, lead=self.lead_minutes)
            elif isinstance(change, CandidateBack):
                diff = give_back(instance, plan, change, moment, lead=self.lead_minutes)
            elif isinstance(change, CandidateJoined):
                diff = book_newcomer(instance, plan, change, moment, lead=self.lead_minutes)
            else:
                diff = repair(instance, plan, change, moment, lead=self.lead_minutes)
                instance = apply_disruption(instance, change, moment)
            diff = keep_recruiters_for_second_interviews(diff, [*by_pair.values(), *seconds], recruiters, cal)
            repaired = apply_repair(plan, diff)
            _refuse_new_violations(instance, repaired, diff, moment)
            writes += repair_writes(
                job_dating_id,
                diff,
                by_pair,
                cal,
                now,
                candidates,
                companies,
                iter(self.ids, None),
                iter(self.video_links, None),
                from_waiting_list=not isinstance(change, CandidateBack | CandidateJoined),
            )
            _follow(by_pair, diff, cal)
            given += diff.assigned
            plan = repaired
            aside = sum(1 for m in diff.moved if m.making_room_for is not None)
            report = RepairReport(
                job_dating_id=job_dating_id,
                cancelled=report.cancelled + len(diff.cancelled),
                moved=report.moved + len(diff.moved) - aside,
                assigned=report.assigned + len(diff.assigned),
                moved_aside=report.moved_aside + aside,
            )
            if isinstance(change, CandidateChanged) and change.candidate is not None:
                # Their second interviews on a site computer follow them, around the repaired plan.
                follows = follow_candidate(
                    seconds,
                    change.candidate_id,
                    change.candidate.site_id,
                    seconds_judged(job_dating, facts),
                    [*by_pair.values(), *seconds, *_as_slots(given, cal), *elsewhere],
                    now,
                )
                writes += follows
                seconds_changed(follows)
                report = dataclasses.replace(report, moved=report.moved + len(follows))
            elif isinstance(change, ComputerBroke | SiteClosed):
                # Its second interviews on that site or computer, around the repaired plan.
                disrupted = seconds_disrupted(
                    change,
                    seconds,
                    facts,
                    seconds_judged(job_dating, facts),
                    [*by_pair.values(), *seconds, *_as_slots(given, cal), *elsewhere],
                    now,
                )
                writes += disrupted
                report = _counted(report, disrupted)
                seconds_changed(disrupted)
        stored = w.append_many(writes, meta)
        if self.log is not None and stored:
            self.log.info("plan_repaired", **asdict(report), causation_id=meta.causation_id)
        return report


def _time_back(instance: Instance, rebuilt: Instance, freed: list[TimeFreed], taken: set[str]) -> Instance:
    """`instance` with the candidates and computers of the freed time, and the computers `taken` by the
    second interviews moved, as `rebuilt` has them (built with the second interviews where they are now):
    their availability back or taken, nothing else of the repair undone."""
    people = {f.candidate_id for f in freed}
    computers = {f.computer_id for f in freed} | taken
    again = {c.id: c for c in rebuilt.candidates if c.id in people}
    working = {p.id: p for p in rebuilt.computers if p.id in computers}
    return msgspec.structs.replace(
        instance,
        candidates=tuple(again.get(c.id, c) for c in instance.candidates),
        computers=tuple(working.get(p.id, p) for p in instance.computers),
    )


def _counted(report: RepairReport, writes: list[Write]) -> RepairReport:
    """The report with the second interviews `writes` cancel or move."""
    cancelled = sum(1 for w in writes if isinstance(w.event, SlotCancelled))
    return dataclasses.replace(
        report, cancelled=report.cancelled + cancelled, moved=report.moved + len(writes) - cancelled
    )


def _as_slots(interviews: list[Interview], cal: Calendar) -> list[SlotState]:
    """Interviews a repair gives from the waiting list, as the active slots they will be: each as the
    calendar places it (who, where, when in UTC), opened as a slot is."""
    return [opened(SlotState, cal.planned(i, None), status="assigned") for i in interviews]


def _refuse_new_violations(instance: Instance, plan: Plan, diff: Repair, now: Moment) -> None:
    """A repair never breaks a rule with what it changes (older troubles, e.g. a pin the disruption made
    impossible, are reported by the checker but are not the repair's doing)."""
    changed = {m.after for m in diff.moved} | set(diff.assigned)
    if not changed:
        return
    bad = [
        v for v in check(instance, plan, now=now) if v.rule != "pin_missing" and changed & set(v.interviews)
    ]
    if bad:
        raise RepairRefused("; ".join(f"{v.rule}: {v.detail}" for v in bad))


def _follow(by_pair: dict[tuple[str, str], SlotState], diff: Repair, cal: Calendar) -> None:
    """Keep the active slots by pair in step with a diff, for the next disruption of the same repair."""
    for c in diff.cancelled:
        by_pair.pop(c.interview.pair, None)
    for m in diff.moved:
        slot = by_pair[m.before.pair]
        starts_at, ends_at = cal.interview_times(m.after)
        by_pair[m.after.pair] = msgspec.structs.replace(
            slot,
            computer_id=m.after.computer_id,
            starts_at=starts_at,
            ends_at=ends_at,
            version=slot.version + 1,
        )
    # Slots given from the waiting list are new streams: a later step of the same repair leaves them be.
