"""Personal data shown for a purpose: the names a site's reception greets, and a candidate's contact opened
by a coordinator of another organisation for a stated purpose (each opening recorded, listed for the
candidate's organisation). Who may is `domain.permissions`."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from fastapi import APIRouter, Depends, HTTPException, Request, status
from fastapi.concurrency import run_in_threadpool

from jobdating.registration.adapters.http_common import Coordinator, Follower, correlation
from jobdating.registration.adapters.purpose_schemas import (
    ContactOpenedOut,
    ContactOpeningIn,
    ExpectedAtSiteOut,
    OpeningsOut,
)
from jobdating.registration.adapters.remote_openings import RemoteOpenings, Unreachable
from jobdating.registration.application import contact_openings, greeting
from jobdating.registration.application.service import RegistrationService
from jobdating.registration.domain.candidate_rules import UNKNOWN_CANDIDATE
from jobdating.registration.domain.commands import OpenCandidateContact
from jobdating.registration.domain.errors import NotAllowed, NotFound, Rejected
from jobdating.registration.domain.opening_rules import check_purpose
from jobdating.registration.domain.permissions import may_read_openings
from jobdating.runtime.auth import Principal, require

SiteHost = Annotated[Principal, Depends(require("site_manager"))]
UNREACHABLE = "la structure de ce candidat ne répond pas pour l'instant : réessayer dans un moment"
NOT_YOURS = "seule la structure qui suit ce candidat voit qui a ouvert ses coordonnées"


def purposes_router(svc: RegistrationService, remote: RemoteOpenings) -> APIRouter:
    router = APIRouter(tags=["personal data for a purpose"])

    @router.get(
        "/sites/{site_id}/expected-candidates",
        response_model=ExpectedAtSiteOut,
        summary="Candidats attendus sur un site",
        description=(
            "Le responsable d'un site lit les noms des candidats attendus sur ce site, pour les accueillir "
            "le jour même."
        ),
    )
    def expected_candidates(site_id: str, principal: SiteHost) -> Any:
        """The names of the candidates expected at a site the caller's organisation hosts, for the job
        dating held today or the next one (the first day, from today, one of the site's candidates is
        available): first and last names and their window, to greet and check them in. No phone, e-mail
        or address, and only the site's own hosts (`site_manager`)."""
        view = greeting.expected_candidates(svc.store, principal, site_id, svc.today())
        return msgspec.to_builtins(view)

    @router.post(
        "/candidates/{candidate_id}/contact-openings",
        status_code=status.HTTP_201_CREATED,
        response_model=ContactOpenedOut,
        summary="Ouvrir les coordonnées d'un candidat",
        description=(
            "La coordination lit les coordonnées d'un candidat (noms, téléphone, courriel) pour un motif "
            "déclaré ; chaque ouverture est tracée."
        ),
    )
    async def open_contact(
        candidate_id: str, body: ContactOpeningIn, principal: Coordinator, request: Request
    ) -> Any:
        """A coordinator opens a candidate's contact (names, phone, e-mail) for a stated purpose:
        `convocation_failed` (la convocation n'a pas pu être envoyée), `day_of_change` (changement le jour
        même) or `duplicate_check` (vérification de doublon). The opening is recorded in the candidate's
        stream, for their organisation to see. A candidate held by another organisation's own instance is
        asked of it over the bus (give `referring_org`); the answer comes back sealed to this instance."""
        purpose = check_purpose(body.purpose)
        cmd = OpenCandidateContact(
            candidate_id=candidate_id,
            purpose=purpose,
            opened_by=principal.actor_id,
            opened_by_org=principal.org,
        )
        here = await run_in_threadpool(contact_openings.referring_org_of, svc.store, candidate_id)
        if here is not None or body.referring_org in (None, svc.org):
            contact, _ = await run_in_threadpool(contact_openings.open_here, svc, cmd, correlation(request))
        else:
            assert body.referring_org is not None
            try:
                contact = await remote.open(body.referring_org, cmd)
            except Unreachable as exc:
                svc.log.warning("contact_opening_unreachable", org=body.referring_org, error=str(exc))
                raise HTTPException(
                    status.HTTP_503_SERVICE_UNAVAILABLE, [{"field": "referring_org", "reason": UNREACHABLE}]
                ) from None
        return {"candidate_id": candidate_id, "purpose": purpose, "contact": msgspec.to_builtins(contact)}

    @router.get(
        "/candidates/{candidate_id}/contact-openings",
        response_model=OpeningsOut,
        summary="Qui a ouvert les coordonnées d'un candidat",
    )
    def list_openings(candidate_id: str, principal: Follower) -> Any:
        """La coordination ou la structure du candidat voit qui a ouvert ses coordonnées, pour quel motif
        et quand."""
        # Account ids, no names: for the coordinators and counsellors of the candidate's organisation.
        org = contact_openings.referring_org_of(svc.store, candidate_id)
        if org is None:
            raise Rejected([NotFound("candidate_id", UNKNOWN_CANDIDATE)])
        if not may_read_openings(principal, org):
            raise Rejected([NotAllowed("candidate_id", NOT_YOURS)])
        items = contact_openings.openings(svc.store, candidate_id)
        return {"candidate_id": candidate_id, "items": [msgspec.to_builtins(o) for o in items]}

    return router
