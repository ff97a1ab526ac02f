"""« Mes candidats »: a counsellor's candidates and their plan, the call list, the outcomes; one candidate's
page, refused when the counsellor does not follow them (registration shows them no name); the workshops and
individual interviews a coach or counsellor runs."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse

from jobdating.console.adapters.http_answers import sent
from jobdating.console.adapters.pages import form_for, page_for
from jobdating.console.adapters.web import Web
from jobdating.console.application import coaching, counsellor, interview_notes
from jobdating.console.application.ports import Refused
from jobdating.console.domain.permissions import may_coach, may_counsel

ONLY_COUNSEL = "Cette page est réservée aux conseillers."
ONLY_COACHES = "Cette page est réservée aux conseillers et aux coachs."


def router(web: Web) -> APIRouter:
    api = APIRouter(include_in_schema=False)

    @api.get("/conseil")
    def my_candidates(request: Request) -> Response:
        return page_for(
            web,
            request,
            may_counsel,
            ONLY_COUNSEL,
            "counsellor.html",
            lambda session, token: counsellor.my_candidates(
                web.services, token, session.account_id, web.zone
            ),
        )

    @api.get("/conseil/candidats/{candidate_id}")
    def one_candidate(request: Request, candidate_id: str) -> Response:
        return page_for(
            web,
            request,
            may_counsel,
            ONLY_COUNSEL,
            "counsellor_candidate.html",
            lambda _, token: counsellor.one_candidate(web.services, token, candidate_id, web.zone),
            note_length=interview_notes.NOTE_LENGTH,
        )

    @api.post("/conseil/candidats/{candidate_id}/entretiens/{slot_id}/note")
    async def write_note(request: Request, candidate_id: str, slot_id: str) -> Response:
        session, token, fields = await form_for(web, request, may_counsel, ONLY_COUNSEL)
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
        return page_for(
            web,
            request,
            may_coach,
            ONLY_COACHES,
            "coaching.html",
            lambda session, token: coaching.to_run(web.services, token, session.account_id, web.zone),
        )

    @api.post("/conseil/ateliers/{workshop_id}/presences")
    async def record_attendance(request: Request, workshop_id: str) -> Response:
        session, token, fields = await form_for(web, request, may_coach, ONLY_COACHES)

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
