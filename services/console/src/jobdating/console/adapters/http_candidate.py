"""Candidates' personal links (`/c/{token}`): signed and expiring, no account. The page itself comes in
the next slice; a link that was altered or expired is refused here with a French message already."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from jobdating.console.adapters.web import Web
from jobdating.console.domain.links import BadLink, verify


def router(web: Web) -> APIRouter:
    api = APIRouter(include_in_schema=False)

    @api.get("/c/{token}")
    def my_interviews(request: Request, token: str) -> Response:
        try:
            verify(web.key, token, web.clock.now())
        except BadLink as exc:
            reason = f"Désolé, {exc}. Demandez un nouveau lien à la personne qui vous suit."
            return web.refused(request, None, 410 if "expiré" in str(exc) else 404, [reason])
        return web.page(request, "candidate.html", None)

    return api
