"""A candidate's reply to one of our SMS: understood (OUI / NON), handed to registration as the candidate's
own answer (the path of their personal link), recorded as this service's fact (`CandidateRepliedBySms`),
and told to their counsellor when nothing could be done with it.

The candidate is known from the message they answered (the provider's message id of our SMS), never from
their number: nothing here looks anyone up by phone. A reply handled once (the provider calling again) is
answered the same without asking registration again.
"""

from __future__ import annotations

from dataclasses import KW_ONLY, dataclass
from datetime import timedelta
from typing import Any

import msgspec

from jobdating.contracts.envelope import decode_envelope
from jobdating.contracts.notifications import CandidateRepliedBySms, ReplyAnswer
from jobdating.eventstore.base import EventStore
from jobdating.eventstore.reading import rows
from jobdating.notifications.application import counsellor_calls, queries_deliveries, queries_facts
from jobdating.notifications.application.ports import CandidateAnswers, DeliveryWrites, ReadModelWrites
from jobdating.notifications.domain.replies import understand
from jobdating.runtime.clock import Clock
from jobdating.runtime.commands import CommandBus, Meta, UnitOfWork

ACTOR = "candidate-sms"  # the candidate, by a reply to an SMS (as registration records it)


class UnknownMessage(LookupError):
    """The reply answers no SMS we sent to a candidate (or one whose candidate we do not know)."""


class Handled(msgspec.Struct, frozen=True, kw_only=True):
    """What became of a reply: whom it was from, what it said, whether registration recorded it."""

    reply_id: str
    candidate_id: str
    answer: ReplyAnswer
    recorded: bool


@dataclass(eq=False)
class Replies:
    """Receives candidates' replies to SMS (the signed webhook has already checked who sends them)."""

    _: KW_ONLY
    store: EventStore
    bus: CommandBus
    deliveries: DeliveryWrites
    read_model: ReadModelWrites
    answers: CandidateAnswers
    clock: Clock
    org: str
    log: Any = None
    call_wait: timedelta = counsellor_calls.GATHERING

    async def receive(self, reply_id: str, in_reply_to: str, text: str, correlation_id: str) -> Handled:
        """Handle one reply; `UnknownMessage` when it answers nothing of ours, `AnswersUnavailable` (nothing
        recorded, the provider calls again) when registration does not answer."""
        answered = queries_deliveries.answered(self.store, in_reply_to)
        candidate = queries_facts.candidate(self.store, answered.recipient_id) if answered else None
        if answered is None or candidate is None:
            raise UnknownMessage(in_reply_to)
        before = self._handled(reply_id)
        if before is not None:
            return before
        answer = understand(text)
        recorded = False
        if answer != "not_understood":
            relayed = await self.answers.relay(candidate.org, candidate.candidate_id, answer, correlation_id)
            recorded = relayed.status == "recorded"
        event = CandidateRepliedBySms(
            reply_id=reply_id,
            candidate_id=candidate.candidate_id,
            notification_id=answered.notification_id,
            answer=answer,
            recorded=recorded,
        )
        meta = Meta(org=self.org, actor_id=ACTOR, correlation_id=correlation_id)
        now = self.clock.now()
        job_dating_id = answered.job_dating_id

        def work(w: UnitOfWork) -> None:
            if self._handled(reply_id, w) is not None:
                return  # the same reply, handled meanwhile by a concurrent call
            stored = w.append(reply_id, [event], meta)
            # The row holds the event's own time, so that a replay of the log rebuilds it byte for byte.
            self.read_model.record_reply(w.tx, event, decode_envelope(stored[0].body).occurred_at)
            # A NON recorded is a withdrawal: registration's event tells the counsellor. Anything else
            # the candidate said that we could not act on, the counsellor reads and calls about.
            if answer == "not_understood" or not recorded:
                counsellor_calls.plan(
                    w.tx,
                    self.deliveries,
                    candidate_id=candidate.candidate_id,
                    job_dating_id=job_dating_id,
                    cause_event_id=stored[0].event_id,
                    correlation_id=correlation_id,
                    now=now,
                    wait=self.call_wait,
                )

        await self.bus.run_async(work)
        if self.log is not None:
            self.log.info(
                "sms_reply",
                reply_id=reply_id,
                notification_id=answered.notification_id,
                answer=answer,
                recorded=recorded,
            )
        return Handled(
            reply_id=reply_id, candidate_id=candidate.candidate_id, answer=answer, recorded=recorded
        )

    def _handled(self, reply_id: str, w: UnitOfWork | None = None) -> Handled | None:
        found = rows(
            w.tx if w is not None else self.store,
            "SELECT reply_id, candidate_id, answer, recorded FROM notif_sms_reply WHERE reply_id = ?",
            (reply_id,),
        )
        if not found:
            return None
        r = found[0]
        return Handled(reply_id=str(r[0]), candidate_id=str(r[1]), answer=r[2], recorded=bool(r[3]))
