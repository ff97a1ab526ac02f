"""« Mes candidats »: a counsellor's candidates and their plan, the call list, the outcomes; one candidate's
page, refused when the counsellor does not follow them (registration shows them no name); the workshops and
individual interviews a coach or counsellor runs."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse

from jobdating.console.adapters.http_answers import sent
from jobdating.console.adapters.pages import Gate
from jobdating.console.adapters.web import Web
from jobdating.console.application import coaching, counsellor, interview_notes
from jobdating.console.application.ports import Refused, Services
from jobdating.console.application.sessions import Session
from jobdating.console.domain.permissions import may_coach, may_counsel

ONLY_COUNSEL = "Cette page est réservée aux conseillers."
ONLY_COACHES = "Cette page est réservée aux conseillers et aux coachs."


def router(web: Web) -> APIRouter:
    api = APIRouter(include_in_schema=False)
    counsel = Gate(web, may_counsel, ONLY_COUNSEL)
    coach = Gate(web, may_coach, ONLY_COACHES)

    def own(read: Callable[[Services, str, str, ZoneInfo], Any]) -> Callable[[Session, str], Any]:
        """`read` asked for the person signed in (their own account), in the console's time zone."""
        return lambda session, token: read(web.services, token, session.account_id, web.zone)

    @api.get("/conseil")
    def my_candidates(request: Request) -> Response:
        return counsel.page(request, "counsellor.html", own(counsellor.my_candidates))

    @api.get("/conseil/candidats/{candidate_id}")
    def one_candidate(request: Request, candidate_id: str) -> Response:
        return counsel.page(
            request,
            "counsellor_candidate.html",
            lambda _, token: counsellor.one_candidate(web.services, token, candidate_id, web.zone),
            note_length=interview_notes.NOTE_LENGTH,
        )

    @api.post("/conseil/candidats/{candidate_id}/entretiens/{slot_id}/note")
    async def write_note(request: Request, candidate_id: str, slot_id: str) -> Response:
        session, token, fields = await counsel.form(request)
        text = fields.get("note", "")
        await sent(
            web,
            session,
            "Note enregistrée.",
            "Note non enregistrée",
            lambda: interview_notes.write(web.services, token, slot_id, text),
        )
        target = f"/conseil/candidats/{quote(candidate_id, safe='')}#entretien-{quote(slot_id, safe='')}"
        return RedirectResponse(target, status_code=303)

    @api.get("/conseil/ateliers")
    def to_run(request: Request) -> Response:
        return coach.page(request, "coaching.html", own(coaching.to_run))

    @api.post("/conseil/ateliers/{workshop_id}/presences")
    async def record_attendance(request: Request, workshop_id: str) -> Response:
        session, token, fields = await coach.form(request)

        def record() -> tuple[int, int]:
            enrolled = coaching.enrolled(web.services, token, workshop_id)
            present, absent, unsaid = coaching.presences(fields, enrolled)
            if unsaid:
                raise Refused(400, [f"indiquez pour chaque inscrit s'il était là ({unsaid} sans réponse)"])
            coaching.record_attendance(web.services, token, workshop_id, present, absent)
            return len(present), len(absent)

        await sent(
            web,
            session,
            lambda counts: f"Présences enregistrées : {counts[0]} présent(s), {counts[1]} absent(s).",
            "Présences non enregistrées",
            record,
        )
        return RedirectResponse(f"/conseil/ateliers#atelier-{quote(workshop_id, safe='')}", status_code=303)

    return api
