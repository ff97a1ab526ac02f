"""A company late or gone on the day: it interviews from its arrival, or no more after it left."""

from __future__ import annotations

from datetime import UTC, datetime

from jobdating.contracts.envelope import Event
from jobdating.contracts.scheduling import CompanyDelayed, CompanyLeft
from jobdating.scheduling.domain import checks
from jobdating.scheduling.domain.calendar import zone_or_none
from jobdating.scheduling.domain.commands import DelayCompany, RecordCompanyLeft
from jobdating.scheduling.domain.errors import Conflict, Invalid, NotFound, refuse_if
from jobdating.scheduling.domain.facts import CompanyFacts
from jobdating.scheduling.domain.guards import UNKNOWN_COMPANY, must_exist
from jobdating.scheduling.domain.permissions import Actor, must_coordinate
from jobdating.scheduling.domain.state import JobDatingState


def delay_company(
    command: DelayCompany, state: JobDatingState, actor: Actor, company: CompanyFacts | None
) -> list[Event]:
    """A company arrives late: it interviews from `arrives_at`, within its window on that day."""
    must_coordinate(actor, "company_id")
    must_exist(state)
    refuse_if(checks.aware("arrives_at", command.arrives_at))
    _company_takes_part(state, company)
    assert company is not None
    zone = zone_or_none(state.timezone)
    local = command.arrives_at.astimezone(zone)
    if local.date() not in state.days or (company.day is not None and company.day != local.date()):
        raise Invalid.on("arrives_at", "ce jour-là, cette entreprise ne participe pas au job dating")
    if not company.window_start < local.time().replace(tzinfo=None) < company.window_end:
        raise Invalid.on(
            "arrives_at",
            f"l'entreprise reçoit de {company.window_start:%H:%M} à {company.window_end:%H:%M} : "
            "indiquez une heure d'arrivée dans cette plage",
        )
    earlier = state.arrival(company.company_id)
    if earlier is not None and earlier >= command.arrives_at:
        raise Conflict.on("arrives_at", "un retard plus long est déjà enregistré pour cette entreprise")
    return [
        CompanyDelayed(
            job_dating_id=state.job_dating_id,
            company_id=company.company_id,
            arrives_at=command.arrives_at.astimezone(UTC),
        )
    ]


def company_left(
    command: RecordCompanyLeft,
    state: JobDatingState,
    actor: Actor,
    company: CompanyFacts | None,
    now: datetime,
) -> list[Event]:
    """A company leaves the job dating now; its remaining slots are cancelled by the repair."""
    must_coordinate(actor, "company_id")
    must_exist(state)
    _company_takes_part(state, company)
    assert company is not None
    refuse_if(checks.text("reason", command.reason, "la raison du départ", 200))
    return [
        CompanyLeft(
            job_dating_id=state.job_dating_id,
            company_id=company.company_id,
            at=now,
            reason=command.reason.strip(),
        )
    ]


def _company_takes_part(state: JobDatingState, company: CompanyFacts | None) -> None:
    if company is None:
        raise NotFound.on("company_id", UNKNOWN_COMPANY)
    if not company.active:
        raise Conflict.on("company_id", "cette entreprise s'est retirée")
    if state.departure(company.company_id) is not None:
        raise Conflict.on("company_id", "cette entreprise a déjà quitté le job dating")
