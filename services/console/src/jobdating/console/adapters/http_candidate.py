"""Candidates' personal links (`/c/{token}`): signed and expiring, no account, no password."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from jobdating.console.adapters.web import Web
from jobdating.console.application.candidate import BRING, my_interviews
from jobdating.console.application.ports import Refused, Unreachable
from jobdating.console.domain.links import BadLink, form_token, verify

DOWN = "Nous ne pouvons pas afficher vos entretiens pour l'instant. Réessayez dans un moment."


def router(web: Web) -> APIRouter:
    api = APIRouter(include_in_schema=False)

    @api.get("/c/{token}")
    def my_page(request: Request, token: str) -> Response:
        try:
            link = verify(web.key, token, web.clock.now())
        except BadLink as exc:
            reason = f"Désolé, {exc}. Demandez un nouveau lien à la personne qui vous suit."
            return web.refused(request, None, 410 if "expiré" in str(exc) else 404, [reason])
        if web.reader_token is None:
            return web.refused(request, None, 503, [DOWN])
        try:
            view = my_interviews(web.services, web.reader_token, link.candidate_id)
        except (Refused, Unreachable):
            return web.refused(request, None, 503, [DOWN])
        return web.page(
            request, "candidate.html", None, view=view, bring=BRING, csrf=form_token(web.key, token)
        )

    return api
