"""Retention: the daily job erases the candidates whose retention ran out, per referring organisation, on
the service's clock moved on by hand; the statistics still count them."""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import msgspec
import pytest

from jobdating.contracts.catalog import REGISTRY
from jobdating.contracts.envelope import Envelope, decode_envelope
from jobdating.contracts.registration import Availability, CandidateErased
from jobdating.eventstore import open_store
from jobdating.eventstore.base import EventStore
from jobdating.eventstore.sqlite import SqliteEventStore
from jobdating.registration.adapters import projections
from jobdating.registration.application import queries
from jobdating.registration.application.handlers import RegistrationHandlers
from jobdating.registration.application.retention import SYSTEM_ACTOR, RetentionJob
from jobdating.registration.application.retention_policy import RetentionPolicy
from jobdating.registration.application.service import RegistrationService
from jobdating.registration.bootstrap import build_service
from jobdating.registration.domain.commands import UpdateCandidate
from jobdating.registration.main import main
from jobdating.registration.testing import CALLERS, candidate, open_site
from jobdating.runtime.ids import new_id

MEL = CALLERS["mel-counsellor"]
ML = CALLERS["ml-counsellor"]
POLICY = RetentionPolicy(default=24, by_org={"mel": 12})  # mission-locale: the default 24 months
REGISTERED = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
JOB_DATING = date(2026, 1, 15)


class MovableClock:
    """The service's clock, set and moved by the test."""

    def __init__(self, at: datetime) -> None:
        self.at = at

    def now(self) -> datetime:
        return self.at


def on(day: date) -> datetime:
    return datetime.combine(day, time(10), tzinfo=UTC)


def attending(day: date) -> tuple[Availability, ...]:
    return (Availability(day=day, start=time(9), end=time(12)),)


def job_of(service: RegistrationService, clock: MovableClock) -> RetentionJob:
    return RetentionJob(
        service, POLICY, clock, "Europe/Paris", lambda: projections.scrub_erased(service.store)
    )


def erasures(store: EventStore, candidate_id: str) -> list[tuple[Envelope, CandidateErased]]:
    found = []
    for stored in store.read_stream(candidate_id):
        env = decode_envelope(stored.body)
        event = REGISTRY.payload(env)
        if isinstance(event, CandidateErased):
            found.append((env, event))
    return found


class People(msgspec.Struct, kw_only=True):
    mel_attended: str  # mel (12 months), at the job dating of 2026-01-15
    mel_never_attended: str  # mel, no day to attend: counted from their registration (2026-01-05)
    ml_attended: str  # mission-locale (24 months), at the job dating of 2026-01-15
    ml_recent: str  # mission-locale, at a job dating a year later


def register_people(service: RegistrationService, clock: MovableClock) -> People:
    site = open_site(service)
    handlers = RegistrationHandlers(service)
    clock.at = REGISTERED
    people = People(
        mel_attended=handlers.register_candidate(
            MEL, candidate(site, last_name="Retenue", availability=attending(JOB_DATING))
        ),
        mel_never_attended=handlers.register_candidate(MEL, candidate(site, last_name="Jamais")),
        ml_attended=handlers.register_candidate(
            ML, candidate(site, last_name="Missionnée", availability=attending(JOB_DATING))
        ),
        ml_recent=handlers.register_candidate(ML, candidate(site)),
    )
    clock.at = on(date(2026, 12, 1))
    handlers.update_candidate(
        ML, UpdateCandidate(candidate_id=people.ml_recent, availability=attending(date(2027, 1, 10)))
    )
    return people


def erased_ids(service: RegistrationService, people: People) -> set[str]:
    return {
        name
        for name, cid in msgspec.structs.asdict(people).items()
        if (view := queries.candidate(service.store, MEL, cid)) is not None and view.erased
    }


def without_erased_count(stats: queries.Statistics) -> queries.Statistics:
    return dataclasses.replace(stats, candidates_erased=0)


@pytest.fixture
def clock() -> MovableClock:
    return MovableClock(REGISTERED)


def test_each_organisation_keeps_its_candidates_for_its_own_months_then_they_are_erased(
    any_store: EventStore, clock: MovableClock
) -> None:
    service = build_service(org="mel", store=any_store, clock=clock)
    people = register_people(service, clock)
    job = job_of(service, clock)
    stats_before = queries.statistics(any_store)

    clock.at = on(date(2027, 1, 15))  # 12 months after the job dating: the anniversary is still kept
    report = job.run_once()
    assert erased_ids(service, people) == {"mel_never_attended"}  # 12 months after their registration
    assert (report.expired, report.erased) == ({"mel": 1}, {"mel": 1})

    clock.at = on(date(2027, 2, 15))  # 13 months: gone for mel (12 months), kept for mission-locale (24)
    job.run_once()
    assert erased_ids(service, people) == {"mel_never_attended", "mel_attended"}
    assert service.keyring.key_of(any_store, people.mel_attended) is None
    assert service.keyring.key_of(any_store, people.ml_attended) is not None
    ((env, event),) = erasures(any_store, people.mel_attended)
    assert (event.reason, env.actor_id, env.org) == ("retention", SYSTEM_ACTOR, "mel")
    assert env.recorded_at == clock.at
    view = queries.candidate(any_store, MEL, people.mel_attended)
    assert view is not None
    assert (view.personal, view.profile.referring_org) == (None, "mel")

    events = any_store.count()
    again = job.run_once()  # the same day again: nothing more, and no second event
    assert (again.expired, again.erased) == ({}, {})
    assert any_store.count() == events

    clock.at = on(date(2028, 2, 16))  # 25 months: mission-locale's candidate goes too
    job.run_once()
    assert erased_ids(service, people) == {"mel_never_attended", "mel_attended", "ml_attended"}
    assert service.keyring.key_of(any_store, people.ml_recent) is not None  # their job dating: 2027-01-10

    stats_after = queries.statistics(any_store)
    assert without_erased_count(stats_after) == without_erased_count(stats_before)
    assert (stats_before.candidates_erased, stats_after.candidates_erased) == (0, 3)
    for cid in (people.mel_attended, people.mel_never_attended, people.ml_attended):
        assert len(erasures(any_store, cid)) == 1


def test_a_dry_run_counts_and_erases_nothing(any_store: EventStore, clock: MovableClock) -> None:
    service = build_service(org="mel", store=any_store, clock=clock)
    register_people(service, clock)
    events = any_store.count()
    clock.at = on(date(2027, 2, 15))
    report = job_of(service, clock).run_once(dry_run=True)
    assert (report.expired, report.erased) == ({"mel": 2}, {})
    assert any_store.count() == events
    assert queries.statistics(any_store).candidates_erased == 0


@pytest.fixture(params=["sqlite", "postgres"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'registration.db'}"
    dsn: str = request.getfixturevalue("pg_dsn")
    return dsn


@pytest.fixture
def two_stores(store_url: str) -> Iterator[tuple[EventStore, EventStore]]:
    first, second = open_store(store_url), open_store(store_url)
    yield first, second
    first.close()
    second.close()


def test_two_instances_running_the_job_at_once_erase_each_candidate_once(
    two_stores: tuple[EventStore, EventStore], clock: MovableClock
) -> None:
    first = build_service(org="mel", store=two_stores[0], clock=clock)
    second = build_service(org="mel", store=two_stores[1], clock=clock)
    site = open_site(first)
    clock.at = REGISTERED
    ids = [
        RegistrationHandlers(first).register_candidate(
            MEL, candidate(site, availability=attending(JOB_DATING))
        )
        for _ in range(12)
    ]
    clock.at = on(date(2027, 2, 15))
    jobs = [job_of(first, clock), job_of(second, clock)]
    reports = []
    start = threading.Barrier(2)

    def run(job: RetentionJob) -> None:
        start.wait()
        reports.append(job.run_once())

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(reports) == 2
    assert sum(r.erased.get("mel", 0) for r in reports) == 12  # each erased by one of them only
    for cid in ids:
        assert len(erasures(two_stores[0], cid)) == 1
        assert first.keyring.key_of(two_stores[0], cid) is None


def file_bytes(store: SqliteEventStore) -> bytes:
    (busy, _, _) = store.query("PRAGMA wal_checkpoint(TRUNCATE)")[0]
    assert busy == 0
    wal = Path(f"{store.path}-wal")
    return store.path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


def test_the_erased_candidates_name_and_contacts_leave_the_sqlite_file(
    tmp_path: Path, clock: MovableClock
) -> None:
    store = SqliteEventStore(tmp_path / "registration.db")
    store.migrate()
    service = build_service(org="mel", store=store, clock=clock)
    site = open_site(service)
    last, email = f"Oubliette{new_id()[-6:]}", f"oubli.{new_id()[-8:]}@exemple.fr"
    cid = RegistrationHandlers(service).register_candidate(
        MEL,
        candidate(site, first_name="Philomène", last_name=last, phone="06 12 87 65 43", email=email),
    )
    kept = RegistrationHandlers(service).register_candidate(ML, candidate(site, last_name="Gardée"))
    before = file_bytes(store)
    assert all(t in before for t in [last.encode(), email.encode(), b"+33612876543"])

    clock.at = REGISTERED + timedelta(days=400)
    job_of(service, clock).run_once()

    after = file_bytes(store)
    for trace in [b"Philom", last.encode(), email.encode(), b"+33612876543", b"06 12 87 65 43", b"612876543"]:
        assert trace not in after, trace
    assert service.keyring.key_of(store, cid) is None
    assert "Gardée".encode() in after  # mission-locale's candidate is kept for 24 months
    assert service.keyring.key_of(store, kept) is not None
    store.close()


def test_the_command_line_counts_then_erases_once(
    tmp_path: Path, clock: MovableClock, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'registration.db'}"
    store = open_store(url)
    register_people(build_service(org="mel", store=store, clock=clock), clock)
    events = store.count()
    store.close()
    monkeypatch.setenv("JOBDATING_REGISTRATION_ORG", "mel")
    monkeypatch.setenv("JOBDATING_REGISTRATION_STORE_URL", url)
    monkeypatch.setenv("JOBDATING_REGISTRATION_RETENTION_BY_ORG", "mel=12")
    monkeypatch.setenv("JOBDATING_REGISTRATION_CLOCK_START", "2027-02-15T10:00:00+00:00")

    assert main(["retention", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "retention on 2027-02-15: 2 candidates expired" in out
    assert "mel: would erase 2 of 2 (retention 12 months)" in out
    assert "mission-locale" not in out

    assert main(["retention"]) == 0
    assert "mel: erased 2 of 2 (retention 12 months)" in capsys.readouterr().out
    assert main(["retention"]) == 0
    assert "0 candidates expired" in capsys.readouterr().out

    store = open_store(url)
    assert store.count() == events + 2
    assert queries.statistics(store).candidates_erased == 2
    store.close()
