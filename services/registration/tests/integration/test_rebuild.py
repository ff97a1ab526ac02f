"""Live projections and projections rebuilt from the log are the same, whatever happened in between."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jobdating.contracts.registration import Wish
from jobdating.eventstore.base import EventStore
from jobdating.eventstore.sqlite import SqliteEventStore
from jobdating.registration.adapters import projections
from jobdating.registration.application.handlers import RegistrationHandlers
from jobdating.registration.application.importing import import_candidates
from jobdating.registration.application.service import RegistrationService
from jobdating.registration.bootstrap import build_service
from jobdating.registration.domain.commands import (
    EraseCandidate,
    UpdateCandidate,
    UpdateCompany,
    WithdrawCandidate,
    WithdrawCompany,
)
from jobdating.registration.domain.errors import Rejected
from jobdating.registration.testing import CALLERS, candidate, close_site, company, open_site, unique_siret
from jobdating.runtime.ids import new_id

# Small pools, so that random sequences collide: same phone, same e-mail, same SIRET, same person twice.
PHONES = [
    "06 12 90 00 01",
    "06 12 90 00 02",
    "+33 6 12 90 00 01",
    "06 12 90 00 03",
    "06 12 90 00 04",
    "0612900005",
]
EMAILS = [None, "a@exemple.fr", "B@exemple.fr", "b@exemple.fr", "c@exemple.fr"]
NAMES = ["Benali", "Martin", "Nguyen"]
# Mostly the referring counsellor, so that most commands go through; sometimes someone who may not.
who = st.sampled_from(["mel-counsellor"] * 5 + ["mel-coordinator", "ml-counsellor", "ml-coordinator"])
slot = st.integers(0, 3)
action = st.tuples(
    who,
    st.one_of(
        st.tuples(
            st.just("register"), slot, st.integers(0, 3), st.integers(0, 3), st.integers(0, 1), st.booleans()
        ),
        st.tuples(st.just("phone"), slot, st.integers(0, 5)),
        st.tuples(st.just("email"), slot, st.integers(0, 4)),
        st.tuples(st.just("rename"), slot, st.integers(0, 2)),
        st.tuples(st.just("move"), slot, st.integers(0, 1)),
        st.tuples(st.just("withdraw"), slot),
        st.tuples(st.just("erase"), slot),
        st.tuples(st.just("company"), st.integers(0, 1), st.integers(0, 1)),
        st.tuples(st.just("recruiters"), st.integers(0, 1), st.integers(0, 3)),
        st.tuples(st.just("company_withdraw"), st.integers(0, 1)),
        st.tuples(st.just("close_site"), st.integers(0, 1)),
        st.tuples(st.just("import"), st.lists(st.tuples(st.integers(0, 3), st.integers(0, 3)), max_size=4)),
    ),
)


class World:
    """One random run: a store, two sites, candidate and company slots, callers of two organisations."""

    def __init__(self, service: RegistrationService) -> None:
        self.service = service
        self.sites = [open_site(service), open_site(service)]
        self.candidates = [new_id() for _ in range(4)]
        self.companies = [new_id() for _ in range(2)]
        self.sirets = [unique_siret(), unique_siret()]

    def run(self, caller: str, step: tuple[Any, ...]) -> None:
        svc, who, ids = self.service, CALLERS[caller], self.candidates
        handlers = RegistrationHandlers(svc)
        coordinator = CALLERS["mel-coordinator"]
        try:
            match step:
                case ("register", n, phone, email, site, wish):
                    wishes = (Wish(rank=1, company_id=self.companies[0]),) if wish else ()
                    cmd = candidate(
                        self.sites[site],
                        candidate_id=ids[n],
                        phone=PHONES[phone],
                        email=EMAILS[email],
                        wishes=wishes,
                    )
                    handlers.register_candidate(who, cmd)
                case ("phone", n, phone):
                    handlers.update_candidate(who, UpdateCandidate(candidate_id=ids[n], phone=PHONES[phone]))
                case ("email", n, email):
                    handlers.update_candidate(who, UpdateCandidate(candidate_id=ids[n], email=EMAILS[email]))
                case ("rename", n, name):
                    handlers.update_candidate(
                        who, UpdateCandidate(candidate_id=ids[n], last_name=NAMES[name])
                    )
                case ("move", n, site):
                    handlers.update_candidate(
                        who, UpdateCandidate(candidate_id=ids[n], site_id=self.sites[site])
                    )
                case ("withdraw", n):
                    handlers.withdraw_candidate(who, WithdrawCandidate(candidate_id=ids[n], reason="autre"))
                case ("erase", n):
                    handlers.erase_candidate(who, EraseCandidate(candidate_id=ids[n]))
                case ("company", n, siret):
                    cmd_c = company(company_id=self.companies[n], siret=self.sirets[siret])
                    handlers.register_company(coordinator, cmd_c)
                case ("recruiters", n, count):
                    cmd_u = UpdateCompany(company_id=self.companies[n], parallel_recruiters=count)
                    handlers.update_company(coordinator, cmd_u)
                case ("company_withdraw", n):
                    cmd_w = WithdrawCompany(company_id=self.companies[n], reason="pourvu")
                    handlers.withdraw_company(coordinator, cmd_w)
                case ("close_site", site):
                    close_site(svc, self.sites[site])
                case ("import", people):
                    rows = [
                        {
                            "nom": "Benali",
                            "prénom": "Samia",
                            "téléphone": PHONES[phone],
                            "email": EMAILS[email] or "",
                            "code postal": "59113",
                            "commune": "Seclin",
                            "site": self.sites[0],
                        }
                        for phone, email in people
                    ]
                    if rows:
                        import_candidates(svc, rows, who, batch_size=2)
                case _:
                    raise AssertionError(f"unknown step {step}")
        except Rejected:
            pass


def assert_rebuild_reproduces_the_live_projections(service: RegistrationService) -> None:
    live = projections.contents(service.store)
    projections.rebuild(service.store, service.keyring)
    assert projections.contents(service.store) == live


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(action, min_size=3, max_size=25))
def test_any_sequence_of_commands_leaves_projections_a_rebuild_reproduces(
    steps: list[tuple[str, tuple[Any, ...]]],
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        store = SqliteEventStore(Path(folder) / "registration.db")
        store.migrate()
        try:
            world = World(build_service(org="mel", store=store))
            # Start from a populated world so that random steps mostly act on someone.
            for prelude in [("company", 0, 0), *[("register", n, n, n, n % 2, n == 1) for n in range(4)]]:
                world.run("mel-counsellor", prelude)
            for caller, step in steps:
                world.run(caller, step)
            assert_rebuild_reproduces_the_live_projections(world.service)
        finally:
            store.close()


def test_rebuild_reproduces_the_projections_on_both_backends(any_store: EventStore) -> None:
    world = World(build_service(org="mel", store=any_store))
    for step in [
        ("company", 0, 0),
        ("register", 0, 0, 1, 0, True),
        ("register", 1, 2, 2, 1, False),  # the same phone as slot 0, written differently: refused
        ("register", 1, 1, 2, 1, False),
        ("import", [(3, 3), (3, 0), (0, 0)]),
        ("phone", 0, 2),
        ("email", 1, 0),
        ("recruiters", 0, 3),
        ("withdraw", 1),
        ("erase", 0),
        ("company_withdraw", 0),
    ]:
        world.run("mel-counsellor", step)
    live = projections.contents(any_store)
    assert len(live["candidates"]) == 3
    # Slot 0 erased, slot 1 withdrawn: only the imported candidate still holds a phone.
    assert [row[0] for row in live["candidate_phones"]] == ["+33612900003"]
    assert sum(row[10] for row in live["candidates"]) == 1  # erased
    assert_rebuild_reproduces_the_live_projections(world.service)
