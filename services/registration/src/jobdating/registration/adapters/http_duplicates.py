"""The same person at two partners: a coordinator lists the suspected duplicates of the candidates their
organisation follows and resolves them. Ids and kinds of match only: the other organisation's data is never
shown (it may be opened, and the opening recorded, with `contact-openings` for `duplicate_check`)."""

from __future__ import annotations

from typing import Any

import msgspec
from fastapi import APIRouter, status
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, Field

from jobdating.registration.adapters.http_common import Coordinator
from jobdating.registration.application.duplicates import DuplicateFinder
from jobdating.registration.domain.duplicates import ResolveDuplicate
from jobdating.runtime.http import Body, Text


class SuspicionOut(BaseModel):
    duplicate_id: str
    candidate_id: str = Field(description="the candidate your organisation follows")
    other_org: str = Field(description="the organisation whose instance holds the other record")
    other_candidate_id: str
    matched: list[str] = Field(description="what the two records share: phone, email (never the values)")
    status: str = Field(description="open, same_person or different_people")
    reason: str | None
    suspected_at: str
    resolved_at: str | None


class SuspicionsOut(BaseModel):
    items: list[SuspicionOut]


class ResolutionIn(Body):
    verdict: Text | None = Field(None, description="same_person or different_people (required)")
    reason: Text | None = Field(None, description="a few words, without contact details (required)")


class ResolvedOut(BaseModel):
    duplicate_id: str
    verdict: str


def duplicates_router(finder: DuplicateFinder) -> APIRouter:
    router = APIRouter(tags=["duplicates across partners"])

    @router.get(
        "/duplicates", response_model=SuspicionsOut, summary="Les doublons supposés avec une autre structure"
    )
    def list_duplicates(principal: Coordinator) -> Any:
        """La coordination voit les candidats de sa structure ayant le téléphone ou le courriel d'un
        candidat d'une autre structure, sans voir les données de cette autre structure."""
        # Both ids, the other organisation, what matched and the outcome: never a name, phone or e-mail.
        return {"items": [msgspec.to_builtins(s) for s in finder.suspicions(principal)]}

    @router.post(
        "/duplicates/{duplicate_id}/resolution",
        status_code=status.HTTP_201_CREATED,
        response_model=ResolvedOut,
        summary="Trancher un doublon supposé",
    )
    async def resolve_duplicate(duplicate_id: str, body: ResolutionIn, principal: Coordinator) -> Any:
        """La coordination dit s'il s'agit de la même personne ou de deux personnes différentes, avec un
        motif court, sans coordonnées."""
        # Resolved once; the reason travels in clear on the bus, hence no phone, e-mail, link or postcode.
        cmd = ResolveDuplicate(duplicate_id=duplicate_id, verdict=body.verdict, reason=body.reason)
        await run_in_threadpool(finder.resolve, principal, cmd)
        return {"duplicate_id": duplicate_id, "verdict": body.verdict}

    return router
