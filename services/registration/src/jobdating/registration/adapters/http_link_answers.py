"""`POST /candidate-answers`: a candidate answers from their personal link, without an account.

No bearer token: the signed link in the body is the credential, checked here (see
`application.link_answers`)."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Request
from pydantic import BaseModel

from jobdating.registration.adapters.http_common import correlation
from jobdating.registration.application.link_answers import LinkAnswers
from jobdating.runtime.http import Body, Text


class LinkAnswerIn(Body):
    link: Text
    answer: Literal["coming", "not_coming"]


class LinkAnswerOut(BaseModel):
    candidate_id: str
    answer: Literal["coming", "not_coming"]


def link_answers_router(answers: LinkAnswers) -> APIRouter:
    router = APIRouter(tags=["candidates"])

    @router.post(
        "/candidate-answers",
        response_model=LinkAnswerOut,
        summary="La réponse d'un candidat depuis son lien personnel : il vient, ou il ne peut pas venir",
        responses={404: {"description": "the link is not valid or expired; nothing recorded"}},
        description=(
            "Le candidat répond depuis son lien personnel, sans compte : « coming » note qu'il viendra, « "
            "not_coming » le retire du job dating."
        ),
    )
    def answer(body: LinkAnswerIn, request: Request) -> LinkAnswerOut:
        """« coming » records that the candidate will come; « not_coming » withdraws them for the reason
        « indisponible à la date », which frees their interviews. Refused (404) for a link altered,
        signed with another key or expired, and (409) for a candidate who already withdrew."""
        events = answers.answer(body.link, body.answer, correlation(request))
        return LinkAnswerOut(candidate_id=events[0].stream_id, answer=body.answer)

    return router
