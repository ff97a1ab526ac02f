"""Scheduling's commands of the companies' own choices: rank candidates, mark those to meet."""

from __future__ import annotations

from jobdating.eventstore.base import StoredEvent
from jobdating.runtime.commands import Meta, UnitOfWork
from jobdating.scheduling.application import queries_facts as known
from jobdating.scheduling.application.aggregates import JOB_DATINGS
from jobdating.scheduling.application.handling import Handling
from jobdating.scheduling.domain import company_choices
from jobdating.scheduling.domain.company_choices import RankCandidates
from jobdating.scheduling.domain.permissions import Actor


class ChoiceHandlers(Handling):
    """The companies' choices."""

    def rank_candidates(self, command: RankCandidates, actor: Actor, meta: Meta) -> list[StoredEvent]:
        def work(w: UnitOfWork) -> list[StoredEvent]:
            state = w.fold(JOB_DATINGS, command.job_dating_id)
            read = known.in_tx(w.tx)
            company = known.company(read, command.company_id)
            visible = []
            if company is not None and state.planned:
                candidates = known.facts_for(read, state.site_ids).candidates
                visible = company_choices.visible_candidates(state, company, candidates)
            now = self.clock.now()
            events = company_choices.rank_candidates(command, state, actor, company, visible, now)
            return w.append(command.job_dating_id, events, meta)

        return self.bus.run(work)
