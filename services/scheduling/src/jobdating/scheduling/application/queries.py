"""Questions asked of scheduling's tables, in one place for the HTTP API and the export command: job datings
here, plans in `queries_plan_views`, what happened on the day in `queries_day`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Unpack
from zoneinfo import ZoneInfo

import msgspec

from jobdating.contracts.envelope import decode_envelope
from jobdating.contracts.registry import EventRegistry
from jobdating.eventstore.base import EventStore
from jobdating.runtime.clock import Clock
from jobdating.scheduling.application import queries_day as day
from jobdating.scheduling.application import queries_facts as known
from jobdating.scheduling.application import queries_plans as provisional
from jobdating.scheduling.application import queries_slots as read_model
from jobdating.scheduling.application.aggregates import JOB_DATINGS
from jobdating.scheduling.application.queries_day import (
    AttendanceView,
    ChangeView,
    InterviewNoteView,
    WorkshopView,
)
from jobdating.scheduling.application.queries_plan_views import (
    InterviewView,
    PlanOptions,
    PlanView,
    plan_view,
    slot_view,
)
from jobdating.scheduling.domain.errors import NotFound
from jobdating.scheduling.domain.state import JobDatingState


@dataclass(frozen=True)
class PairView:
    candidate_id: str
    company_id: str


@dataclass(frozen=True)
class JobDatingView:
    """A job dating, its rules, its adjustments and where its plan stands."""

    job_dating_id: str
    title: str
    days: list[date]
    timezone: str
    site_windows: list[dict[str, Any]]
    interview_minutes: int
    buffer_minutes: int
    breaks: list[dict[str, Any]]
    max_interviews_per_candidate: int
    freeze_at: datetime | None
    frozen: bool
    published_plan_id: str | None
    latest_plan_id: str | None
    pins: list[PairView]
    forbids: list[PairView]
    late_companies: list[dict[str, Any]]
    departed_companies: list[dict[str, Any]]


class SchedulingQueries:
    """Reads for the HTTP API and the export command."""

    def __init__(self, store: EventStore, registry: EventRegistry, clock: Clock) -> None:
        self.store = store
        self.registry = registry
        self.clock = clock
        self.read = known.on_store(store)

    def state(self, job_dating_id: str) -> JobDatingState:
        """A job dating's state, folded from its stream; 404 when unknown."""
        history = self.store.read_stream(job_dating_id)
        state = JOB_DATINGS.fold([self.registry.decode(decode_envelope(row.body)) for row in history])
        if not state.planned:
            raise NotFound.on("job_dating_id", "job dating inconnu")
        return state

    def job_datings(self) -> list[dict[str, Any]]:
        """Every job dating, most recent first."""
        rows = self.read(
            "SELECT job_dating_id, title, first_day, timezone, published_plan_id, frozen FROM "
            "sched_job_dating "
            "ORDER BY first_day DESC, job_dating_id",
            (),
        )
        return [
            {
                "job_dating_id": r[0],
                "title": r[1],
                "first_day": r[2],
                "timezone": r[3],
                "published": r[4] is not None,
                "frozen": bool(r[5]),
            }
            for r in rows
        ]

    def job_dating(self, job_dating_id: str) -> JobDatingView:
        """A job dating as the coordinator sees it."""
        s = self.state(job_dating_id)
        return JobDatingView(
            job_dating_id=s.job_dating_id,
            title=s.title,
            days=list(s.days),
            timezone=s.timezone,
            site_windows=[msgspec.to_builtins(w) for w in s.site_windows],
            interview_minutes=s.interview_minutes,
            buffer_minutes=s.buffer_minutes,
            breaks=[msgspec.to_builtins(b) for b in s.breaks],
            max_interviews_per_candidate=s.max_interviews_per_candidate,
            freeze_at=s.freeze_at,
            frozen=s.frozen_at(self.clock.now()),
            published_plan_id=s.published_plan_id,
            latest_plan_id=provisional.latest_id(self.read, job_dating_id),
            pins=[PairView(p.candidate_id, p.company_id) for p in s.pins],
            forbids=[PairView(p.candidate_id, p.company_id) for p in s.forbids],
            late_companies=[{"company_id": d.company_id, "arrives_at": d.arrives_at} for d in s.delays],
            departed_companies=[{"company_id": d.company_id, "at": d.at} for d in s.departures],
        )

    def plan(self, job_dating_id: str, **options: Unpack[PlanOptions]) -> PlanView:
        """A plan grouped by site, computer, company or candidate (see `plan_view`)."""
        return plan_view(self.read, self.state(job_dating_id), **options)

    def slot(self, slot_id: str) -> InterviewView:
        """One slot as it stands."""
        rows = read_model.slot_rows(self.read, slot_id=slot_id)
        if not rows:
            raise NotFound.on("slot_id", "entretien inconnu")
        state = self.state(rows[0].state.job_dating_id)
        return slot_view(rows[0], ZoneInfo(state.timezone))

    def changes(self, job_dating_id: str, after: int = 0, limit: int = 500) -> list[ChangeView]:
        """Changes to the job dating's slots in log order (after a log position, for paging)."""
        self.state(job_dating_id)
        return day.changes(self.read, job_dating_id, after, limit)

    def interview_notes(self, job_dating_id: str, author_org: str | None) -> list[InterviewNoteView]:
        """The notes on the job dating's interviews written for `author_org` (None: all of them)."""
        self.state(job_dating_id)
        return day.interview_notes(self.read, job_dating_id, author_org)

    def interview_note(self, note_id: str) -> InterviewNoteView:
        """One note on an interview."""
        return day.interview_note(self.read, note_id)

    def attendance(self, job_dating_id: str, site_id: str | None = None) -> list[AttendanceView]:
        """Who checked in or was marked absent."""
        self.state(job_dating_id)
        return day.attendance(self.read, job_dating_id, site_id)

    def workshops(self, job_dating_id: str | None = None) -> list[WorkshopView]:
        """Workshop sessions (of one job dating), by start."""
        return day.workshops(self.read, job_dating_id)

    def workshop(self, workshop_id: str) -> WorkshopView:
        """One workshop session."""
        return day.workshop(self.read, workshop_id)

    def facts_counts(self) -> dict[str, int]:
        """How many candidates, companies, sites and computers scheduling has heard of."""
        tables = {"candidates": "sched_candidate", "companies": "sched_company", "sites": "sched_site"}
        counts = {name: int(self.read(f"SELECT COUNT(*) FROM {t}", ())[0][0]) for name, t in tables.items()}
        counts["computers"] = int(self.read("SELECT COUNT(*) FROM sched_computer", ())[0][0])
        return counts
