"""Questions asked of scheduling's tables: job datings, plans (provisional or published) per site, computer,
company or candidate, slots, the changes made on the day, attendance and workshops."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Literal
from zoneinfo import ZoneInfo

import msgspec

from jobdating.contracts.envelope import decode_envelope
from jobdating.contracts.registry import EventRegistry
from jobdating.eventstore.base import EventStore
from jobdating.runtime.clock import Clock
from jobdating.scheduling.application import queries_facts as known
from jobdating.scheduling.application import queries_plans as provisional
from jobdating.scheduling.application import queries_slots as read_model
from jobdating.scheduling.application.aggregates import JOB_DATINGS
from jobdating.scheduling.application.instants import from_ts, maybe_ts
from jobdating.scheduling.domain.errors import NotFound
from jobdating.scheduling.domain.instance import build_instance, fingerprint
from jobdating.scheduling.domain.state import JobDatingState

GroupBy = Literal["site", "computer", "company", "candidate"]
PlanKind = Literal["published", "provisional"]


@dataclass(frozen=True)
class InterviewView:
    """One interview, with its local times as people read them at the site."""

    candidate_id: str
    company_id: str
    site_id: str
    computer_id: str | None
    starts_at: datetime
    ends_at: datetime
    day: date
    local_start: str
    local_end: str
    status: str
    kind: str = "interview"
    wish_rank: int | None = None
    slot_id: str | None = None
    video_link: str | None = None
    from_waiting_list: bool = False
    cancel_reason: str | None = None
    outcome: str | None = None
    version: int | None = None


@dataclass(frozen=True)
class Group:
    """The interviews of one site, computer, company or candidate, by time."""

    key: str
    interviews: list[InterviewView]


@dataclass(frozen=True)
class PlanSummary:
    """A plan and the solver's own verdict on it: `bound` (on the objective) and `gap` from the solver,
    `interview_bound` the max-flow upper bound on the number of interviews."""

    kind: PlanKind
    plan_id: str
    computed_at: datetime
    engine: str
    status: str
    objective: int
    bound: int | None
    gap: float | None
    interview_bound: int
    interviews: int
    candidates_served: int
    fewest_interviews: int
    seconds: float
    reasons: list[str]
    stale: bool = False


@dataclass(frozen=True)
class PlanView:
    """A plan grouped for reading."""

    job_dating_id: str
    title: str
    timezone: str
    by: GroupBy
    summary: PlanSummary
    groups: list[Group]
    names: dict[str, str]


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


@dataclass(frozen=True)
class ChangeView:
    """A change to a slot, in log order: assigned, moved, cancelled, completed, with its reason."""

    slot_id: str
    change: str
    reason: str | None
    detail: dict[str, Any]
    at: datetime
    event_id: str
    causation_id: str | None


@dataclass(frozen=True)
class AttendanceView:
    candidate_id: str
    site_id: str
    checked_in_at: datetime | None
    no_show: bool


@dataclass(frozen=True)
class WorkshopView:
    """A workshop session, its seats and (once recorded) who came."""

    workshop_id: str
    job_dating_id: str
    site_id: str
    room_id: str
    starts_at: datetime
    ends_at: datetime
    capacity: int
    coach_ids: list[str]
    coach_orgs: list[str]
    enrolled: list[str]
    attendance_recorded: bool
    present: list[str] = field(default_factory=list)
    absent: list[str] = field(default_factory=list)


_strings = msgspec.json.Decoder(list[str])
_detail = msgspec.json.Decoder(dict[str, Any])


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

    def plan(
        self,
        job_dating_id: str,
        by: GroupBy = "site",
        key: str | None = None,
        kind: PlanKind = "published",
        plan_id: str | None = None,
        include_cancelled: bool = False,
    ) -> PlanView:
        """A plan grouped by site, computer, company or candidate (only one group with `key`)."""
        state = self.state(job_dating_id)
        zone = ZoneInfo(state.timezone)
        if kind == "published":
            if state.published_plan_id is None:
                raise NotFound.on("job_dating_id", "aucun plan n'est encore publié pour ce job dating")
            plan = provisional.load(self.read, state.published_plan_id)
            interviews = [
                _slot_view(row, zone)
                for row in read_model.slot_rows(self.read, job_dating_id)
                if include_cancelled or row.state.status != "cancelled"
            ]
        else:
            wanted = plan_id or provisional.latest_id(self.read, job_dating_id)
            plan = provisional.load(self.read, wanted) if wanted is not None else None
            if plan is None or plan.job_dating_id != job_dating_id:
                raise NotFound.on("plan_id", "aucun plan provisoire de ce nom pour ce job dating")
            interviews = [
                InterviewView(
                    candidate_id=i.candidate_id,
                    company_id=i.company_id,
                    site_id=i.site_id,
                    computer_id=i.computer_id,
                    starts_at=i.starts_at,
                    ends_at=i.ends_at,
                    day=i.starts_at.astimezone(zone).date(),
                    local_start=i.starts_at.astimezone(zone).strftime("%H:%M"),
                    local_end=i.ends_at.astimezone(zone).strftime("%H:%M"),
                    status="provisional",
                    wish_rank=i.wish_rank,
                )
                for i in plan.interviews
            ]
        if plan is None:
            raise NotFound.on("plan_id", "plan introuvable")
        stale = False
        if kind == "provisional" and not state.published:
            facts = known.facts_for(self.read, state.site_ids)
            stale = fingerprint(build_instance(state, facts)) != plan.fingerprint
        live = [i for i in interviews if i.status != "cancelled"]
        per_candidate: dict[str, int] = {}
        for i in live:
            if i.kind == "interview":
                per_candidate[i.candidate_id] = per_candidate.get(i.candidate_id, 0) + 1
        summary = PlanSummary(
            kind=kind,
            plan_id=plan.plan_id,
            computed_at=plan.computed_at,
            engine=plan.engine,
            status=plan.status,
            objective=plan.objective,
            bound=plan.bound,
            gap=plan.gap,
            interview_bound=plan.interview_bound,
            interviews=sum(1 for i in live if i.kind == "interview"),
            candidates_served=len(per_candidate),
            fewest_interviews=min(per_candidate.values(), default=0),
            seconds=plan.seconds,
            reasons=list(plan.reasons),
            stale=stale,
        )
        groups = group(interviews, by, key)
        shown = {x for g in groups for i in g.interviews for x in (i.site_id, i.computer_id, i.company_id)}
        return PlanView(
            job_dating_id=job_dating_id,
            title=state.title,
            timezone=state.timezone,
            by=by,
            summary=summary,
            groups=groups,
            names={k: v for k, v in known.names(self.read).items() if k in shown},
        )

    def slot(self, slot_id: str) -> InterviewView:
        """One slot as it stands."""
        rows = read_model.slot_rows(self.read, slot_id=slot_id)
        if not rows:
            raise NotFound.on("slot_id", "entretien inconnu")
        state = self.state(rows[0].state.job_dating_id)
        return _slot_view(rows[0], ZoneInfo(state.timezone))

    def changes(self, job_dating_id: str, after: int = 0, limit: int = 500) -> list[ChangeView]:
        """Changes to the job dating's slots in log order (after a log position, for paging)."""
        self.state(job_dating_id)
        rows = self.read(
            "SELECT slot_id, change, reason, detail, at, event_id, causation_id FROM sched_slot_change "
            "WHERE job_dating_id = ? AND position > ? ORDER BY position LIMIT ?",
            (job_dating_id, after, limit),
        )
        return [
            ChangeView(
                slot_id=r[0],
                change=r[1],
                reason=r[2],
                detail=_detail.decode(r[3]),
                at=from_ts(r[4]),
                event_id=r[5],
                causation_id=r[6],
            )
            for r in rows
        ]

    def attendance(self, job_dating_id: str, site_id: str | None = None) -> list[AttendanceView]:
        """Who checked in or was marked absent."""
        self.state(job_dating_id)
        sql = (
            "SELECT candidate_id, site_id, checked_in_at, no_show FROM sched_attendance "
            "WHERE job_dating_id = ?"
        )
        params: list[Any] = [job_dating_id]
        if site_id is not None:
            sql += " AND site_id = ?"
            params.append(site_id)
        rows = self.read(sql + " ORDER BY site_id, candidate_id", params)
        return [AttendanceView(r[0], r[1], maybe_ts(r[2]), bool(r[3])) for r in rows]

    def workshops(self, job_dating_id: str | None = None) -> list[WorkshopView]:
        """Workshop sessions (of one job dating), by start."""
        sql = (
            "SELECT workshop_id, job_dating_id, site_id, room_id, starts_at, ends_at, capacity, coach_ids, "
            "coach_orgs, attendance_recorded FROM sched_workshop"
        )
        params: tuple[Any, ...] = ()
        if job_dating_id is not None:
            sql += " WHERE job_dating_id = ?"
            params = (job_dating_id,)
        return [self._workshop(r) for r in self.read(sql + " ORDER BY starts_at, workshop_id", params)]

    def workshop(self, workshop_id: str) -> WorkshopView:
        """One workshop session."""
        rows = self.read(
            "SELECT workshop_id, job_dating_id, site_id, room_id, starts_at, ends_at, capacity, coach_ids, "
            "coach_orgs, attendance_recorded FROM sched_workshop WHERE workshop_id = ?",
            (workshop_id,),
        )
        if not rows:
            raise NotFound.on("workshop_id", "atelier inconnu")
        return self._workshop(rows[0])

    def facts_counts(self) -> dict[str, int]:
        """How many candidates, companies, sites and computers scheduling has heard of."""
        tables = {"candidates": "sched_candidate", "companies": "sched_company", "sites": "sched_site"}
        counts = {name: int(self.read(f"SELECT COUNT(*) FROM {t}", ())[0][0]) for name, t in tables.items()}
        counts["computers"] = int(self.read("SELECT COUNT(*) FROM sched_computer", ())[0][0])
        return counts

    def _workshop(self, r: Any) -> WorkshopView:
        seats = self.read(
            "SELECT candidate_id, present FROM sched_workshop_seat WHERE workshop_id = ? ORDER BY "
            "candidate_id",
            (r[0],),
        )
        return WorkshopView(
            workshop_id=r[0],
            job_dating_id=r[1],
            site_id=r[2],
            room_id=r[3],
            starts_at=from_ts(r[4]),
            ends_at=from_ts(r[5]),
            capacity=int(r[6]),
            coach_ids=_strings.decode(r[7]),
            coach_orgs=_strings.decode(r[8]),
            enrolled=[s[0] for s in seats],
            attendance_recorded=bool(r[9]),
            present=[s[0] for s in seats if s[1] == 1],
            absent=[s[0] for s in seats if s[1] == 0],
        )


def group(interviews: Sequence[InterviewView], by: GroupBy, key: str | None = None) -> list[Group]:
    """Interviews grouped by site, computer, company or candidate, groups and interviews in order."""
    groups: dict[str, list[InterviewView]] = {}
    for i in interviews:
        k = {
            "site": i.site_id,
            "computer": i.computer_id or "-",
            "company": i.company_id,
            "candidate": i.candidate_id,
        }[by]
        if key is None or k == key:
            groups.setdefault(k, []).append(i)
    return [
        Group(key=k, interviews=sorted(v, key=lambda i: (i.starts_at, i.site_id, i.computer_id or "")))
        for k, v in sorted(groups.items())
    ]


def _slot_view(row: read_model.SlotRow, zone: ZoneInfo) -> InterviewView:
    s = row.state
    assert s.starts_at is not None
    assert s.ends_at is not None
    return InterviewView(
        candidate_id=s.candidate_id,
        company_id=s.company_id,
        site_id=s.site_id,
        computer_id=s.computer_id,
        starts_at=s.starts_at,
        ends_at=s.ends_at,
        day=s.starts_at.astimezone(zone).date(),
        local_start=s.starts_at.astimezone(zone).strftime("%H:%M"),
        local_end=s.ends_at.astimezone(zone).strftime("%H:%M"),
        status=s.status,
        kind=s.kind,
        wish_rank=s.wish_rank,
        slot_id=s.slot_id,
        video_link=row.video_link,
        from_waiting_list=row.from_waiting_list,
        cancel_reason=s.cancel_reason,
        outcome=s.outcome,
        version=s.version,
    )
