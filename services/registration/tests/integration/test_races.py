"""The unique lookups are the last word when two commands race past each other's look-ups."""

from __future__ import annotations

import threading
from collections.abc import Iterable

import pytest

from jobdating.eventstore.base import EventStore
from jobdating.registration.adapters import projections
from jobdating.registration.adapters.sql import Db
from jobdating.registration.application import handlers, importing, queries
from jobdating.registration.application.importing import import_candidates
from jobdating.registration.bootstrap import build_service
from jobdating.registration.domain.errors import Rejected
from jobdating.registration.domain.state import CandidateFacts
from jobdating.registration.testing import CALLERS, candidate, open_site

COUNSELLOR = CALLERS["mel-counsellor"]


def test_a_phone_taken_between_look_up_and_commit_is_a_conflict_and_stores_nothing(
    any_store: EventStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    service = build_service(org="mel", store=any_store)
    site = open_site(service)
    handlers.register_candidate(service, COUNSELLOR, candidate(site, phone="06 12 70 70 70"))
    # The second command looked its facts up before the first committed: it saw a free phone.
    stale = CandidateFacts(open_sites=frozenset({site}))
    monkeypatch.setattr(queries, "candidate_facts", lambda *_, **__: stale)
    events = any_store.count()
    with pytest.raises(Rejected) as refused:
        handlers.register_candidate(service, COUNSELLOR, candidate(site, phone="+33 6 12 70 70 70"))
    assert [(e.kind, e.field) for e in refused.value.errors] == [("conflict", "phone")]
    assert any_store.count() == events
    # The refused command's transaction left nothing behind, the next one goes through.
    handlers.register_candidate(service, COUNSELLOR, candidate(site))
    assert any_store.count() == events + 1


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
    real = projections.held_by
    calls = {"n": 0}

    def stale_once(db: Db, table: str, values: Iterable[str]) -> dict[str, str]:
        calls["n"] += 1
        return {} if calls["n"] <= 3 else real(db, table, values)

    monkeypatch.setattr(importing, "held_by", stale_once)
    report = import_candidates(service, rows, COUNSELLOR)
    assert [r.status for r in report.rows] == ["already_imported", "created", "created"]
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
            handlers.register_candidate(service, COUNSELLOR, candidate(site, phone="06 12 72 72 72"))
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
