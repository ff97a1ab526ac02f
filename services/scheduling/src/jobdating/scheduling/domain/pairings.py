"""Adjusting who meets whom before the plan is published: pin a pairing, forbid it, or lift either."""

from __future__ import annotations

from datetime import datetime

from jobdating.contracts.envelope import Event
from jobdating.contracts.scheduling import PairingForbidden, PairingPinned, PairingReleased
from jobdating.scheduling.domain.commands import ForbidPairing, PinPairing, ReleasePairing
from jobdating.scheduling.domain.errors import Conflict, NotFound
from jobdating.scheduling.domain.facts import CandidateFacts, CompanyFacts
from jobdating.scheduling.domain.guards import (
    UNKNOWN_CANDIDATE,
    UNKNOWN_COMPANY,
    must_exist,
    must_not_be_frozen,
)
from jobdating.scheduling.domain.permissions import Actor, must_coordinate
from jobdating.scheduling.domain.state import JobDatingState, Pairing

_LIFT_THE_BAN_FIRST = "ce binôme est interdit : levez d'abord l'interdiction"
_LIFT_THE_PIN_FIRST = "ce binôme est imposé : levez d'abord cette obligation"


def pin_or_forbid(
    command: PinPairing | ForbidPairing,
    state: JobDatingState,
    actor: Actor,
    candidate: CandidateFacts | None,
    company: CompanyFacts | None,
    now: datetime,
) -> list[Event]:
    """Make a candidate meet a company (a pin), or keep them from meeting (a ban), in every plan computed
    from now on. A pairing is never both: the other one must be lifted first; asking twice changes nothing."""
    pair = _adjustable_pair(state, actor, candidate, company, command.candidate_id, command.company_id, now)
    event: Event
    if isinstance(command, PinPairing):
        wanted, other, refusal = state.pins, state.forbids, _LIFT_THE_BAN_FIRST
        event = PairingPinned(job_dating_id=state.job_dating_id, **_pair_fields(pair))
    else:
        wanted, other, refusal = state.forbids, state.pins, _LIFT_THE_PIN_FIRST
        event = PairingForbidden(job_dating_id=state.job_dating_id, **_pair_fields(pair))
    if pair in other:
        raise Conflict.on("company_id", refusal)
    return [] if pair in wanted else [event]


def release_pairing(
    command: ReleasePairing, state: JobDatingState, actor: Actor, now: datetime
) -> list[Event]:
    """Lift a pin or a ban."""
    _adjustable(state, actor, now)
    pair = Pairing(candidate_id=command.candidate_id, company_id=command.company_id)
    if pair not in state.pins and pair not in state.forbids:
        raise NotFound.on("company_id", "ce binôme n'est ni imposé ni interdit")
    return [PairingReleased(job_dating_id=state.job_dating_id, **_pair_fields(pair))]


def _adjustable(state: JobDatingState, actor: Actor, now: datetime) -> None:
    must_coordinate(actor, "job_dating_id")
    must_exist(state)
    if state.published:
        raise Conflict.on("job_dating_id", "le plan est publié : il ne change plus que par des réparations")
    must_not_be_frozen(state, now, "il ne se règle plus")


def _adjustable_pair(
    state: JobDatingState,
    actor: Actor,
    candidate: CandidateFacts | None,
    company: CompanyFacts | None,
    candidate_id: str,
    company_id: str,
    now: datetime,
) -> Pairing:
    _adjustable(state, actor, now)
    if candidate is None:
        raise NotFound.on("candidate_id", UNKNOWN_CANDIDATE)
    if not candidate.active:
        raise Conflict.on("candidate_id", "ce candidat s'est retiré")
    if candidate.site_id not in state.site_ids:
        raise Conflict.on("candidate_id", "le site choisi par ce candidat ne participe pas à ce job dating")
    if company is None:
        raise NotFound.on("company_id", UNKNOWN_COMPANY)
    if not company.active or state.departure(company_id) is not None:
        raise Conflict.on("company_id", "cette entreprise ne participe plus")
    return Pairing(candidate_id=candidate_id, company_id=company_id)


def _pair_fields(pair: Pairing) -> dict[str, str]:
    return {"candidate_id": pair.candidate_id, "company_id": pair.company_id}
