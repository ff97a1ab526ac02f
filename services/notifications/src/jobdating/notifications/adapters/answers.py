"""Hands a candidate's answer (their reply to an SMS) to the registration instance of their organisation,
over NATS request-reply: registration records it as from their personal link."""

from __future__ import annotations

from typing import Literal

from nats.aio.client import Client

from jobdating.contracts.queries import (
    CANDIDATE_ANSWER_QUESTION,
    CandidateAnswerReply,
    CandidateAnswerRequest,
)
from jobdating.contracts.registration import SERVICE as REGISTRATION
from jobdating.contracts.subjects import request_subject
from jobdating.notifications.application.ports import AnswersUnavailable, RelayedAnswer
from jobdating.runtime.rpc import RpcError, ask

REQUESTER = "notifications"


class RegistrationAnswers:
    """The `CandidateAnswers` port over NATS; connected once the service has its connection."""

    def __init__(self, wait: float = 2.0) -> None:
        self.nc: Client | None = None
        self.wait = wait

    def connect(self, nc: Client) -> None:
        self.nc = nc

    async def relay(
        self, org: str, candidate_id: str, answer: Literal["coming", "not_coming"], correlation_id: str
    ) -> RelayedAnswer:
        if self.nc is None:
            raise AnswersUnavailable("not connected to NATS yet")
        request = CandidateAnswerRequest(
            candidate_id=candidate_id, answer=answer, requester=REQUESTER, correlation_id=correlation_id
        )
        subject = request_subject(org, REGISTRATION, CANDIDATE_ANSWER_QUESTION)
        try:
            reply = await ask(self.nc, subject, request, CandidateAnswerReply, wait=self.wait)
        except RpcError as exc:
            raise AnswersUnavailable(str(exc)) from exc
        return RelayedAnswer(status=reply.status, reason=reply.reason)
