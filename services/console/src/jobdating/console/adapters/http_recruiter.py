"""A recruiter's pages: their job datings, the agenda with each interview's outcome, second interviews,
and the anonymous profiles to rank before the day. The company is the recruiter's own organisation."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, FastAPI, Request, Response
from fastapi.responses import RedirectResponse

from jobdating.console.adapters.http_answers import sent, shown_page
from jobdating.console.adapters.web import Web, check_csrf
from jobdating.console.application import interview_notes, recruiter
from jobdating.console.application.sessions import Session
from jobdating.console.domain.permissions import may_recruit

NOT_A_RECRUITER = "Ces pages sont celles des recruteurs des entreprises."


class NotARecruiter(Exception):
    """A recruiter's page opened by someone of another role."""


def router(web: Web) -> APIRouter:
    api = APIRouter(include_in_schema=False)

    def recruiting(request: Request) -> Session:
        session = web.signed_in(request)
        if not may_recruit(session.roles):
            raise NotARecruiter()
        return session

    def back(job_dating_id: str, tail: str) -> Response:
        return RedirectResponse(f"/recrutement/{quote(job_dating_id, safe='')}/{tail}", status_code=303)

    def page(request: Request, name: str, read: Callable[[Session, str], dict[str, Any]]) -> Response:
        """The recruiter's page `name`, filled with what `read` asks of the services with their token."""
        session = recruiting(request)
        return shown_page(web, request, session, name, lambda token: read(session, token))

    @api.get("/recrutement")
    def job_datings(request: Request) -> Response:
        return page(
            request,
            "recruiter_job_datings.html",
            lambda _, token: {"job_datings": recruiter.job_datings(web.services, token)},
        )

    @api.get("/recrutement/{job_dating_id}/agenda")
    def agenda(request: Request, job_dating_id: str) -> Response:
        return page(
            request,
            "recruiter_agenda.html",
            lambda session, token: {
                "view": recruiter.agenda(web.services, token, job_dating_id, session.org, web.zone),
                "outcomes": recruiter.OUTCOMES,
                "note_length": interview_notes.NOTE_LENGTH,
            },
        )

    @api.post("/recrutement/{job_dating_id}/entretiens/{slot_id}/resultat")
    async def outcome(request: Request, job_dating_id: str, slot_id: str) -> Response:
        session = recruiting(request)
        fields = await check_csrf(request, session.csrf)
        token, chosen, who = str(session.token), fields.get("outcome", ""), fields.get("candidate", "")
        if chosen not in recruiter.OUTCOMES:
            web.flash(session, f"Choisissez dans la liste le résultat de l'entretien avec {who}.")
            return back(job_dating_id, "agenda")
        await sent(
            web,
            session,
            f"Résultat enregistré pour {who} : {recruiter.OUTCOMES[chosen]}.",
            f"Résultat non enregistré pour {who}",
            lambda: recruiter.record_outcome(web.services, token, slot_id, chosen),
        )
        return back(job_dating_id, "agenda")

    @api.post("/recrutement/{job_dating_id}/entretiens/{slot_id}/note")
    async def write_note(request: Request, job_dating_id: str, slot_id: str) -> Response:
        session = recruiting(request)
        fields = await check_csrf(request, session.csrf)
        token, text, who = str(session.token), fields.get("note", ""), fields.get("candidate", "")
        await sent(
            web,
            session,
            f"Note enregistrée pour {who}.",
            f"Note non enregistrée pour {who}",
            lambda: interview_notes.write(web.services, token, slot_id, text),
        )
        return back(job_dating_id, f"agenda#entretien-{quote(slot_id, safe='')}")

    @api.get("/recrutement/{job_dating_id}/entretiens/{slot_id}/second-entretien")
    def second_interview(request: Request, job_dating_id: str, slot_id: str, lieu: str = "site") -> Response:
        place = lieu if lieu in recruiter.PLACES else "site"
        return page(
            request,
            "recruiter_second.html",
            lambda _, token: {
                "job_dating_id": job_dating_id,
                "place": place,
                "places": recruiter.PLACES,
                "times": recruiter.proposals(web.services, token, slot_id, place, web.zone),
            },
        )

    @api.post("/recrutement/{job_dating_id}/entretiens/{slot_id}/second-entretien")
    async def book_second_interview(request: Request, job_dating_id: str, slot_id: str) -> Response:
        session = recruiting(request)
        fields = await check_csrf(request, session.csrf)
        token, place = str(session.token), fields.get("place", "site")
        booked = await sent(
            web,
            session,
            f"Second entretien réservé : {fields.get('words', '')}. Le candidat est prévenu.",
            "Second entretien non réservé",
            lambda: recruiter.book_second_interview(
                web.services,
                token,
                slot_id,
                fields.get("starts_at", ""),
                place,
                fields.get("computer_id") or None,
                fields.get("address", "").strip() or None,
            ),
        )
        if booked:
            return back(job_dating_id, "agenda")
        return back(
            job_dating_id, f"entretiens/{quote(slot_id, safe='')}/second-entretien?lieu={quote(place)}"
        )

    @api.get("/recrutement/{job_dating_id}/profils")
    def profiles(request: Request, job_dating_id: str) -> Response:
        return page(
            request,
            "recruiter_profiles.html",
            lambda session, token: {
                "job_dating": recruiter.job_dating(web.services, token, job_dating_id),
                "profiles": recruiter.profiles(web.services, token, job_dating_id, session.org),
                "must": recruiter.MUST_MEET,
            },
        )

    @api.post("/recrutement/{job_dating_id}/profils")
    async def rank(request: Request, job_dating_id: str) -> Response:
        session = recruiting(request)
        fields = await check_csrf(request, session.csrf)
        token = str(session.token)

        def save() -> tuple[int, int]:
            shown = recruiter.profiles(web.services, token, job_dating_id, session.org)
            ranked, must = recruiter.choices_of(fields, [p.candidate_id for p in shown])
            recruiter.save_choices(web.services, token, job_dating_id, session.org, ranked, must)
            return len(ranked), len(must)

        await sent(
            web,
            session,
            lambda counts: (
                f"Vos choix sont enregistrés : {counts[0]} classé(s), {counts[1]} à rencontrer absolument."
            ),
            "Vos choix ne sont pas enregistrés",
            save,
        )
        return back(job_dating_id, "profils")

    return api


def install(app: FastAPI, web: Web) -> None:
    """Another role's person opening a recruiter's page is told so, in French."""

    async def refused(request: Request, _: Exception) -> Response:
        return web.refused(request, web.session(request), 403, [NOT_A_RECRUITER])

    app.add_exception_handler(NotARecruiter, refused)
