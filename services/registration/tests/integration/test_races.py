"""The unique lookups are the last word when two commands race past each other's look-ups."""

from __future__ import annotations

import threading
from collections.abc import Iterable

import pytest

from jobdating.eventstore.base import EventStore
from jobdating.registration.adapters import projections
from jobdating.registration.application import candidate_import, company_import, importing, lookups
from jobdating.registration.application.handlers import RegistrationHandlers
from jobdating.registration.application.importing import import_candidates
from jobdating.registration.application.rows import Db
from jobdating.registration.bootstrap import build_service
from jobdating.registration.domain.errors import Rejected
from jobdating.registration.domain.state import CandidateFacts
from jobdating.registration.testing import CALLERS, candidate, company, open_site

COUNSELLOR = CALLERS["mel-counsellor"]


def test_a_phone_taken_between_look_up_and_commit_is_a_conflict_and_stores_nothing(
    any_store: EventStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    service = build_service(org="mel", store=any_store)
    site = open_site(service)
    RegistrationHandlers(service).register_candidate(COUNSELLOR, candidate(site, phone="06 12 70 70 70"))
    # The second command looked its facts up before the first committed: it saw a free phone.
    stale = CandidateFacts(open_sites=frozenset({site}))
    monkeypatch.setattr(lookups, "candidate_facts", lambda *_, **__: stale)
    events = any_store.count()
    with pytest.raises(Rejected) as refused:
        RegistrationHandlers(service).register_candidate(
            COUNSELLOR, candidate(site, phone="+33 6 12 70 70 70")
        )
    assert [(e.kind, e.field) for e in refused.value.errors] == [("conflict", "phone")]
    assert any_store.count() == events
    # The refused command's transaction left nothing behind, the next one goes through.
    RegistrationHandlers(service).register_candidate(COUNSELLOR, candidate(site))
    assert any_store.count() == events + 1


def test_a_second_registration_of_one_candidate_is_refused_and_stores_nothing(any_store: EventStore) -> None:
    # The facts read finds the stream already open: the registration folds it and is refused.
    service = build_service(org="mel", store=any_store)
    site = open_site(service)
    first = candidate(site)
    RegistrationHandlers(service).register_candidate(COUNSELLOR, first)
    events = any_store.count()
    with pytest.raises(Rejected) as refused:
        RegistrationHandlers(service).register_candidate(
            COUNSELLOR, candidate(site, candidate_id=first.candidate_id)
        )
    assert [(e.kind, e.field) for e in refused.value.errors] == [("conflict", "candidate_id")]
    assert any_store.count() == events


def test_an_import_racing_another_one_reports_the_rows_the_other_took(
    any_store: EventStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    service = build_service(org="mel", store=any_store)
    site = open_site(service)
    rows = [
        {
            "nom": "Benali",
            "prénom": "Samia",
            "téléphone": f"06 12 71 71 {i:02d}",
            "code postal": "59113",
            "commune": "Seclin",
            "site": site,
        }
        for i in range(3)
    ]
    first = import_candidates(service, rows[:1], COUNSELLOR)
    # The racing import's first look-ups missed the row the other import had just committed.
    calls = stale_look_ups(monkeypatch, first=3)
    report = import_candidates(service, rows, COUNSELLOR)
    assert [r.status for r in report.rows] == ["already_imported", "created", "created"]
    assert calls["n"] == 6
    assert report.rows[0].id == first.rows[0].id
    assert any_store.count() == 3


def test_concurrent_registrations_with_one_phone_make_one_candidate(any_store: EventStore) -> None:
    # Eight request threads at once: on SQLite they share group commits, on PostgreSQL they race their
    # own transactions. Either way exactly one holds the phone, the others are told why.
    service = build_service(org="mel", store=any_store)
    site = open_site(service)
    events = any_store.count()
    start = threading.Barrier(8)
    outcomes: list[str] = []

    def register() -> None:
        start.wait()
        try:
            RegistrationHandlers(service).register_candidate(
                COUNSELLOR, candidate(site, phone="06 12 72 72 72")
            )
            outcomes.append("accepted")
        except Rejected as exc:
            outcomes.append(" ".join(f"{e.kind}:{e.field}" for e in exc.errors))

    threads = [threading.Thread(target=register) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["accepted"] + ["conflict:phone"] * 7
    assert any_store.count() == events + 1


def stale_look_ups(monkeypatch: pytest.MonkeyPatch, first: int) -> dict[str, int]:
    """Make the import's first `first` look-ups see an empty store (they ran before a racing commit);
    returns the call counter, so a test can tell that the batch was redone."""
    real = projections.held_by
    calls = {"n": 0}

    def stale(db: Db, table: str, values: Iterable[str]) -> dict[str, str]:
        calls["n"] += 1
        return {} if calls["n"] <= first else real(db, table, values)

    for module in (candidate_import, company_import):
        monkeypatch.setattr(module, "held_by", stale)
    return calls


def test_a_phone_taken_between_an_imports_look_up_and_its_commit_rejects_that_row(
    any_store: EventStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    # No import key in common with the racing registration: only the phone lookup can catch the race,
    # and only at the batch's commit.
    service = build_service(org="mel", store=any_store)
    site = open_site(service)
    RegistrationHandlers(service).register_candidate(
        COUNSELLOR, candidate(site, phone="06 12 73 73 01", email=None)
    )
    cells = {"nom": "Benali", "prénom": "Samia", "code postal": "59113", "commune": "Seclin", "site": site}
    rows = [cells | {"téléphone": f"06 12 73 73 {i:02d}"} for i in range(3)]
    events = any_store.count()
    calls = stale_look_ups(monkeypatch, first=3)
    report = import_candidates(service, rows, COUNSELLOR)
    assert calls["n"] == 6  # the first commit met the phone held and was redone with fresh look-ups
    assert [r.status for r in report.rows] == ["created", "rejected", "created"]
    assert [(e.field, e.reason) for e in report.rows[1].errors] == [
        ("téléphone", "un candidat est déjà inscrit avec ce numéro de téléphone")
    ]
    assert any_store.count() == events + 2
    phones = projections.contents(any_store, ["candidate_phones"])["candidate_phones"]
    assert sorted(p for p, _ in phones) == ["+33612737300", "+33612737301", "+33612737302"]


def test_a_siret_taken_between_an_imports_look_up_and_its_commit_rejects_that_company(
    any_store: EventStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    service = build_service(org="mel", store=any_store)
    coordinator = CALLERS["mel-coordinator"]
    taken = company()
    RegistrationHandlers(service).register_company(coordinator, taken)
    fresh = company()
    cells = {"secteur": "Logistique", "poste": "Cariste", "contrat": "CDI", "postes": "1", "recruteurs": "1"}
    cells |= {"contact": "Paul Durand", "contact tel": "06 12 73 74 01"}
    rows = [
        {"raison sociale": name, "siret": siret, "debut": "9h", "fin": "12h"} | cells
        for name, siret in [("Prise ailleurs", taken.siret), ("Nouvelle", fresh.siret)]
    ]
    events = any_store.count()
    calls = stale_look_ups(monkeypatch, first=2)
    report = importing.import_companies(service, rows, coordinator)
    assert calls["n"] == 4
    assert [r.status for r in report.rows] == ["rejected", "created"]
    assert [(e.field, e.reason) for e in report.rows[0].errors] == [
        ("siret", "une entreprise est déjà inscrite avec ce SIRET")
    ]
    assert any_store.count() == events + 1
