"""« Changer à la main »: one interview's page with its move and cancel forms, the add form, and the
confirm step every change goes through before scheduling judges it (refusals shown with their reasons,
« passer outre » offered only where scheduling allows it)."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse

from jobdating.console.adapters.coordination import asked, coordinator
from jobdating.console.adapters.web import Web, check_csrf
from jobdating.console.application import by_hand
from jobdating.console.application.live_day import job_dating_of_the_day
from jobdating.console.application.plan_views import candidate_name
from jobdating.console.application.sessions import Session


def router(web: Web) -> APIRouter:
    api = APIRouter(include_in_schema=False)

    @api.get("/coordination/entretiens/{slot_id}")
    def interview_page(request: Request, slot_id: str) -> Response:
        session, token = coordinator(web, request)
        shown = asked(web, request, session, lambda: by_hand.interview(web.services, token, slot_id))
        computers = asked(
            web, request, session, lambda: by_hand.computers_of(web.services, token, shown.site_id)
        )
        sites = asked(web, request, session, lambda: by_hand.sites_of(web.services, token))
        return web.page(
            request, "interview.html", session, shown=shown, computers=computers, sites=sites, here="plan"
        )

    @api.get("/coordination/nouvel-entretien")
    def new_interview_page(request: Request, candidat: str = "") -> Response:
        session, token = coordinator(web, request)

        def read() -> tuple[str | None, str, list[tuple[str, str]]]:
            jd = job_dating_of_the_day(web.services, token)
            who = candidate_name(web.services, token, candidat) if candidat else ""
            return (
                str(jd["job_dating_id"]) if jd else None,
                who,
                by_hand.companies_of(web.services, token),
            )

        jd_id, who, companies = asked(web, request, session, read)
        return web.page(
            request,
            "interview_new.html",
            session,
            job_dating_id=jd_id,
            candidate_id=candidat,
            who=who,
            companies=companies,
            here="plan",
        )

    async def submit(request: Request, kind: by_hand.Kind, slot_id: str | None) -> Response:
        session, token = coordinator(web, request)
        fields = await check_csrf(request, session.csrf)
        change = by_hand.change_from(kind, fields, slot_id)
        if change.problems:
            return await _page(web, request, session, change, status=422, reasons=change.problems)
        if fields.get("step") != "apply":
            return await _page(web, request, session, change)
        outcome = await run_in_threadpool(
            asked, web, request, session, lambda: by_hand.apply(web.services, token, change)
        )
        if isinstance(outcome, by_hand.Refusal):
            status = 409 if outcome.forceable else 400
            return await _page(web, request, session, change, status=status, refusal=outcome)
        forced = " en passant outre les règles" if change.force else ""
        web.flash(
            session, f"Entretien {by_hand.DONE[kind]}{forced}. Les personnes concernées sont prévenues."
        )
        return RedirectResponse(f"/coordination/entretiens/{quote(outcome, safe='')}", status_code=303)

    @api.post("/coordination/entretiens/{slot_id}/deplacer")
    async def move(request: Request, slot_id: str) -> Response:
        return await submit(request, "move", slot_id)

    @api.post("/coordination/entretiens/{slot_id}/annuler")
    async def cancel(request: Request, slot_id: str) -> Response:
        return await submit(request, "cancel", slot_id)

    @api.post("/coordination/nouvel-entretien")
    async def add(request: Request) -> Response:
        return await submit(request, "add", None)

    return api


async def _page(
    web: Web,
    request: Request,
    session: Session,
    change: by_hand.Change,
    *,
    status: int = 200,
    reasons: list[str] | None = None,
    refusal: by_hand.Refusal | None = None,
) -> Response:
    """The confirm step, or the refusal (the console's own reasons, or scheduling's)."""
    if change.kind == "add":
        action, back = "/coordination/nouvel-entretien", "/coordination/planning?par=candidate"
    else:
        assert change.slot_id is not None
        back = f"/coordination/entretiens/{quote(change.slot_id, safe='')}"
        action = back + ("/deplacer" if change.kind == "move" else "/annuler")
    said = await run_in_threadpool(
        asked, web, request, session, lambda: by_hand.described(web.services, session.token or "", change)
    )
    return web.page(
        request,
        "change.html",
        session,
        status=status,
        change=change,
        said=said,
        verb=by_hand.VERBS[change.kind],
        action=action,
        back=back,
        reasons=reasons or (refusal.reasons if refusal else []),
        refusal=refusal,
        here="plan",
    )
