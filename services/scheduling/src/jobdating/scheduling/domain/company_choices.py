"""Recruiters choose too: a company ranks, among the candidates of a job dating who wished for it, those it
prefers, and marks those it must meet. It sees anonymous profiles only (no name, contact or counsellor);
its choices weigh in the plan with the candidates' wishes (`planning/objective.py`) until it is published.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

import msgspec

from jobdating.contracts.envelope import Event
from jobdating.contracts.scheduling import CompanyRankedCandidates
from jobdating.scheduling.domain.commands import CompanyCommand
from jobdating.scheduling.domain.errors import Conflict, Invalid, NotFound
from jobdating.scheduling.domain.facts import CandidateFacts, CompanyFacts
from jobdating.scheduling.domain.guards import UNKNOWN_COMPANY, must_exist, must_not_be_frozen
from jobdating.scheduling.domain.instance import wish_rank
from jobdating.scheduling.domain.permissions import Actor, may_act_for_company
from jobdating.scheduling.domain.state import CompanyChoices, JobDatingState

MOST_CHOICES = 500
"""Longest ranking a company may give (a regional fair's busiest company has a few hundred wishers)."""


class RankCandidates(CompanyCommand, frozen=True, kw_only=True):
    """A company's choices among the candidates who wished for it: `ranked` best first, `must_meet`."""

    ranked: tuple[str, ...] = ()
    must_meet: tuple[str, ...] = ()


def visible_candidates(
    state: JobDatingState, company: CompanyFacts, candidates: Iterable[CandidateFacts]
) -> list[CandidateFacts]:
    """The candidates whose anonymous profile a company may see for a job dating: still taking part, at
    one of its sites, and wishing for the company (by name or through its sector)."""
    sites = set(state.site_ids)
    return sorted(
        (c for c in candidates if c.active and c.site_id in sites and wish_rank(c, company) is not None),
        key=lambda c: c.candidate_id,
    )


def rank_candidates(
    command: RankCandidates,
    state: JobDatingState,
    actor: Actor,
    company: CompanyFacts | None,
    visible: Sequence[CandidateFacts],
    now: datetime,
) -> list[Event]:
    """Record a company's choices, replacing its earlier ones, while the plan can still change; asking
    twice the same changes nothing."""
    may_act_for_company(actor, command.company_id, "company_id")
    must_exist(state)
    if company is None:
        raise NotFound.on("company_id", UNKNOWN_COMPANY)
    if state.published:
        raise Conflict.on("job_dating_id", "le plan est publié : les choix des entreprises ne comptent plus")
    must_not_be_frozen(state, now, "les choix ne changent plus")
    seen = {c.candidate_id for c in visible}
    for field, ids in (("ranked", command.ranked), ("must_meet", command.must_meet)):
        if len(ids) > MOST_CHOICES:
            raise Invalid.on(field, f"au plus {MOST_CHOICES} candidats")
        if len(set(ids)) != len(ids):
            raise Invalid.on(field, "un même candidat apparaît deux fois")
        unknown = [i for i in ids if i not in seen]
        if unknown:
            raise Invalid.on(
                field, f"{unknown[0]} n'est pas parmi les candidats qui ont choisi cette entreprise"
            )
    current = next((c for c in state.choices if c.company_id == command.company_id), None)
    wanted = CompanyChoices(company_id=command.company_id, ranked=command.ranked, must_meet=command.must_meet)
    if current == wanted or (current is None and not command.ranked and not command.must_meet):
        return []
    return [
        CompanyRankedCandidates(
            job_dating_id=state.job_dating_id,
            company_id=command.company_id,
            ranked=command.ranked,
            must_meet=command.must_meet,
        )
    ]


@dataclass(frozen=True)
class CandidateProfileView:
    """What a company sees of a candidate: no name, no contact, no counsellor. `wish_rank` is the rank the
    candidate gave to this company; `wishes` all their ranked wishes (companies or sectors); `note` their
    counsellor's short note (registration keeps contact details out of it)."""

    candidate_id: str
    site_id: str
    wish_rank: int | None
    wishes: list[dict[str, object]]
    availability: list[dict[str, object]]
    rank: int | None = None
    must_meet: bool = False
    note: str | None = None


def profiles(
    state: JobDatingState,
    company: CompanyFacts,
    candidates: Iterable[CandidateFacts],
    notes: Mapping[str, str] | None = None,
) -> list[CandidateProfileView]:
    """The anonymous profiles a company may see, with its current choices and the counsellors' notes."""
    notes = notes or {}
    mine = next(
        (c for c in state.choices if c.company_id == company.company_id), CompanyChoices(company_id="")
    )
    rank = {c: q for q, c in enumerate(mine.ranked, start=1)}
    return [
        CandidateProfileView(
            candidate_id=c.candidate_id,
            site_id=c.site_id,
            wish_rank=wish_rank(c, company),
            wishes=list(msgspec.to_builtins(sorted(c.wishes, key=lambda w: w.rank))),
            availability=list(msgspec.to_builtins(c.availability)),
            rank=rank.get(c.candidate_id),
            must_meet=c.candidate_id in mine.must_meet,
            note=notes.get(c.candidate_id),
        )
        for c in visible_candidates(state, company, candidates)
    ]
