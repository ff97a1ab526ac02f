"""The retention job: erase every candidate whose retention ran out (see `retention_policy`), once a day.

Each erasure is the one `DELETE /candidates/{id}` makes: a command on the command bus that forgets the
person's key, appends `CandidateErased` (reason `retention`) and nulls the personal columns in the same
transaction, then the store's files are scrubbed. The actor is the system (`SYSTEM_ACTOR`), never a
person. Anonymous facts stay, so the statistics count the erased candidates as before.

Safe to run twice, or on two instances at once: a candidate already erased is left alone (no event, no
refusal), and two erasures of the same candidate racing each other meet at the stream version: the loser
folds again, finds the erasure and appends nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta
from typing import Final
from zoneinfo import ZoneInfo

import msgspec

from jobdating.contracts.envelope import Event
from jobdating.contracts.registration import ERASED_BY_RETENTION, CandidateErased, CandidateProfile
from jobdating.eventstore.base import Transaction
from jobdating.registration.application.command_steps import CommandSteps
from jobdating.registration.application.handlers import CANDIDATES
from jobdating.registration.application.retention_policy import RetentionPolicy, expired, last_job_dating
from jobdating.registration.application.rows import Db, fetch_all
from jobdating.registration.application.service import RegistrationService
from jobdating.registration.domain import decide as rules
from jobdating.registration.domain.commands import EraseCandidate
from jobdating.registration.domain.state import CandidateState
from jobdating.runtime.clock import Clock
from jobdating.runtime.commands import Meta
from jobdating.runtime.ids import new_id

SYSTEM_ACTOR: Final = "system:retention"
"""The actor of the job's erasures in their envelopes."""
EVERY: Final = timedelta(hours=24)
"""Of the service's clock (a demo's sped-up clock runs the job more often in real time)."""
POLL_SECONDS: Final = 60.0
"""How often, in real seconds, the waiting job looks at the service's clock."""

_profile = msgspec.json.Decoder(CandidateProfile)


class Expired(msgspec.Struct, frozen=True, kw_only=True):
    """A live candidate whose retention ran out."""

    candidate_id: str
    org: str
    last_job_dating: date


class RetentionReport(msgspec.Struct, frozen=True, kw_only=True):
    """One run, per referring organisation: candidates found expired, and erased by this run (a dry run
    erases none; another instance may have erased some first)."""

    today: date
    expired: dict[str, int]
    erased: dict[str, int]


def expired_candidates(db: Db, policy: RetentionPolicy, today: date, zone: ZoneInfo) -> list[Expired]:
    """The live (not yet erased) candidates whose retention ran out by `today`, oldest first."""
    rows = fetch_all(
        db,
        "SELECT candidate_id, referring_org, profile, registered_at FROM candidates WHERE erased = 0 "
        "ORDER BY registered_at, candidate_id",
    )
    found: list[Expired] = []
    for candidate_id, org, profile, registered_at in rows:
        last = last_job_dating(_profile.decode(profile), datetime.fromisoformat(registered_at), zone)
        if expired(last, policy.months_for(org), today):
            found.append(Expired(candidate_id=candidate_id, org=org, last_job_dating=last))
    return found


class RetentionJob:
    """Erases the expired candidates of one registration instance; `scrub` clears the store's files after
    erasures (bootstrap passes `projections.scrub_erased`, an adapter)."""

    def __init__(
        self,
        service: RegistrationService,
        policy: RetentionPolicy,
        clock: Clock,
        zone: ZoneInfo | str,
        scrub: Callable[[], None],
        poll_seconds: float = POLL_SECONDS,
    ) -> None:
        self.service = service
        self.policy = policy
        self.clock = clock
        self.zone = zone if isinstance(zone, ZoneInfo) else ZoneInfo(zone)
        self.scrub = scrub
        self.poll_seconds = poll_seconds
        self.steps = CommandSteps(service)

    def today(self) -> date:
        """The service's day, where its people live (the policy counts days, not instants)."""
        return self.clock.now().astimezone(self.zone).date()

    def run_once(self, *, dry_run: bool = False, should_stop: Callable[[], bool] = bool) -> RetentionReport:
        """Find the expired candidates and (unless `dry_run`) erase them, then scrub the files once.

        `should_stop` is asked between erasures: a service stopping leaves the rest to its next run.
        """
        today = self.today()
        found = expired_candidates(self.service.store, self.policy, today, self.zone)
        erased: dict[str, int] = {}
        if not dry_run:
            meta = Meta(org=self.service.org, actor_id=SYSTEM_ACTOR, correlation_id=new_id())
            try:
                for candidate in found:
                    if should_stop():
                        break
                    if self.erase(candidate.candidate_id, meta):
                        erased[candidate.org] = erased.get(candidate.org, 0) + 1
            finally:
                if erased:  # committed: now out of the WAL and the dead rows too
                    self.scrub()
        report = RetentionReport(today=today, expired=_per_org(found), erased=erased)
        self.service.log.info(
            "retention_run", today=today.isoformat(), dry_run=dry_run, expired=report.expired, erased=erased
        )
        return report

    def erase(self, candidate_id: str, meta: Meta) -> bool:
        """Erase one candidate as `DELETE /candidates/{id}` does; False when they were erased already."""

        def decide(state: CandidateState) -> Sequence[Event]:
            if state.erased:
                return []  # an earlier run or another instance was first: nothing more to say
            events = rules.erase_candidate(EraseCandidate(candidate_id=candidate_id), state)
            return [_by_retention(event) for event in events]

        def forget(tx: Transaction) -> None:
            self.service.keyring.forget(tx, candidate_id)

        stored = self.steps.execute("EraseCandidate", CANDIDATES, candidate_id, decide, meta, forget)
        return bool(stored)

    async def run_daily(self, stop: asyncio.Event) -> None:
        """Run at once, then every 24 hours of the service's clock, until `stop` is set."""
        while not stop.is_set():
            started = self.clock.now()
            try:
                await asyncio.to_thread(self.run_once, should_stop=stop.is_set)
            except Exception:
                # A failed run (a store briefly unreachable) must not stop the service: the next day's run
                # finds the same candidates still expired.
                self.service.log.exception("retention_failed")
            while not stop.is_set() and self.clock.now() < started + EVERY:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), timeout=self.poll_seconds)


def describe(report: RetentionReport, policy: RetentionPolicy, *, dry_run: bool) -> list[str]:
    """The lines an operator reads after a run, one per organisation with expired candidates."""
    verb = "would erase" if dry_run else "erased"
    lines = [f"retention on {report.today.isoformat()}: {sum(report.expired.values())} candidates expired"]
    for org, count in sorted(report.expired.items()):
        done = count if dry_run else report.erased.get(org, 0)
        lines.append(f"  {org}: {verb} {done} of {count} (retention {policy.months_for(org)} months)")
    return lines


def _by_retention(event: Event) -> Event:
    if isinstance(event, CandidateErased):
        return msgspec.structs.replace(event, reason=ERASED_BY_RETENTION)
    return event


def _per_org(found: Sequence[Expired]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for candidate in found:
        counts[candidate.org] = counts.get(candidate.org, 0) + 1
    return counts
