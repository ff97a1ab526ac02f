"""The home page and reception: today's candidates at the host's site, check-in in one tap."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse

# `DOWN` and `_refused` are kept importable from here for the pages that took them from this module.
from jobdating.console.adapters.http_answers import DOWN, sent, shown, shown_page
from jobdating.console.adapters.http_answers import refused as _refused
from jobdating.console.adapters.web import Web, check_csrf
from jobdating.console.application import reception
from jobdating.console.domain.permissions import first_page

__all__ = ["DOWN", "_refused", "router"]


def router(web: Web) -> APIRouter:
    api = APIRouter(include_in_schema=False)

    @api.get("/")
    def home(request: Request) -> Response:
        session = web.signed_in(request)
        target = first_page(session.roles)
        if target is not None:
            return RedirectResponse(target, status_code=303)
        return web.page(request, "home.html", session)

    @api.get("/accueil")
    def sites(request: Request) -> Response:
        session = web.signed_in(request)
        token = str(session.token)

        def render() -> Response:
            hosted = reception.hosted_sites(web.services, token, session.org)
            if len(hosted) == 1:
                target = f"/accueil/sites/{quote(hosted[0].site_id, safe='')}"
                return RedirectResponse(target, status_code=303)
            return web.page(request, "sites.html", session, sites=hosted)

        return shown(web, request, render)

    @api.get("/accueil/sites/{site_id}")
    def expected(request: Request, site_id: str) -> Response:
        session = web.signed_in(request)
        return shown_page(
            web,
            request,
            session,
            "reception.html",
            lambda token: {
                "view": reception.reception(web.services, token, site_id, web.zone),
            },
        )

    @api.post("/accueil/sites/{site_id}/arrivees")
    async def check_in(request: Request, site_id: str) -> Response:
        session = web.signed_in(request)
        fields = await check_csrf(request, session.csrf)
        token, name = str(session.token), fields.get("name", "")
        late = fields.get("late") == "oui"  # one declared absent, arriving after all
        what = "Arrivée en retard" if late else "Arrivée"
        await sent(
            web,
            session,
            f"{what} enregistrée : {name}.",
            f"{what} non enregistrée ({name})",
            lambda: reception.check_in(
                web.services,
                token,
                fields.get("job_dating_id", ""),
                site_id,
                fields.get("candidate_id", ""),
                late=late,
            ),
        )
        return RedirectResponse(f"/accueil/sites/{quote(site_id, safe='')}", status_code=303)

    return api
