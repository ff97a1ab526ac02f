"""Candidates' personal links (`/c/{token}`): signed and expiring, no account, no password. Their answer
(« Je viens », « Je ne peux pas venir ») goes to registration with the link itself, which it checks."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.concurrency import run_in_threadpool

from jobdating.console.adapters.web import Web, check_csrf
from jobdating.console.application.candidate import BRING, my_interviews
from jobdating.console.application.ports import Refused, Unreachable
from jobdating.runtime.candidate_links import BadLink, form_token, verify

DOWN = "Nous ne pouvons pas afficher vos entretiens pour l'instant. Réessayez dans un moment."
NOT_SENT = "Votre réponse n'a pas pu être envoyée. Réessayez dans un moment."
DONE = {
    "coming": "Merci. C'est noté : vous venez.",
    "not_coming": "C'est noté : vous ne viendrez pas. Vos entretiens sont libérés pour d'autres personnes.",
}


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
            request,
            "candidate.html",
            None,
            view=view,
            bring=BRING,
            token=token,
            csrf=form_token(web.key, token),
        )

    @api.post("/c/{token}/reponse")
    async def answer(request: Request, token: str) -> Response:
        fields = await check_csrf(request, form_token(web.key, token))
        try:
            verify(web.key, token, web.clock.now())
        except BadLink as exc:
            return web.refused(request, None, 404, [f"Désolé, {exc}."])
        answer = fields.get("answer", "")
        if answer not in DONE:
            return web.refused(request, None, 400, [NOT_SENT])
        if answer == "not_coming" and fields.get("sure") != "oui":
            # Saying one cannot come frees the interviews for others: asked once more, in plain words.
            return web.page(
                request, "candidate_sure.html", None, token=token, csrf=form_token(web.key, token)
            )
        try:
            await run_in_threadpool(
                web.services.post, "registration", "/candidate-answers", "", {"link": token, "answer": answer}
            )
        except Refused as exc:
            return web.refused(request, None, 409 if exc.status == 409 else 400, exc.reasons or [NOT_SENT])
        except Unreachable:
            return web.refused(request, None, 503, [NOT_SENT])
        return web.page(request, "candidate_done.html", None, message=DONE[answer], token=token)

    return api
