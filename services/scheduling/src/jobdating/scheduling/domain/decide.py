"""The decisions that take a job dating from planned to published: plan it, decide whether a plan may be
computed, freeze it, publish it. Pairings are adjusted in `pairings`, late or departed companies recorded in
`companies`, the day itself decided in `day` and `workshops`.

Each function takes a command, the job dating's state, the caller and what else it needs (facts kept from
the other services, the clock's `now`), and returns the events that follow or raises a refusal.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import UTC, datetime

from jobdating.contracts.envelope import Event
from jobdating.contracts.scheduling import JobDatingFrozen, JobDatingPlanned, PlanPublished
from jobdating.scheduling.domain import checks, slot_events
from jobdating.scheduling.domain.calendar import minute_of, zone_or_none
from jobdating.scheduling.domain.commands import FreezeJobDating, PlanJobDating, PublishPlan
from jobdating.scheduling.domain.errors import AlreadyExists, Conflict, NotFound, Problem, refuse_if
from jobdating.scheduling.domain.facts import SiteFacts
from jobdating.scheduling.domain.guards import must_exist
from jobdating.scheduling.domain.permissions import Actor, must_coordinate
from jobdating.scheduling.domain.plans import ProvisionalPlan, Write
from jobdating.scheduling.domain.state import JobDatingState


def plan_job_dating(
    command: PlanJobDating, state: JobDatingState, actor: Actor, sites: Mapping[str, SiteFacts]
) -> list[Event]:
    """Set up a job dating on open sites, with a schedule every site window can hold."""
    must_coordinate(actor, "job_dating_id")
    if state.planned:
        raise AlreadyExists.on("job_dating_id", "un job dating porte déjà cet identifiant")
    problems = (
        checks.identifier("job_dating_id", command.job_dating_id)
        + checks.text("title", command.title, "le titre du job dating")
        + checks.between("interview_minutes", command.interview_minutes, 5, 180, "minutes")
        + checks.between("buffer_minutes", command.buffer_minutes, 0, 120, "minutes")
        + checks.between(
            "max_interviews_per_candidate", command.max_interviews_per_candidate, 1, 20, "entretiens"
        )
        + checks.aware("freeze_at", command.freeze_at)
    )
    if zone_or_none(command.timezone) is None:
        problems.append(Problem("timezone", "fuseau horaire inconnu (par exemple Europe/Paris)"))
    if not command.days:
        problems.append(Problem("days", "indiquez au moins un jour"))
    elif len(set(command.days)) != len(command.days):
        problems.append(Problem("days", "un même jour est indiqué deux fois"))
    problems += _site_window_problems(command, sites)
    for i, pause in enumerate(command.breaks):
        if pause.day not in command.days:
            problems.append(Problem(f"breaks.{i}.day", "ce jour ne fait pas partie du job dating"))
        if pause.start >= pause.end:
            problems.append(Problem(f"breaks.{i}.end", "la pause doit finir après son début"))
    refuse_if(problems)
    return [
        JobDatingPlanned(
            job_dating_id=command.job_dating_id,
            title=command.title.strip(),
            days=tuple(sorted(command.days)),
            site_windows=command.site_windows,
            interview_minutes=command.interview_minutes,
            buffer_minutes=command.buffer_minutes,
            breaks=command.breaks,
            max_interviews_per_candidate=command.max_interviews_per_candidate,
            freeze_at=command.freeze_at.astimezone(UTC) if command.freeze_at is not None else None,
            timezone=command.timezone,
        )
    ]


def _site_window_problems(command: PlanJobDating, sites: Mapping[str, SiteFacts]) -> list[Problem]:
    problems: list[Problem] = []
    if not command.site_windows:
        return [Problem("site_windows", "indiquez au moins un site et ses horaires")]
    seen: dict[tuple[str, object], list[tuple[int, int]]] = {}
    for i, w in enumerate(command.site_windows):
        field = f"site_windows.{i}"
        site = sites.get(w.site_id)
        if site is None:
            problems.append(
                Problem(f"{field}.site_id", "site inconnu (pas encore annoncé par le service des sites)")
            )
        elif not site.open:
            problems.append(Problem(f"{field}.site_id", "ce site est fermé"))
        if w.day not in command.days:
            problems.append(Problem(f"{field}.day", "ce jour ne fait pas partie du job dating"))
        start, end = minute_of(w.start), minute_of(w.end)
        if end - start < command.interview_minutes:
            problems.append(Problem(f"{field}.end", "la plage horaire est plus courte qu'un entretien"))
        spans = seen.setdefault((w.site_id, w.day), [])
        if any(start < e and s < end for s, e in spans):
            problems.append(Problem(field, "deux plages horaires de ce site se chevauchent ce jour-là"))
        spans.append((start, end))
    return problems


def may_compute_plan(state: JobDatingState, actor: Actor, now: datetime, has_plan: bool) -> None:
    """A provisional plan is computed before publication, and after the freeze only if none exists yet."""
    must_coordinate(actor, "job_dating_id")
    must_exist(state)
    if state.published:
        raise Conflict.on("job_dating_id", "le plan est publié : il ne change plus que par des réparations")
    if state.frozen_at(now) and has_plan:
        raise Conflict.on("job_dating_id", "le plan est figé : publiez le dernier plan calculé")


def freeze(command: FreezeJobDating, state: JobDatingState, actor: Actor, now: datetime) -> list[Event]:
    """Freeze the plan before its deadline (once)."""
    must_coordinate(actor, "job_dating_id")
    must_exist(state)
    if state.frozen_at(now):
        raise Conflict.on("job_dating_id", "le plan est déjà figé")
    return [JobDatingFrozen(job_dating_id=state.job_dating_id)]


def publish(
    command: PublishPlan,
    state: JobDatingState,
    actor: Actor,
    plan: ProvisionalPlan | None,
    latest_plan_id: str | None,
    fingerprint_now: str,
    slot_ids: Iterator[str],
    video_links: Iterator[str],
) -> list[Write]:
    """Publish the latest provisional plan, computed from the inputs as they are now: the job dating's
    PlanPublished first, then one SlotAssigned per interview, each on its own slot stream."""
    must_coordinate(actor, "plan_id")
    must_exist(state)
    if state.published:
        raise Conflict.on("plan_id", "un plan est déjà publié : il ne change plus que par des réparations")
    if plan is None or plan.job_dating_id != state.job_dating_id:
        raise NotFound.on("plan_id", "plan inconnu pour ce job dating")
    if plan.plan_id != latest_plan_id:
        raise Conflict.on("plan_id", "un plan plus récent a été calculé : publiez le dernier")
    if plan.fingerprint != fingerprint_now:
        raise Conflict.on(
            "plan_id",
            "les inscriptions, les entreprises ou les sites ont changé depuis le calcul de ce plan : "
            "recalculez-le avant de le publier",
        )
    if plan.status == "infeasible":
        raise Conflict.on("plan_id", "des binômes imposés ne peuvent pas tous être tenus : levez-en avant")
    if not plan.interviews:
        raise Conflict.on("plan_id", "ce plan ne contient aucun entretien")
    writes = [
        Write(
            state.job_dating_id,
            PlanPublished(
                job_dating_id=state.job_dating_id,
                plan_id=plan.plan_id,
                slots=len(plan.interviews),
                solver_status=plan.status,
                upper_bound=plan.interview_bound,
            ),
        )
    ]
    for interview in plan.interviews:
        slot_id = next(slot_ids)
        given = slot_events.assigned(
            state.job_dating_id,
            slot_id,
            interview,
            interview.computer_id,
            (interview.starts_at, interview.ends_at),
            next(video_links),
            wish_rank=interview.wish_rank,
        )
        writes.append(Write(slot_id, given))
    return writes
