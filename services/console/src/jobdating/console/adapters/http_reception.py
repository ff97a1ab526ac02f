"""The home page and reception: today's candidates at the host's site, check-in in one tap."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse

from jobdating.console.adapters.web import SignInAgain, Web, check_csrf
from jobdating.console.application import reception
from jobdating.console.application.ports import Refused, Unreachable
from jobdating.console.domain.permissions import (
    may_coach,
    may_coordinate,
    may_counsel,
    may_invite,
    may_receive,
)

DOWN = "Un service ne répond pas pour l'instant. Réessayez dans un moment."


def router(web: Web) -> APIRouter:
    api = APIRouter(include_in_schema=False)

    @api.get("/")
    def home(request: Request) -> Response:
        session = web.signed_in(request)
        if may_coordinate(session.roles):
            return RedirectResponse("/coordination/direct", status_code=303)
        if may_receive(session.roles):
            return RedirectResponse("/accueil", status_code=303)
        if may_counsel(session.roles):
            return RedirectResponse("/conseil", status_code=303)
        if may_coach(session.roles):
            return RedirectResponse("/conseil/ateliers", status_code=303)
        if may_invite(session.roles):
            return RedirectResponse("/partenaires", status_code=303)
        return web.page(request, "home.html", session)

    @api.get("/accueil")
    def sites(request: Request) -> Response:
        session = web.signed_in(request)
        assert session.token is not None
        try:
            hosted = reception.hosted_sites(web.services, session.token, session.org)
        except Refused as exc:
            return refusal(web, request, exc)
        except Unreachable:
            return web.refused(request, session, 503, [DOWN])
        if len(hosted) == 1:
            return RedirectResponse(f"/accueil/sites/{quote(hosted[0].site_id, safe='')}", status_code=303)
        return web.page(request, "sites.html", session, sites=hosted)

    @api.get("/accueil/sites/{site_id}")
    def expected(request: Request, site_id: str) -> Response:
        session = web.signed_in(request)
        assert session.token is not None
        try:
            view = reception.reception(web.services, session.token, site_id, web.zone)
        except Refused as exc:
            return refusal(web, request, exc)
        except Unreachable:
            return web.refused(request, session, 503, [DOWN])
        return web.page(request, "reception.html", session, view=view)

    @api.post("/accueil/sites/{site_id}/arrivees")
    async def check_in(request: Request, site_id: str) -> Response:
        session = web.signed_in(request)
        fields = await check_csrf(request, session.csrf)
        assert session.token is not None
        name = fields.get("name", "")
        try:
            await run_in_threadpool(
                reception.check_in,
                web.services,
                session.token,
                fields.get("job_dating_id", ""),
                site_id,
                fields.get("candidate_id", ""),
            )
            session.flash.append(f"Arrivée enregistrée : {name}.")
        except Refused as exc:
            if exc.status == 401:
                raise SignInAgain("expiree") from exc
            session.flash.append(f"Arrivée non enregistrée ({name}) : " + " ".join(exc.reasons))
        except Unreachable:
            session.flash.append(DOWN)
        return RedirectResponse(f"/accueil/sites/{quote(site_id, safe='')}", status_code=303)

    return api


def refusal(web: Web, request: Request, exc: Refused) -> Response:
    """A service's refusal as a French page (403, 404 or 400); an expired token: sign in again."""
    if exc.status == 401:
        raise SignInAgain("expiree") from exc
    session = web.session(request)
    reasons = exc.reasons or ["Cette page ne vous est pas accessible."]
    return web.refused(request, session, exc.status if exc.status in (403, 404) else 400, reasons)
