"""A candidate's answer from their personal link (the console's « Je viens » / « Je ne peux pas venir »).

The link is the candidate's only credential: this service checks its signature and expiry itself (the key
is shared with the console that makes the links), then records the answer as the candidate's own:
« Je viens » as `CandidateConfirmedAttendance`, « Je ne peux pas venir » as a withdrawal for the listed
reason « indisponible à la date », which scheduling reads to free their interviews for others.
"""

from __future__ import annotations

from typing import Final, Literal

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
CANNOT_COME: Final = "indisponible à la date"
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
        candidate_id = link.candidate_id
        meta = Meta(org=service.org, actor_id=LINK_ACTOR, correlation_id=correlation_id or new_id())
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
