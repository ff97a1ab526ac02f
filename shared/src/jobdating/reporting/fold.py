"""The report's projection: a fold of the stream's events into a `ReportState`.

`evolve(state, event)` folds one recorded event (no I/O, no clock: it updates the state it is given, which
belongs to the fold, and returns it); `sections.compute` turns the state into the figures.

`--as-of` keeps the events whose envelope `occurred_at` (when the fact happened, by the clock of the service
that decided it) is at or before the instant: the stream interleaves services and organisations, so events
after the instant are skipped, not taken as the end of the replay.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from zoneinfo import ZoneInfo

from jobdating.contracts import identity as i
from jobdating.contracts import registration as r
from jobdating.contracts import scheduling as sc
from jobdating.contracts import sites as s
from jobdating.contracts.envelope import RecordedEvent
from jobdating.runtime.placements import Placement

DEFAULT_TIMEZONE = "Europe/Paris"


@dataclass
class Candidate:
    referring_org: str
    site_id: str
    withdrew: bool = False


@dataclass
class Computer:
    site_id: str
    label: str
    lending_org: str


@dataclass
class JobDating:
    title: str
    days: tuple[date, ...]
    site_windows: tuple[sc.SiteWindow, ...]
    breaks: tuple[sc.Break, ...]
    timezone: str


@dataclass(frozen=True)
class Slot(Placement):
    job_dating_id: str
    kind: str
    cancelled_at: datetime | None = None
    outcome: str | None = None


@dataclass
class Workshop:
    job_dating_id: str
    site_id: str
    coaches: tuple[tuple[str, str], ...]  # (coach id, org)


@dataclass
class Breakdown:
    """A computer out of order from `since` until `until` (None: not back in service)."""

    since: datetime
    reason: str
    until: datetime | None = None


@dataclass
class ReportState:
    """Everything the figures need, folded from the stream."""

    as_of: datetime | None = None
    counted: int = 0
    later: int = 0
    candidates: dict[str, Candidate] = field(default_factory=dict)
    companies: dict[str, str] = field(default_factory=dict)
    sites: dict[str, s.SiteOpened] = field(default_factory=dict)
    computers: dict[str, Computer] = field(default_factory=dict)
    job_datings: dict[str, JobDating] = field(default_factory=dict)
    slots: dict[str, Slot] = field(default_factory=dict)
    checked_in: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    marked_no_show: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    workshops: dict[str, Workshop] = field(default_factory=dict)
    organisations: dict[str, str] = field(default_factory=dict)  # id -> the name identity registered
    out_of_order: dict[str, list[Breakdown]] = field(default_factory=lambda: defaultdict(list))


def evolve(state: ReportState, event: RecordedEvent) -> ReportState:
    """Fold one event; events after `state.as_of` (by `occurred_at`) are counted as later and skipped."""
    if state.as_of is not None and event.envelope.occurred_at > state.as_of:
        state.later += 1
        return state
    state.counted += 1
    data = event.data
    if isinstance(data, r.CandidateRegistered | r.CandidateRegisteredV1):
        state.candidates[data.candidate_id] = Candidate(data.profile.referring_org, data.profile.site_id)
    elif isinstance(data, r.CandidateUpdated):
        known = state.candidates.get(data.candidate_id)
        if known is not None and data.profile is not None:
            known.referring_org = data.profile.referring_org
            known.site_id = data.profile.site_id
    elif isinstance(data, r.CandidateWithdrew):
        if data.candidate_id in state.candidates:
            state.candidates[data.candidate_id].withdrew = True
    elif isinstance(data, r.CompanyRegistered):
        state.companies[data.company_id] = data.profile.name
    elif isinstance(data, r.CompanyUpdated):
        if data.profile is not None:
            state.companies[data.company_id] = data.profile.name
    elif isinstance(data, s.SiteOpened):
        state.sites[data.site_id] = data
    elif isinstance(data, s.ComputerAdded):
        state.computers[data.computer_id] = Computer(data.site_id, data.label, data.lending_org)
    elif isinstance(data, s.ComputerOutOfOrder):
        state.out_of_order[data.computer_id].append(Breakdown(event.envelope.occurred_at, data.reason))
    elif isinstance(data, s.ComputerBackInService | s.ComputerRemoved):
        broken = state.out_of_order.get(data.computer_id)
        if broken and broken[-1].until is None:
            broken[-1].until = event.envelope.occurred_at
    elif isinstance(data, i.OrganisationRegistered):
        state.organisations[data.organisation_id] = data.name
    elif isinstance(data, sc.JobDatingPlanned):
        state.job_datings[data.job_dating_id] = JobDating(
            data.title, data.days, data.site_windows, data.breaks, data.timezone
        )
    else:
        _evolve_day(state, event)
    return state


def _evolve_day(state: ReportState, event: RecordedEvent) -> None:
    data = event.data
    if isinstance(data, sc.SlotAssigned):
        state.slots[data.slot_id] = Slot(
            data.candidate_id,
            data.company_id,
            data.site_id,
            data.computer_id,
            data.starts_at,
            data.ends_at,
            data.job_dating_id,
            data.kind,
        )
    elif isinstance(data, sc.SlotMoved):
        slot = state.slots.get(data.slot_id)
        if slot is not None:
            state.slots[data.slot_id] = replace(
                slot,
                site_id=data.site_id,
                computer_id=data.computer_id,
                starts_at=data.starts_at,
                ends_at=data.ends_at,
            )
    elif isinstance(data, sc.SlotCancelled):
        slot = state.slots.get(data.slot_id)
        if slot is not None and slot.cancelled_at is None:
            state.slots[data.slot_id] = replace(slot, cancelled_at=event.envelope.occurred_at)
    elif isinstance(data, sc.InterviewCompleted):
        slot = state.slots.get(data.slot_id)
        if slot is not None:
            state.slots[data.slot_id] = replace(slot, outcome=data.outcome)
    elif isinstance(data, sc.CandidateCheckedIn | sc.CandidateArrivedLate):
        state.checked_in[data.job_dating_id].add(data.candidate_id)
    elif isinstance(data, sc.CandidateMarkedNoShow):
        state.marked_no_show[data.job_dating_id].add(data.candidate_id)
    elif isinstance(data, sc.WorkshopScheduled):
        state.workshops[data.workshop_id] = Workshop(
            data.job_dating_id, data.site_id, tuple(zip(data.coach_ids, data.coach_orgs, strict=True))
        )


def fold(events: Iterable[RecordedEvent], state: ReportState) -> ReportState:
    for event in events:
        state = evolve(state, event)
    return state


def timezone_of(state: ReportState, job_dating_id: str) -> ZoneInfo:
    """A job dating's time zone (Paris when its plan is not known)."""
    planned = state.job_datings.get(job_dating_id)
    return ZoneInfo(planned.timezone if planned else DEFAULT_TIMEZONE)
