"""HTTP routes of the companies' own choices: the anonymous profiles a company may see for a job dating,
and its ranking and "must meet" marks among them."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import Field

from jobdating.runtime.auth import only
from jobdating.runtime.http import Body, Text
from jobdating.scheduling.adapters.http_context import Asker, HttpContext
from jobdating.scheduling.application import queries_facts as known
from jobdating.scheduling.domain.company_choices import (
    MOST_CHOICES,
    CandidateProfileView,
    RankCandidates,
    profiles,
)
from jobdating.scheduling.domain.errors import NotFound
from jobdating.scheduling.domain.guards import UNKNOWN_COMPANY
from jobdating.scheduling.domain.permissions import COMPANY_ACTORS, may_act_for_company


class ChoicesIn(Body):
    """A company's candidates: `ranked` best first (candidate ids), and those it `must_meet`."""

    ranked: list[Text] = Field(default=[], max_length=MOST_CHOICES)
    must_meet: list[Text] = Field(default=[], max_length=MOST_CHOICES)


def router(ctx: HttpContext) -> APIRouter:
    """Routes for a company's recruiters (or the coordination) to see candidates and choose among them."""
    router = APIRouter(tags=["companies' choices"])
    handlers, queries = ctx.handlers, ctx.queries

    def seen_by(job_dating_id: str, company_id: str) -> list[CandidateProfileView]:
        state = queries.state(job_dating_id)
        company = known.company(queries.read, company_id)
        if company is None:
            raise NotFound.on("company_id", UNKNOWN_COMPANY)
        candidates = known.facts_for(queries.read, state.site_ids).candidates
        return profiles(state, company, candidates, known.notes(queries.read, state.site_ids))

    path = "/job-datings/{job_dating_id}/companies/{company_id}"

    @router.get(f"{path}/candidates", summary="Profils anonymes proposés à une entreprise")
    def candidates(job_dating_id: str, company_id: str, asker: Asker) -> list[CandidateProfileView]:
        """Le recruteur de l'entreprise (ou la coordination) lit les profils anonymes des candidats
        intéressés, pour les classer."""
        may_act_for_company(asker.actor, company_id, "company_id")
        return seen_by(job_dating_id, company_id)

    @router.put(
        f"{path}/choices", summary="Classer les candidats d'une entreprise", dependencies=only(COMPANY_ACTORS)
    )
    def choose(
        job_dating_id: str, company_id: str, body: ChoicesIn, asker: Asker
    ) -> list[CandidateProfileView]:
        """Le recruteur de l'entreprise (ou la coordination) donne ses choix parmi les profils anonymes ; le
        planning en tient compte."""
        command = RankCandidates(
            job_dating_id=job_dating_id,
            company_id=company_id,
            ranked=tuple(body.ranked),
            must_meet=tuple(body.must_meet),
        )
        handlers.rank_candidates(command, asker.actor, asker.meta)
        return seen_by(job_dating_id, company_id)

    return router
