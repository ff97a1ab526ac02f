"""What the write-path benchmarks share (`round_trips`, `write_cpu`): a registration service on a store,
its candidates prepared before the clock, registered from threads through the group committer."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass

from jobdating.eventstore import EventStore
from jobdating.registration.application.handlers import RegistrationHandlers
from jobdating.registration.bootstrap import build_service
from jobdating.registration.domain.commands import RegisterCandidate
from jobdating.registration.testing import candidate, open_site, principal
from jobdating.runtime.auth import Principal


@dataclass(frozen=True)
class Registering:
    store: EventStore
    handlers: RegistrationHandlers
    who: Principal
    site: str

    def prepared(self, commands: int) -> list[RegisterCandidate]:
        """Fresh registrations on the site, built before the clock starts."""
        return [candidate(self.site) for _ in range(commands)]

    def from_threads(self, prepared: Sequence[RegisterCandidate], writers: int) -> int:
        """Register `prepared`, shared out between `writers` threads, and wait for all of them; returns
        how many groups the store committed meanwhile."""
        commits_before = self.store.group_commit.commits

        def write(share: Sequence[RegisterCandidate]) -> None:
            for cmd in share:
                self.handlers.register_candidate(self.who, cmd)

        threads = [threading.Thread(target=write, args=(prepared[i::writers],)) for i in range(writers)]
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        return self.store.group_commit.commits - commits_before


def registering(store: EventStore, warm_up: int) -> Registering:
    """A registration service on `store` with an open site and a counsellor, after `warm_up` registrations
    (connections opened, statements prepared)."""
    service = build_service(org="departement-nord", store=store)
    site = open_site(service, "site-seclin")
    ready = Registering(store, RegistrationHandlers(service), principal("mission-locale", "counsellor"), site)
    ready.from_threads(ready.prepared(warm_up), 1)
    return ready
