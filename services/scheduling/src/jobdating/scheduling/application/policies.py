"""Reactions to the other services' events (run by the durable consumers, inbox-deduplicated).

Registration and the sites service keep scheduling's facts up to date. When a fact disrupts a published
plan (a candidate withdrew or was erased, a company withdrew, a computer broke or was taken back, a site
closed), the plan is repaired in the consumer's transaction: the fact, the changed slots and the inbox row
commit together, so a redelivery repairs nothing twice. A candidate who changes site, availability or
wishes after publication, or a company that changes its hours, day or number of recruiters, is repaired
the same way (the interviews that no longer fit move or are cancelled). A computer back in service, or
added to a site, gives its free slots to that site's waiting list; so do the computers of a reopened site,
and every computer when a company gives more (more recruiters, wider hours); a reopened site first gives
back the second interviews its closing cancelled. A candidate registered after
publication is booked where capacity is free, else put on their site's waiting list; a walk-in is also
checked in at once (`handlers_walkins`).
"""

from __future__ import annotations

from dataclasses import KW_ONLY, dataclass
from typing import Any, Final

from jobdating.contracts.envelope import RecordedEvent
from jobdating.contracts.registration import (
    CandidateErased,
    CandidateRegistered,
    CandidateUpdated,
    CandidateWalkedIn,
    CandidateWithdrew,
    CompanyUpdated,
    CompanyWithdrew,
)
from jobdating.contracts.sites import (
    ComputerAdded,
    ComputerBackInService,
    ComputerOutOfOrder,
    ComputerRemoved,
    SiteClosed,
    SiteReopened,
)
from jobdating.eventstore.base import Transaction
from jobdating.runtime.clock import Clock
from jobdating.runtime.commands import CommandBus, Meta
from jobdating.scheduling.application import handlers_walkins as walk_ins
from jobdating.scheduling.application import queries_facts as known
from jobdating.scheduling.application import queries_slots as read_model
from jobdating.scheduling.application.ports import ApplyFact
from jobdating.scheduling.application.repairs import Repairs
from jobdating.scheduling.domain import disruptions
from jobdating.scheduling.domain.disruptions import DisruptionsFor

REGISTRATION_CONSUMER: Final = "scheduling-registration"
SITES_CONSUMER: Final = "scheduling-sites"
IDENTITY_CONSUMER: Final = "scheduling-identity"
"""The durable consumers declared in `jobdating.bus.topology` for these policies."""


@dataclass(eq=False)
class Policies:
    """The handlers of scheduling's two consumers."""

    bus: CommandBus
    repairs: Repairs
    clock: Clock
    org: str
    _: KW_ONLY
    apply_fact: ApplyFact
    apply_account: ApplyFact | None = None
    log: Any = None

    def on_registration(self, tx: Transaction, event: RecordedEvent) -> None:
        """Keep candidates and companies; repair plans a withdrawal or a change disrupts."""
        data = event.data
        # What the company was before this change, to tell whether it gives capacity.
        before = known.company(known.in_tx(tx), data.company_id) if isinstance(data, CompanyUpdated) else None
        if not self.apply_fact(tx, event):
            return
        at = event.envelope.occurred_at
        match data:
            case CandidateRegistered() as e:
                # After publication: booked where capacity is free, else on the site's waiting list.
                walk_ins.join(
                    self.bus.within(tx), self.repairs, e.candidate_id, self.clock.now(), self._meta(event)
                )
            case CandidateWalkedIn() as e:
                # Registered on the spot (the registration came just before): at the site, checked in.
                walk_ins.check_in_walk_in(
                    self.bus.within(tx), e.candidate_id, e.site_id, e.at, self._meta(event)
                )
            case CandidateWithdrew() | CandidateErased() as e:
                self._repair(
                    tx, event, "candidate_id", e.candidate_id, disruptions.candidate_withdrew(e.candidate_id)
                )
            case CandidateUpdated() as e if e.profile is not None:
                # A new site, availability or wishes: interviews that no longer fit move or are cancelled.
                self._repair(
                    tx, event, "candidate_id", e.candidate_id, disruptions.candidate_changed(e.candidate_id)
                )
            case CompanyUpdated() as e if e.profile is not None and disruptions.company_grew(
                before, e.profile
            ):
                # More to give: every published job dating it is in, even one where it has no slot yet.
                grew = disruptions.company_changed_and_grew(e.company_id)
                self._run(tx, event, read_model.published_job_datings(known.in_tx(tx)), grew)
            case CompanyUpdated() as e if e.profile is not None:
                # New hours, day or fewer recruiters: interviews that no longer fit move or are cancelled.
                self._repair(tx, event, "company_id", e.company_id, disruptions.company_changed(e.company_id))
            case CompanyWithdrew() as e:
                self._repair(
                    tx, event, "company_id", e.company_id, disruptions.company_left(e.company_id, at)
                )

    def on_identity(self, tx: Transaction, event: RecordedEvent) -> None:
        """Keep people's accounts (id, organisation, roles): who may coach a workshop or counsel."""
        if self.apply_account is not None:
            self.apply_account(tx, event)

    def on_sites(self, tx: Transaction, event: RecordedEvent) -> None:
        """Keep sites, rooms and computers; repair plans a broken computer or a closed site disrupts, and
        give a computer back in service (or added) to the waiting list."""
        if not self.apply_fact(tx, event):
            return
        at = event.envelope.occurred_at
        match event.data:
            case ComputerOutOfOrder() | ComputerRemoved() as e:
                self._repair(
                    tx, event, "computer_id", e.computer_id, disruptions.computer_broke(e.computer_id, at)
                )
            case SiteClosed() as e:
                self._repair(tx, event, "site_id", e.site_id, disruptions.site_closed(e.site_id, at))
            case SiteReopened() as e:
                published = read_model.published_job_datings(known.in_tx(tx))
                # Its second interviews back first (their own run: the refill then reads them as booked).
                self._run(tx, event, published, disruptions.seconds_back(e.site_id))
                self._run(tx, event, published, disruptions.site_reopened(e.site_id))
            case ComputerBackInService() | ComputerAdded() as e:
                # No slot is on it, so every published job dating is asked; one without its site gets nothing.
                back = disruptions.computer_back(e.computer_id, at)
                self._run(tx, event, read_model.published_job_datings(known.in_tx(tx)), back)

    def _repair(
        self, tx: Transaction, event: RecordedEvent, column: str, value: str, what: DisruptionsFor
    ) -> None:
        job_datings = read_model.job_datings_with_active_slots(known.in_tx(tx), column, value)
        self._run(tx, event, job_datings, what)

    def _meta(self, event: RecordedEvent) -> Meta:
        """Scheduling's reaction: on behalf of whoever caused the fact, in its conversation."""
        env = event.envelope
        return Meta(
            org=self.org, actor_id=env.actor_id, correlation_id=env.correlation_id, causation_id=env.event_id
        )

    def _run(
        self, tx: Transaction, event: RecordedEvent, job_dating_ids: list[str], what: DisruptionsFor
    ) -> None:
        meta = self._meta(event)
        now = self.clock.now()
        w = self.bus.within(tx)  # the consumer's transaction: the repair commits with the inbox row
        for job_dating_id in job_dating_ids:
            self.repairs.run(w, job_dating_id, what, now, meta)
