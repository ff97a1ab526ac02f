"""`/candidates`: register, list, read, change, withdraw and erase candidates."""

from __future__ import annotations

from typing import Annotated, Any, Final

from fastapi import APIRouter, Depends, Query, Request, Response, status

from jobdating.registration.adapters import projections
from jobdating.registration.adapters.http_common import (
    Follower,
    Reader,
    changes,
    correlation,
    found,
    page,
)
from jobdating.registration.adapters.schemas import (
    CandidateIn,
    CandidateOut,
    CandidatePage,
    CandidatePatch,
    WithdrawIn,
)
from jobdating.registration.application import queries
from jobdating.registration.application.handlers import RegistrationHandlers
from jobdating.registration.application.service import RegistrationService
from jobdating.registration.domain.commands import (
    EraseCandidate,
    RegisterCandidate,
    UpdateCandidate,
    WithdrawCandidate,
)
from jobdating.runtime.auth import Principal, require
from jobdating.runtime.http import Offset, to_command
from jobdating.runtime.ids import new_id

# Who registers a walk-in: those who register candidates, and a site's hosts (checked against the site).
WalkInDesk = Annotated[Principal, Depends(require("coordinator", "counsellor", "site_manager"))]

# What pydantic reports, said the way the people typing it would understand.
CLEARABLE_CANDIDATE: Final = frozenset({"email", "address", "note"})


def candidates_router(handlers: RegistrationHandlers, svc: RegistrationService) -> APIRouter:
    router = APIRouter(prefix="/candidates", tags=["candidates"])

    @router.post(
        "", status_code=status.HTTP_201_CREATED, response_model=CandidateOut, summary="Inscrire un candidat"
    )
    def register_candidate(body: CandidateIn, principal: Follower, request: Request) -> Any:
        """Un conseiller (ou la coordination) inscrit un candidat au job dating ; sa structure devient
        celle qui l'accompagne et qui seule lit ses coordonnées."""
        cmd = _registration(body, principal)
        candidate_id = handlers.register_candidate(principal, cmd, correlation(request))
        return _candidate(svc, principal, candidate_id)

    @router.post(
        "/walk-ins",
        status_code=status.HTTP_201_CREATED,
        response_model=CandidateOut,
        summary="Inscrire un candidat venu sur place",
    )
    def register_walk_in(body: CandidateIn, principal: WalkInDesk, request: Request) -> Any:
        """Inscrire un candidat venu sur place le jour même, sur le site où il se trouve (`site_id`) :
        par la coordination, un conseiller, ou l'accueil de ce site. Il est pointé arrivé aussitôt ; le
        planning lui donne des entretiens sur les créneaux libres de ce site, sinon il rejoint la liste
        d'attente du site (en tête, puisqu'il est déjà là)."""
        cmd = _registration(body, principal)
        candidate_id = handlers.register_walk_in(principal, cmd, correlation(request))
        return _candidate(svc, principal, candidate_id)

    @router.get("", response_model=CandidatePage, summary="Lister les candidats")
    def list_candidates(
        principal: Reader,
        site_id: str | None = None,
        status_: Annotated[str | None, Query(alias="status")] = None,
        counsellor_id: Annotated[
            str | None, Query(description="only the candidates this counsellor (account id) follows")
        ] = None,
        limit: Annotated[int, Query(ge=1, le=queries.MAX_PAGE)] = 100,
        offset: Offset = 0,
    ) -> Any:
        """La coordination, les conseillers et les lecteurs parcourent les candidats page par page ; les
        noms et coordonnées n'apparaissent que pour les candidats que leur structure accompagne."""
        items, total = queries.candidates(
            svc.store,
            principal,
            site_id=site_id,
            status=status_,
            counsellor_id=counsellor_id,
            limit=limit,
            offset=offset,
        )
        return page(items, total)

    @router.get("/{candidate_id}", response_model=CandidateOut, summary="Consulter un candidat")
    def get_candidate(candidate_id: str, principal: Reader) -> Any:
        """Un candidat : sa fiche complète pour la structure qui l'accompagne, son profil anonyme pour les
        autres."""
        return _candidate(svc, principal, candidate_id)

    @router.patch("/{candidate_id}", response_model=CandidateOut, summary="Modifier un candidat")
    def update_candidate(
        candidate_id: str, body: CandidatePatch, principal: Follower, request: Request
    ) -> Any:
        """La structure qui accompagne le candidat (ou la coordination) corrige les champs envoyés ; les
        autres restent tels quels."""
        cmd = to_command(UpdateCandidate, changes(body, CLEARABLE_CANDIDATE), candidate_id=candidate_id)
        handlers.update_candidate(principal, cmd, correlation(request))
        return _candidate(svc, principal, candidate_id)

    @router.post("/{candidate_id}/withdraw", response_model=CandidateOut, summary="Retirer un candidat")
    def withdraw_candidate(candidate_id: str, body: WithdrawIn, principal: Follower, request: Request) -> Any:
        """Le candidat ne participe plus : son conseiller (ou la coordination) le retire en choisissant un
        motif dans une liste fixe."""
        # A fixed list: free text could carry health details.
        cmd = WithdrawCandidate(candidate_id=candidate_id, reason=body.reason)
        handlers.withdraw_candidate(principal, cmd, correlation(request))
        return _candidate(svc, principal, candidate_id)

    @router.delete(
        "/{candidate_id}", status_code=status.HTTP_204_NO_CONTENT, summary="Effacer un candidat (RGPD)"
    )
    def erase_candidate(candidate_id: str, principal: Follower, request: Request) -> Response:
        """À la demande du candidat, la coordination ou un conseiller de sa structure efface ses données
        personnelles ; seuls des chiffres anonymes restent."""
        # The person's key is destroyed, so every sealed copy of their data becomes unreadable.
        handlers.erase_candidate(principal, EraseCandidate(candidate_id=candidate_id), correlation(request))
        projections.scrub_erased(svc.store)  # committed: now out of the WAL and the dead rows too
        return Response(status_code=status.HTTP_204_NO_CONTENT)

    return router


def _candidate(svc: RegistrationService, principal: Principal, candidate_id: str) -> Any:
    return found(queries.candidate(svc.store, principal, candidate_id), "candidate_id", "candidat inconnu")


def _registration(body: CandidateIn, principal: Principal) -> RegisterCandidate:
    """The same registration whether ahead of the day or on the spot: the caller's organisation refers the
    candidate, and the caller follows them unless another counsellor is named."""
    return to_command(
        RegisterCandidate,
        body.model_dump(),
        candidate_id=new_id(),
        referring_org=principal.org,
        counsellor_id=body.counsellor_id or principal.actor_id,
    )
