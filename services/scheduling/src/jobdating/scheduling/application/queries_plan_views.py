"""A plan as people read it: its interviews in local time, grouped by site, computer, company or candidate,
with the solver's verdict; the published plan read from the slots, a provisional one from its document."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import partial
from typing import Literal, TypedDict
from zoneinfo import ZoneInfo

from jobdating.runtime.placements import Placement
from jobdating.scheduling.application import queries_facts as known
from jobdating.scheduling.application import queries_plans as provisional
from jobdating.scheduling.application import queries_slots as read_model
from jobdating.scheduling.application.queries_facts import Reader
from jobdating.scheduling.domain.calendar import Booked
from jobdating.scheduling.domain.errors import NotFound
from jobdating.scheduling.domain.instance import build_instance, fingerprint
from jobdating.scheduling.domain.plans import PlannedInterview, ProvisionalPlan
from jobdating.scheduling.domain.state import JobDatingState

GroupBy = Literal["site", "computer", "company", "candidate"]
PlanKind = Literal["published", "provisional"]


@dataclass(frozen=True)
class InterviewView(Placement):
    """One interview, with its local times as people read them at the site."""

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
    place: str = "site"
    address: str | None = None


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


class PlanOptions(TypedDict, total=False):
    """Which plan to read and how: `plan_view`'s options, as the queries pass them on."""

    by: GroupBy
    key: str | None
    kind: PlanKind
    plan_id: str | None
    include_cancelled: bool


def plan_view(
    read: Reader,
    state: JobDatingState,
    by: GroupBy = "site",
    key: str | None = None,
    kind: PlanKind = "published",
    plan_id: str | None = None,
    include_cancelled: bool = False,
) -> PlanView:
    """A plan grouped by site, computer, company or candidate (only one group with `key`)."""
    job_dating_id = state.job_dating_id
    zone = ZoneInfo(state.timezone)
    if kind == "published":
        if state.published_plan_id is None:
            raise NotFound.on("job_dating_id", "aucun plan n'est encore publié pour ce job dating")
        plan = provisional.load(read, state.published_plan_id)
        interviews = [
            slot_view(row, zone)
            for row in read_model.slot_rows(read, job_dating_id)
            if include_cancelled or row.state.status != "cancelled"
        ]
    else:
        wanted = plan_id or provisional.latest_id(read, job_dating_id)
        plan = provisional.load(read, wanted) if wanted is not None else None
        if plan is None or plan.job_dating_id != job_dating_id:
            raise NotFound.on("plan_id", "aucun plan provisoire de ce nom pour ce job dating")
        interviews = [planned_view(i, zone) for i in plan.interviews]
    if plan is None:
        raise NotFound.on("plan_id", "plan introuvable")
    stale = False
    if kind == "provisional" and not state.published:
        facts = known.facts_for(read, state.site_ids)
        elsewhere = read_model.active_slots_elsewhere(read, job_dating_id, state.days)
        stale = fingerprint(build_instance(state, facts, elsewhere=elsewhere)) != plan.fingerprint
    summary = _summary(kind, plan, interviews, stale)
    groups = group(interviews, by, key)
    shown = {x for g in groups for i in g.interviews for x in (i.site_id, i.computer_id, i.company_id)}
    return PlanView(
        job_dating_id=job_dating_id,
        title=state.title,
        timezone=state.timezone,
        by=by,
        summary=summary,
        groups=groups,
        names={k: v for k, v in known.names(read).items() if k in shown},
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


def slot_view(row: read_model.SlotRow, zone: ZoneInfo) -> InterviewView:
    """A slot of the published plan as it stands."""
    s = row.state
    assert s.starts_at is not None
    assert s.ends_at is not None
    return _placed(s, s.computer_id, s.starts_at, s.ends_at, zone)(
        status=s.status,
        kind=s.kind,
        wish_rank=s.wish_rank,
        slot_id=s.slot_id,
        video_link=row.video_link,
        from_waiting_list=row.from_waiting_list,
        cancel_reason=s.cancel_reason,
        outcome=s.outcome,
        version=s.version,
        place=s.place,
        address=s.address,
    )


def planned_view(i: PlannedInterview, zone: ZoneInfo) -> InterviewView:
    """An interview of a provisional plan."""
    placed = _placed(i, i.computer_id, i.starts_at, i.ends_at, zone)
    return placed(status="provisional", wish_rank=i.wish_rank)


def _placed(
    booked: Booked, computer_id: str | None, starts_at: datetime, ends_at: datetime, zone: ZoneInfo
) -> partial[InterviewView]:
    """An interview's view once told who meets whom, where and when (with the local times as people read
    them at the site); what it says of the slot's state is still to give."""
    local_start, local_end = starts_at.astimezone(zone), ends_at.astimezone(zone)
    return partial(
        InterviewView,
        starts_at=starts_at,
        ends_at=ends_at,
        candidate_id=booked.candidate_id,
        company_id=booked.company_id,
        site_id=booked.site_id,
        computer_id=computer_id,
        day=local_start.date(),
        local_start=local_start.strftime("%H:%M"),
        local_end=local_end.strftime("%H:%M"),
    )


def _summary(
    kind: PlanKind, plan: ProvisionalPlan, interviews: Sequence[InterviewView], stale: bool
) -> PlanSummary:
    live = [i for i in interviews if i.status != "cancelled"]
    per_candidate: dict[str, int] = {}
    for i in live:
        if i.kind == "interview":
            per_candidate[i.candidate_id] = per_candidate.get(i.candidate_id, 0) + 1
    return PlanSummary(
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
