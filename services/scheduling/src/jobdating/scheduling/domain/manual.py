"""The coordinator's hands on a published plan: add, move or cancel one interview, always with a reason.

The planner's checker (`planning/check.py`) judges the plan as it would be after the change, with what
scheduling knows now (other job datings, second interviews, outages, absences); every rule the changed
interview breaks is named in French (`manual_rules`). The change is refused unless the coordinator forces
it; a forced change records the rules it overrode. A few things are never forced (a time past, an interview
that began, a computer or a candidate booked twice at one slot, a time off the slot grid).

Each decision returns the job dating's `InterviewChangedByHand` (who decided is the envelope's actor) and
the slot's own event (reason `coordinator`), which tells the people concerned, once, as a repair does.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, datetime

import msgspec

from jobdating.contracts.envelope import Event
from jobdating.contracts.scheduling import InterviewChangedByHand, ManualChange, OverriddenRule
from jobdating.scheduling.domain import checks, slot_events
from jobdating.scheduling.domain.calendar import Calendar
from jobdating.scheduling.domain.errors import Conflict, Invalid, NotFound, Problem, refuse_if
from jobdating.scheduling.domain.facts import CandidateFacts, CompanyFacts, Facts
from jobdating.scheduling.domain.guards import UNKNOWN_CANDIDATE, UNKNOWN_COMPANY, must_exist
from jobdating.scheduling.domain.instance import wish_rank
from jobdating.scheduling.domain.interviews import UNKNOWN_SLOT
from jobdating.scheduling.domain.manual_places import PublishedPlan, around, kept, placed, site_of
from jobdating.scheduling.domain.manual_rules import Broken, broken, pin_kept_apart
from jobdating.scheduling.domain.permissions import Actor, must_coordinate
from jobdating.scheduling.domain.state import JobDatingState, SlotState
from jobdating.scheduling.planning.check import check
from jobdating.scheduling.planning.model import Interview

# The reason travels in clear and the audit prints it: no contact details in it (names cannot be told apart).
_CONTACT = re.compile(r"[^\s@]+@[^\s@]+\.\w+|(?:\+|\b)\d(?:[\s.-]?\d){8,}\b")
FORCE_HINT = "pour passer outre, renvoyez la demande avec « force » à vrai, la raison restant indiquée"


class ManualCommand(msgspec.Struct, frozen=True, kw_only=True):
    """A change by hand: why (staff's words, required) and whether to override the rules it breaks."""

    reason: str
    force: bool = False


class ManualPlacement(ManualCommand, frozen=True, kw_only=True):
    """A change by hand that may name the site and the computer of the interview; what it leaves out, the
    decision picks (`site_of` and `placed`)."""

    site_id: str | None = None
    computer_id: str | None = None


class AddInterview(ManualPlacement, frozen=True, kw_only=True):
    """Give a candidate an interview with a company at a time, at a site (the candidate's by default), on
    a computer (the first free one by default)."""

    job_dating_id: str
    slot_id: str
    candidate_id: str
    company_id: str
    starts_at: datetime


class MoveInterview(ManualPlacement, frozen=True, kw_only=True):
    """Move one interview to another time, computer or site (what is left out stays as it is)."""

    slot_id: str
    starts_at: datetime | None = None


class CancelInterview(ManualCommand, frozen=True, kw_only=True):
    """Cancel one interview still to come."""

    slot_id: str


class HandChange(msgspec.Struct, frozen=True):
    """What a change by hand records: the job dating's event, then the slot's (caused by it)."""

    recorded: InterviewChangedByHand
    slot_event: Event


def add_interview(command: AddInterview, plan: PublishedPlan, actor: Actor, video_link: str) -> HandChange:
    """A new interview, checked like any plan (see the module docstring)."""
    must_coordinate(actor, "candidate_id")
    may_change(plan.job_dating, command)
    candidate = _candidate(plan.facts, command.candidate_id)
    company = _company(plan, command.company_id)
    cal = plan.cal
    starts_at = to_come("starts_at", command.starts_at, plan.now)
    site_id = site_of(plan, command.site_id, command.computer_id, candidate.site_id)
    booked = (candidate.candidate_id, company.company_id, site_id)
    others = kept(plan, cal, None, booked)
    interview = placed(plan, cal, others, booked, starts_at, command.computer_id, prefer=None)
    overridden = _judged(plan, cal, others, interview, command)
    times = cal.interview_times(interview)
    given = slot_events.assigned(
        plan.job_dating.job_dating_id,
        command.slot_id,
        interview,
        interview.computer_id,
        times,
        video_link,
        wish_rank=wish_rank(candidate, company),
    )
    return HandChange(
        recorded(plan.job_dating.job_dating_id, command, command.slot_id, "added", interview, overridden),
        given,
    )


def move_interview(command: MoveInterview, slot: SlotState, plan: PublishedPlan, actor: Actor) -> HandChange:
    """The interview at its new time, computer or site, checked like any plan."""
    must_coordinate(actor, "slot_id")
    changeable(slot, plan.now)
    may_change(plan.job_dating, command)
    if command.starts_at is None and command.site_id is None and command.computer_id is None:
        raise Invalid.on("starts_at", "indiquez une nouvelle heure, un autre ordinateur ou un autre site")
    if slot.kind != "interview" or slot.computer_id is None or slot.starts_at is None:
        raise Conflict.on("slot_id", "un second entretien se déplace avec ses propres règles")
    cal = plan.cal
    starts_at = to_come("starts_at", command.starts_at, plan.now) if command.starts_at else slot.starts_at
    site_id = site_of(plan, command.site_id, command.computer_id, slot.site_id)
    prefer = slot.computer_id if site_id == slot.site_id else None
    booked = (slot.candidate_id, slot.company_id, site_id)
    others = kept(plan, cal, slot.slot_id, booked)
    interview = placed(plan, cal, others, booked, starts_at, command.computer_id, prefer=prefer)
    new_times = cal.interview_times(interview)
    if (interview.computer_id, new_times[0]) == (slot.computer_id, slot.starts_at):
        raise Invalid.on("starts_at", "l'entretien est déjà à cette heure, sur cet ordinateur")
    overridden = _judged(plan, cal, others, interview, command)
    to = slot_events.place_of(interview.site_id, interview.computer_id, new_times)
    moved = slot_events.moved(plan.job_dating.job_dating_id, slot, to, "coordinator")
    return HandChange(
        recorded(plan.job_dating.job_dating_id, command, slot.slot_id, "moved", interview, overridden), moved
    )


def cancel_interview(
    command: CancelInterview, slot: SlotState, plan: PublishedPlan, actor: Actor
) -> HandChange:
    """The interview will not take place; cancelling one the coordination imposed must be forced."""
    must_coordinate(actor, "slot_id")
    changeable(slot, plan.now)
    may_change(plan.job_dating, command)
    found: list[Broken] = []
    pinned = {(p.candidate_id, p.company_id) for p in plan.instance.pins}
    if slot.kind == "interview" and (slot.candidate_id, slot.company_id) in pinned:
        found.append(pin_kept_apart())
    overridden = _decided(found, command)
    cancelled = slot_events.cancelled(plan.job_dating.job_dating_id, slot, "coordinator")
    return HandChange(
        recorded(plan.job_dating.job_dating_id, command, slot.slot_id, "cancelled", slot, overridden),
        cancelled,
    )


def may_change(job_dating: JobDatingState, command: ManualCommand) -> None:
    must_exist(job_dating)
    refuse_if(checks.text("reason", command.reason, "la raison du changement", longest=300))
    if _CONTACT.search(command.reason):
        raise Invalid.on("reason", "pas de téléphone ni d'e-mail dans la raison : l'audit la montre à tous")
    if not job_dating.published:
        raise Conflict.on(
            "job_dating_id",
            "le plan n'est pas encore publié : imposez ou interdisez des rencontres, puis recalculez-le",
        )


def changeable(slot: SlotState, now: datetime) -> None:
    if slot.status == "none":
        raise NotFound.on("slot_id", UNKNOWN_SLOT)
    if slot.status == "cancelled":
        raise Conflict.on("slot_id", "cet entretien est déjà annulé")
    if slot.status == "completed" or slot.started(now):
        raise Conflict.on("slot_id", "cet entretien a déjà commencé : il ne change plus")


def to_come(field: str, at: datetime, now: datetime) -> datetime:
    refuse_if(checks.aware(field, at))
    try:
        at = at.astimezone(UTC)
    except OverflowError as exc:  # year 9999 with a negative offset: past the calendar's end
        raise Invalid.on(field, "date hors du calendrier") from exc
    if at <= now:
        raise Conflict.on(field, "cette heure est passée : choisissez une heure à venir")
    return at


def _candidate(facts: Facts, candidate_id: str) -> CandidateFacts:
    candidate = next((c for c in facts.candidates if c.candidate_id == candidate_id), None)
    if candidate is None:
        raise NotFound.on("candidate_id", UNKNOWN_CANDIDATE)
    if not candidate.active:
        raise Conflict.on("candidate_id", "ce candidat ne participe plus")
    return candidate


def _company(plan: PublishedPlan, company_id: str) -> CompanyFacts:
    company = next((c for c in plan.facts.companies if c.company_id == company_id), None)
    if company is None:
        raise NotFound.on("company_id", UNKNOWN_COMPANY)
    if not company.active or plan.job_dating.departure(company_id) is not None:
        raise Conflict.on("company_id", "cette entreprise ne participe plus")
    return company


def _judged(
    plan: PublishedPlan,
    cal: Calendar,
    others: Sequence[Interview],
    changed: Interview,
    command: ManualCommand,
) -> tuple[OverriddenRule, ...]:
    """The checker's verdict on the plan with `changed`: the rules it breaks, refused unless forced."""
    moment = cal.moment(plan.now, round_up=True)
    verdict = check(*around(plan.instance, others, changed), now=moment)
    found: dict[tuple[str, str], Broken] = {}
    for v in verdict:
        if changed in v.interviews:
            b = broken(v, changed, plan.instance)
            found.setdefault((b.rule, b.says), b)
    return _decided(list(found.values()), command)


def _decided(found: list[Broken], command: ManualCommand) -> tuple[OverriddenRule, ...]:
    if not found:
        return ()
    problems = [b.problem for b in found]
    if any(not b.forceable for b in found):
        raise Conflict(problems)
    if not command.force:
        raise Conflict([*problems, Problem("force", FORCE_HINT)])
    return tuple(OverriddenRule(rule=b.rule, says=b.says) for b in found)


def recorded(
    job_dating_id: str,
    command: ManualCommand,
    slot_id: str,
    change: ManualChange,
    booked: Interview | SlotState,
    overridden: tuple[OverriddenRule, ...],
) -> InterviewChangedByHand:
    return InterviewChangedByHand(
        job_dating_id=job_dating_id,
        slot_id=slot_id,
        change=change,
        candidate_id=booked.candidate_id,
        company_id=booked.company_id,
        reason=command.reason.strip(),
        forced=bool(overridden),
        overridden=overridden,
    )
