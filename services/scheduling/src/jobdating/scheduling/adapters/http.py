"""The scheduling service's HTTP API: requests become commands or queries, refusals become 4xx with the
field and a reason in French, and nothing is stored.

Reads need a valid token; a recruiter (token `org` = their company's id) reads only their company's agenda
and slots. Writes are checked by the domain's permission rules (`domain/permissions.py`). A date-time
without an offset is read as local time at the sites (the job dating's time zone).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, FastAPI, Query, Request, status
from fastapi.responses import Response

from jobdating.contracts.scheduling import Break, SiteWindow
from jobdating.eventstore.base import ConcurrencyConflict
from jobdating.runtime.auth import Caller, Principal
from jobdating.runtime.commands import Meta
from jobdating.runtime.http import MAX_POSITION, FieldError, Refused
from jobdating.scheduling.adapters.schemas import (
    CheckInIn,
    ComputePlanIn,
    EnrolmentIn,
    JobDatingIn,
    LateIn,
    NoShowIn,
    OutcomeIn,
    PairingIn,
    PublishIn,
    ReasonIn,
    SecondInterviewIn,
    WorkshopAttendanceIn,
    WorkshopIn,
)
from jobdating.scheduling.application.handlers import SchedulingHandlers
from jobdating.scheduling.application.queries import JobDatingView, SchedulingQueries
from jobdating.scheduling.application.queries_day import AttendanceView, ChangeView, WorkshopView
from jobdating.scheduling.application.queries_plan_views import GroupBy, InterviewView, PlanView
from jobdating.scheduling.application.repairs import RepairReport
from jobdating.scheduling.domain.commands import (
    CheckIn,
    Coach,
    DelayCompany,
    EnrolInWorkshop,
    ForbidPairing,
    FreezeJobDating,
    MarkNoShow,
    PinPairing,
    PlanJobDating,
    PublishPlan,
    RecordCompanyLeft,
    RecordOutcome,
    RecordWorkshopAttendance,
    ReleasePairing,
    ScheduleSecondInterview,
    ScheduleWorkshop,
)
from jobdating.scheduling.domain.errors import Conflict, Forbidden, Invalid, NotFound, SchedulingRefusal
from jobdating.scheduling.domain.permissions import Actor, may_read_company, may_read_plans

MAX_CHANGES = 5000


def install(
    app: FastAPI,
    handlers: SchedulingHandlers,
    queries: SchedulingQueries,
    org: str,
    timezone: str,
    ids: Callable[[], str],
) -> None:
    """Add the scheduling routes and the translation of refusals to `app` (made by `create_app`)."""
    app.include_router(_router(handlers, queries, org, ZoneInfo(timezone), ids))
    app.add_exception_handler(SchedulingRefusal, _refusal)
    app.add_exception_handler(ConcurrencyConflict, _conflict)


def _router(
    handlers: SchedulingHandlers,
    queries: SchedulingQueries,
    org: str,
    default_zone: ZoneInfo,
    ids: Callable[[], str],
) -> APIRouter:
    router = APIRouter()

    def meta(request: Request, caller: Principal) -> Meta:
        return Meta(org=org, actor_id=caller.actor_id, correlation_id=request.state.correlation_id)

    def zone_of(job_dating_id: str) -> ZoneInfo:
        return ZoneInfo(queries.state(job_dating_id).timezone)

    # ---- job datings -------------------------------------------------------------------------------

    @router.post("/job-datings", status_code=status.HTTP_201_CREATED, tags=["job datings"])
    def plan_job_dating(body: JobDatingIn, request: Request, caller: Caller) -> JobDatingView:
        timezone = body.timezone or default_zone.key
        zone = _zone(timezone)
        command = PlanJobDating(
            job_dating_id=body.job_dating_id or ids(),
            title=body.title,
            days=tuple(body.days),
            site_windows=tuple(
                SiteWindow(site_id=w.site_id, day=w.day, start=w.start, end=w.end) for w in body.site_windows
            ),
            interview_minutes=body.interview_minutes,
            buffer_minutes=body.buffer_minutes,
            breaks=tuple(Break(day=b.day, start=b.start, end=b.end) for b in body.breaks),
            max_interviews_per_candidate=body.max_interviews_per_candidate,
            freeze_at=_local(body.freeze_at, zone) if body.freeze_at is not None else None,
            timezone=timezone,
        )
        handlers.plan_job_dating(command, _actor(caller), meta(request, caller))
        return queries.job_dating(command.job_dating_id)

    @router.get("/job-datings", tags=["job datings"])
    def list_job_datings(_: Caller) -> list[dict[str, Any]]:
        return queries.job_datings()

    @router.get("/job-datings/{job_dating_id}", tags=["job datings"])
    def get_job_dating(job_dating_id: str, _: Caller) -> JobDatingView:
        return queries.job_dating(job_dating_id)

    @router.post("/job-datings/{job_dating_id}/pins", tags=["adjustments"])
    def pin(job_dating_id: str, body: PairingIn, request: Request, caller: Caller) -> JobDatingView:
        command = PinPairing(
            job_dating_id=job_dating_id, candidate_id=body.candidate_id, company_id=body.company_id
        )
        handlers.pin(command, _actor(caller), meta(request, caller))
        return queries.job_dating(job_dating_id)

    @router.post("/job-datings/{job_dating_id}/forbids", tags=["adjustments"])
    def forbid(job_dating_id: str, body: PairingIn, request: Request, caller: Caller) -> JobDatingView:
        command = ForbidPairing(
            job_dating_id=job_dating_id, candidate_id=body.candidate_id, company_id=body.company_id
        )
        handlers.forbid(command, _actor(caller), meta(request, caller))
        return queries.job_dating(job_dating_id)

    @router.post("/job-datings/{job_dating_id}/releases", tags=["adjustments"])
    def release(job_dating_id: str, body: PairingIn, request: Request, caller: Caller) -> JobDatingView:
        command = ReleasePairing(
            job_dating_id=job_dating_id, candidate_id=body.candidate_id, company_id=body.company_id
        )
        handlers.release(command, _actor(caller), meta(request, caller))
        return queries.job_dating(job_dating_id)

    @router.post("/job-datings/{job_dating_id}/freeze", tags=["adjustments"])
    def freeze(job_dating_id: str, request: Request, caller: Caller) -> JobDatingView:
        handlers.freeze(FreezeJobDating(job_dating_id=job_dating_id), _actor(caller), meta(request, caller))
        return queries.job_dating(job_dating_id)

    # ---- plans -------------------------------------------------------------------------------------

    @router.post(
        "/job-datings/{job_dating_id}/provisional-plans", status_code=status.HTTP_201_CREATED, tags=["plans"]
    )
    def compute_plan(
        job_dating_id: str, body: ComputePlanIn, caller: Caller, by: GroupBy = "site"
    ) -> PlanView:
        plan = handlers.compute_plan(job_dating_id, _actor(caller), body.engine, body.time_limit)
        return queries.plan(job_dating_id, by=by, kind="provisional", plan_id=plan.plan_id)

    @router.get("/job-datings/{job_dating_id}/provisional-plan", tags=["plans"])
    def provisional_plan(
        job_dating_id: str,
        caller: Caller,
        by: GroupBy = "site",
        key: str | None = None,
        plan_id: str | None = None,
    ) -> PlanView:
        may_read_plans(_actor(caller), "job_dating_id")
        return queries.plan(job_dating_id, by=by, key=key, kind="provisional", plan_id=plan_id)

    @router.post("/job-datings/{job_dating_id}/publish", tags=["plans"])
    def publish(job_dating_id: str, body: PublishIn, request: Request, caller: Caller) -> PlanView:
        command = PublishPlan(job_dating_id=job_dating_id, plan_id=body.plan_id)
        handlers.publish(command, _actor(caller), meta(request, caller))
        return queries.plan(job_dating_id, by="site")

    @router.get("/job-datings/{job_dating_id}/plan", tags=["plans"])
    def published_plan(
        job_dating_id: str,
        caller: Caller,
        by: GroupBy = "site",
        key: str | None = None,
        include_cancelled: bool = False,
    ) -> PlanView:
        # A recruiter reads their own company's agenda only.
        if caller.role == "recruiter" and (by != "company" or key != caller.org):
            raise Forbidden.on("key", "un recruteur ne consulte que le planning de son entreprise")
        return queries.plan(job_dating_id, by=by, key=key, include_cancelled=include_cancelled)

    @router.get("/job-datings/{job_dating_id}/changes", tags=["plans"])
    def changes(
        job_dating_id: str,
        caller: Caller,
        after: Annotated[int, Query(ge=0, le=MAX_POSITION, description="the last change seen")] = 0,
        limit: Annotated[int, Query(ge=1, le=MAX_CHANGES)] = 500,
    ) -> list[ChangeView]:
        may_read_plans(_actor(caller), "job_dating_id")
        return queries.changes(job_dating_id, after=after, limit=limit)

    # ---- the day ----------------------------------------------------------------------------------

    @router.post("/job-datings/{job_dating_id}/companies/{company_id}/late", tags=["the day"])
    def company_late(
        job_dating_id: str, company_id: str, body: LateIn, request: Request, caller: Caller
    ) -> RepairReport:
        command = DelayCompany(
            job_dating_id=job_dating_id,
            company_id=company_id,
            arrives_at=_local(body.arrives_at, zone_of(job_dating_id)),
        )
        return handlers.delay_company(command, _actor(caller), meta(request, caller))

    @router.post("/job-datings/{job_dating_id}/companies/{company_id}/leave", tags=["the day"])
    def company_leaves(
        job_dating_id: str, company_id: str, body: ReasonIn, request: Request, caller: Caller
    ) -> RepairReport:
        command = RecordCompanyLeft(job_dating_id=job_dating_id, company_id=company_id, reason=body.reason)
        return handlers.company_left(command, _actor(caller), meta(request, caller))

    @router.post(
        "/job-datings/{job_dating_id}/check-ins", status_code=status.HTTP_201_CREATED, tags=["the day"]
    )
    def check_in(job_dating_id: str, body: CheckInIn, request: Request, caller: Caller) -> AttendanceView:
        command = CheckIn(job_dating_id=job_dating_id, candidate_id=body.candidate_id, site_id=body.site_id)
        handlers.check_in(command, _actor(caller), meta(request, caller))
        return next(a for a in queries.attendance(job_dating_id) if a.candidate_id == body.candidate_id)

    @router.post("/job-datings/{job_dating_id}/no-shows", tags=["the day"])
    def no_show(job_dating_id: str, body: NoShowIn, request: Request, caller: Caller) -> RepairReport:
        command = MarkNoShow(job_dating_id=job_dating_id, candidate_id=body.candidate_id)
        return handlers.mark_no_show(command, _actor(caller), meta(request, caller))

    @router.get("/job-datings/{job_dating_id}/attendance", tags=["the day"])
    def attendance(job_dating_id: str, caller: Caller, site_id: str | None = None) -> list[AttendanceView]:
        may_read_plans(_actor(caller), "job_dating_id")
        return queries.attendance(job_dating_id, site_id)

    @router.get("/slots/{slot_id}", tags=["slots"])
    def get_slot(slot_id: str, caller: Caller) -> InterviewView:
        slot = queries.slot(slot_id)
        may_read_company(_actor(caller), slot.company_id, "slot_id")
        return slot

    @router.post("/slots/{slot_id}/outcome", tags=["slots"])
    def record_outcome(slot_id: str, body: OutcomeIn, request: Request, caller: Caller) -> InterviewView:
        handlers.record_outcome(
            RecordOutcome(slot_id=slot_id, outcome=body.outcome), _actor(caller), meta(request, caller)
        )
        return queries.slot(slot_id)

    @router.post("/slots/{slot_id}/second-interview", status_code=status.HTTP_201_CREATED, tags=["slots"])
    def second_interview(
        slot_id: str, body: SecondInterviewIn, request: Request, caller: Caller
    ) -> InterviewView:
        command = ScheduleSecondInterview(
            first_slot_id=slot_id,
            slot_id=ids(),
            starts_at=_local(body.starts_at, zone_of(_job_dating_of(queries, slot_id))),
            computer_id=body.computer_id,
        )
        handlers.schedule_second_interview(command, _actor(caller), meta(request, caller))
        return queries.slot(command.slot_id)

    # ---- workshops ----------------------------------------------------------------------------------

    @router.post("/workshops", status_code=status.HTTP_201_CREATED, tags=["workshops"])
    def schedule_workshop(body: WorkshopIn, request: Request, caller: Caller) -> WorkshopView:
        zone = zone_of(body.job_dating_id)
        command = ScheduleWorkshop(
            workshop_id=body.workshop_id or ids(),
            job_dating_id=body.job_dating_id,
            site_id=body.site_id,
            room_id=body.room_id,
            starts_at=_local(body.starts_at, zone),
            ends_at=_local(body.ends_at, zone),
            capacity=body.capacity,
            coaches=tuple(Coach(coach_id=c.coach_id, org=c.org) for c in body.coaches),
        )
        handlers.schedule_workshop(command, _actor(caller), meta(request, caller))
        return queries.workshop(command.workshop_id)

    @router.get("/workshops", tags=["workshops"])
    def list_workshops(_: Caller, job_dating_id: str | None = None) -> list[WorkshopView]:
        return queries.workshops(job_dating_id)

    @router.get("/workshops/{workshop_id}", tags=["workshops"])
    def get_workshop(workshop_id: str, _: Caller) -> WorkshopView:
        return queries.workshop(workshop_id)

    @router.post("/workshops/{workshop_id}/enrolments", tags=["workshops"])
    def enrol(workshop_id: str, body: EnrolmentIn, request: Request, caller: Caller) -> WorkshopView:
        command = EnrolInWorkshop(workshop_id=workshop_id, candidate_id=body.candidate_id)
        handlers.enrol(command, _actor(caller), meta(request, caller))
        return queries.workshop(workshop_id)

    @router.post("/workshops/{workshop_id}/attendance", tags=["workshops"])
    def workshop_attendance(
        workshop_id: str, body: WorkshopAttendanceIn, request: Request, caller: Caller
    ) -> WorkshopView:
        command = RecordWorkshopAttendance(
            workshop_id=workshop_id, present=tuple(body.present), absent=tuple(body.absent)
        )
        handlers.record_workshop_attendance(command, _actor(caller), meta(request, caller))
        return queries.workshop(workshop_id)

    @router.get("/facts", tags=["ops"])
    def facts(_: Caller) -> dict[str, int]:
        return queries.facts_counts()

    return router


def _job_dating_of(queries: SchedulingQueries, slot_id: str) -> str:
    rows = queries.read("SELECT job_dating_id FROM sched_slot WHERE slot_id = ?", (slot_id,))
    if not rows:
        raise NotFound.on("slot_id", "entretien inconnu")
    return str(rows[0][0])


def _actor(caller: Principal) -> Actor:
    return Actor(org=caller.org, role=caller.role)


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ValueError, KeyError, OSError) as exc:
        raise Invalid.on("timezone", "fuseau horaire inconnu (par exemple Europe/Paris)") from exc


def _local(at: datetime, zone: ZoneInfo) -> datetime:
    """A date-time as typed: with its offset, or else local time at the sites."""
    return at if at.tzinfo is not None else at.replace(tzinfo=zone)


_STATUS = (
    (Invalid, status.HTTP_422_UNPROCESSABLE_CONTENT),
    (NotFound, status.HTTP_404_NOT_FOUND),
    (Conflict, status.HTTP_409_CONFLICT),
    (Forbidden, status.HTTP_403_FORBIDDEN),
)


async def _refusal(request: Request, exc: Exception) -> Response:
    # Rendered by the shared `Refused` handler, so every service answers refusals in one shape.
    assert isinstance(exc, SchedulingRefusal)
    code = next((code for kind, code in _STATUS if isinstance(exc, kind)), status.HTTP_400_BAD_REQUEST)
    refused = Refused([FieldError(p.field, p.reason) for p in exc.problems], status_code=code)
    response: Response = await request.app.exception_handlers[Refused](request, refused)
    return response


async def _conflict(request: Request, exc: Exception) -> Response:
    refused = Refused(
        [FieldError("id", "quelqu'un d'autre vient de faire une modification au même moment : réessayez")],
        status_code=status.HTTP_409_CONFLICT,
    )
    response: Response = await request.app.exception_handlers[Refused](request, refused)
    return response
