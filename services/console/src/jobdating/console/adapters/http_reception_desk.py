"""Reception beyond check-in (a late arrival is a check-in too, in `http_reception`): a walk-in, the site's
computers, the day's sheet to print."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse

from jobdating.console.adapters.http_answers import DOWN, sent, shown, shown_page
from jobdating.console.adapters.web import SignInAgain, Web, check_csrf
from jobdating.console.application import reception, reception_desk
from jobdating.console.application.ports import Refused, Unreachable

LABELS = reception_desk.WALK_IN_FIELDS


def router(web: Web) -> APIRouter:
    api = APIRouter(include_in_schema=False)

    def back(site_id: str, tail: str = "") -> Response:
        return RedirectResponse(f"/accueil/sites/{quote(site_id, safe='')}{tail}", status_code=303)

    @api.get("/accueil/sites/{site_id}/sur-place")
    def walk_in_page(request: Request, site_id: str) -> Response:
        session = web.signed_in(request)
        form = reception_desk.WalkIn()
        return web.page(request, "reception_walk_in.html", session, site_id=site_id, form=form, labels=LABELS)

    @api.post("/accueil/sites/{site_id}/sur-place")
    async def walk_in(request: Request, site_id: str) -> Response:
        session = web.signed_in(request)
        fields = await check_csrf(request, session.csrf)
        form = reception_desk.walk_in_form(fields)
        try:
            await run_in_threadpool(
                reception_desk.register_walk_in, web.services, str(session.token), site_id, form
            )
        except (Refused, Unreachable) as exc:
            status = reception_desk.refused_walk_in(form, exc, DOWN)
            if status == 401:
                raise SignInAgain("expiree") from exc
            return web.page(
                request, "reception_walk_in.html", session, status, site_id=site_id, form=form, labels=LABELS
            )
        name = f"{form.values['first_name']} {form.values['last_name']}"
        web.flash(
            session, f"{name} est inscrit et noté arrivé. Ses entretiens suivent s'il reste de la place."
        )
        return back(site_id)

    @api.get("/accueil/sites/{site_id}/ordinateurs")
    def computers(request: Request, site_id: str) -> Response:
        session = web.signed_in(request)
        return shown_page(
            web,
            request,
            session,
            "reception_computers.html",
            lambda token: {
                "site_id": site_id,
                "computers": reception_desk.computers(web.services, token, site_id),
            },
        )

    @api.post("/accueil/sites/{site_id}/ordinateurs/{computer_id}/panne")
    async def out_of_order(request: Request, site_id: str, computer_id: str) -> Response:
        session = web.signed_in(request)
        fields = await check_csrf(request, session.csrf)
        token, label = str(session.token), fields.get("label", "")
        reason = fields.get("reason", "").strip() or "en panne"
        await sent(
            web,
            session,
            f"{label} est noté en panne. Les entretiens prévus dessus sont déplacés.",
            f"{label} n'est pas noté en panne",
            lambda: reception_desk.out_of_order(web.services, token, computer_id, reason),
        )
        return back(site_id, "/ordinateurs")

    @api.post("/accueil/sites/{site_id}/ordinateurs/{computer_id}/remise-en-service")
    async def back_in_service(request: Request, site_id: str, computer_id: str) -> Response:
        session = web.signed_in(request)
        fields = await check_csrf(request, session.csrf)
        token, label = str(session.token), fields.get("label", "")
        await sent(
            web,
            session,
            f"{label} marche de nouveau.",
            f"{label} n'est pas remis en service",
            lambda: reception_desk.back_in_service(web.services, token, computer_id),
        )
        return back(site_id, "/ordinateurs")

    @api.get("/accueil/sites/{site_id}/feuille")
    def sheet(request: Request, site_id: str) -> Response:
        session = web.signed_in(request)
        token = str(session.token)

        def render() -> Response:
            view = reception.reception(web.services, token, site_id, web.zone)
            rows = reception_desk.sheet(web.services, token, view)
            return web.page(request, "reception_sheet.html", session, view=view, rows=rows)

        return shown(web, request, render)

    return api
