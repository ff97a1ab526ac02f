"""« Mes candidats »: a counsellor's candidates and their plan, the call list, the outcomes; one candidate's
page, refused when the counsellor does not follow them (registration shows them no name); the workshops and
individual interviews a coach or counsellor runs."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from jobdating.console.adapters.http_reception import DOWN, refusal
from jobdating.console.adapters.web import Web
from jobdating.console.application import coaching, counsellor
from jobdating.console.application.ports import Refused, Unreachable
from jobdating.console.domain.permissions import may_coach, may_counsel

ONLY_COUNSEL = "Cette page est réservée aux conseillers."
ONLY_COACHES = "Cette page est réservée aux conseillers et aux coachs."


def router(web: Web) -> APIRouter:
    api = APIRouter(include_in_schema=False)

    @api.get("/conseil")
    def my_candidates(request: Request) -> Response:
        session = web.signed_in(request)
        if not may_counsel(session.roles):
            return web.refused(request, session, 403, [ONLY_COUNSEL])
        assert session.token is not None
        try:
            view = counsellor.my_candidates(web.services, session.token, session.account_id)
        except Refused as exc:
            return refusal(web, request, exc)
        except Unreachable:
            return web.refused(request, session, 503, [DOWN])
        return web.page(request, "counsellor.html", session, view=view)

    @api.get("/conseil/candidats/{candidate_id}")
    def one_candidate(request: Request, candidate_id: str) -> Response:
        session = web.signed_in(request)
        if not may_counsel(session.roles):
            return web.refused(request, session, 403, [ONLY_COUNSEL])
        assert session.token is not None
        try:
            person = counsellor.one_candidate(web.services, session.token, candidate_id)
        except Refused as exc:
            return refusal(web, request, exc)
        except Unreachable:
            return web.refused(request, session, 503, [DOWN])
        return web.page(request, "counsellor_candidate.html", session, person=person)

    @api.get("/conseil/ateliers")
    def to_run(request: Request) -> Response:
        session = web.signed_in(request)
        if not may_coach(session.roles):
            return web.refused(request, session, 403, [ONLY_COACHES])
        assert session.token is not None
        try:
            view = coaching.to_run(web.services, session.token, session.account_id, web.zone)
        except Refused as exc:
            return refusal(web, request, exc)
        except Unreachable:
            return web.refused(request, session, 503, [DOWN])
        return web.page(request, "coaching.html", session, view=view)

    return api
