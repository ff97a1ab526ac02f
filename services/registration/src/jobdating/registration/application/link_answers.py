"""A candidate's answer from their personal link (the console's « Je viens » / « Je ne peux pas venir »),
or from a reply to one of our SMS (OUI / NON, relayed by notifications: `record`).

The link is the candidate's only credential: this service checks its signature and expiry itself (the key
is shared with the console that makes the links), then records the answer as the candidate's own:
« Je viens » as `CandidateConfirmedAttendance`, « Je ne peux pas venir » as a withdrawal for the listed
reason « indisponible à la date », which scheduling reads to free their interviews for others. An SMS
reply takes the same path; notifications found the candidate from the message they answered.
"""

from __future__ import annotations

from typing import Final, Literal

from jobdating.contracts.queries import CandidateAnswerReply, CandidateAnswerRequest
from jobdating.contracts.registration import CANNOT_COME as CANNOT_COME_REASON
from jobdating.eventstore.base import StoredEvent
from jobdating.registration.application.handlers import CANDIDATES, RegistrationHandlers
from jobdating.registration.domain import decide as rules
from jobdating.registration.domain.commands import WithdrawCandidate
from jobdating.registration.domain.errors import NotFound, Rejected
from jobdating.runtime.candidate_links import BadLink, verify
from jobdating.runtime.commands import Meta, UnitOfWork
from jobdating.runtime.ids import new_id

Answer = Literal["coming", "not_coming"]
LINK_ACTOR: Final = "candidate-link"  # the actor of answers given through a personal link
SMS_ACTOR: Final = "candidate-sms"  # the actor of answers given by replying to an SMS
CANNOT_COME: Final = CANNOT_COME_REASON
NO_LINKS: Final = "les liens personnels des candidats ne sont pas activés sur ce service"


class LinkAnswers:
    def __init__(self, handlers: RegistrationHandlers, key: bytes | None):
        self.handlers = handlers
        self.key = key

    def answer(self, token: str, answer: Answer, correlation_id: str | None = None) -> list[StoredEvent]:
        if self.key is None:
            raise Rejected([NotFound("link", NO_LINKS)])
        service = self.handlers.service
        try:
            link = verify(self.key, token, service.clock.now())
        except BadLink as exc:
            raise Rejected([NotFound("link", f"{exc} : demandez un nouveau lien")]) from None
        return self.record(link.candidate_id, answer, LINK_ACTOR, correlation_id)

    def record(
        self, candidate_id: str, answer: Answer, actor: str, correlation_id: str | None = None
    ) -> list[StoredEvent]:
        """The candidate's answer as their own (`actor` says how it came), once the candidate is known."""
        service = self.handlers.service
        meta = Meta(org=service.org, actor_id=actor, correlation_id=correlation_id or new_id())
        steps = self.handlers.steps

        def work(w: UnitOfWork) -> list[StoredEvent]:
            state = w.fold(CANDIDATES, candidate_id)
            if answer == "coming":
                events = rules.confirm_attendance(candidate_id, state)
            else:
                withdraw = WithdrawCandidate(candidate_id=candidate_id, reason=CANNOT_COME)
                events = rules.withdraw_candidate(withdraw, state)
            return steps.append(w, candidate_id, events, meta)

        name = "ConfirmAttendance" if answer == "coming" else "WithdrawCandidate"
        return steps.run(name, candidate_id, work, meta)


def relayed(answers: LinkAnswers, request: CandidateAnswerRequest) -> CandidateAnswerReply:
    """A candidate's answer relayed by notifications (a reply to an SMS), recorded like a link's answer."""
    try:
        answers.record(request.candidate_id, request.answer, SMS_ACTOR, request.correlation_id)
    except Rejected as exc:
        reason = "; ".join(e.reason for e in exc.errors)
        return CandidateAnswerReply(status="unknown" if exc.kind == "not_found" else "refused", reason=reason)
    return CandidateAnswerReply(status="recorded")
