"""Builders for tests, benchmarks and demos: the demo job dating's facts as real registration and sites
events, a clock a test moves by hand, principals.

Every id carries a prefix, so that tests sharing a store or a NATS server never collide.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from jobdating.contracts import registration as r
from jobdating.contracts.catalog import REGISTRY
from jobdating.contracts.envelope import Envelope, Event, RecordedEvent
from jobdating.contracts.identity import AccountInvited, AccountRole
from jobdating.contracts.scheduling import JobDatingPlanned, SiteWindow, SlotAssigned
from jobdating.contracts.sealed import Sealed
from jobdating.contracts.sites import ComputerAdded, OpeningHours, RoomAdded, SiteOpened
from jobdating.eventstore.base import EventStore, NewEvent
from jobdating.runtime.auth import Principal
from jobdating.scheduling.domain.evolve import evolve_slot
from jobdating.scheduling.domain.facts import CompanyFacts
from jobdating.scheduling.domain.permissions import Actor
from jobdating.scheduling.domain.state import SlotState
from jobdating.testing.demo_data import COMPANIES, SITES, DemoCandidate, DemoCompany, candidates
from jobdating.testing.equipment import EQUIPPED
from jobdating.testing.events import envelope
from jobdating.testing.samples import SLOT_1

ORG = "departement-nord"
SEALED = Sealed(key_id="k-test", nonce="bm9uY2U=", ciphertext="c2VhbGVk")
T0 = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
# The sample job dating's day; tests that depend on "now" run on a MovableClock set around it (T0).
EVENT_DAY = date(2026, 12, 3)


class MovableClock:
    """A clock a test sets and moves by hand."""

    def __init__(self, now: datetime = T0) -> None:
        self.at = now

    def now(self) -> datetime:
        return self.at

    def set(self, at: datetime) -> None:
        self.at = at

    def advance(self, **delta: float) -> None:
        self.at += timedelta(**delta)


@dataclass(frozen=True)
class Fact:
    """One event another service published: its payload, stream, version, service and time."""

    event: Event
    stream_id: str
    version: int
    service: str
    at: datetime = T0

    def envelope(self, org: str = ORG) -> Envelope:
        return envelope(
            self.event, self.stream_id, self.version, org, self.service, self.at, actor_id="test-actor"
        )

    def recorded(self, org: str = ORG) -> RecordedEvent:
        return REGISTRY.decode(self.envelope(org))


def account(account_id: str, org: str, *roles: AccountRole) -> Fact:
    """Identity invited a person of `org` with `roles` (an account's first event)."""
    invited = AccountInvited(account_id=account_id, organisation_id=org, roles=roles)
    return Fact(invited, account_id, 1, "identity")


def site_id(prefix: str, key: str) -> str:
    return f"{prefix}-site-{key}"


def company_id(prefix: str, key: str) -> str:
    return f"{prefix}-co-{key}"


def candidate_id(prefix: str, n: int) -> str:
    return f"{prefix}-cand-{n:02d}"


def computer_id(prefix: str, key: str, n: int) -> str:
    return f"{prefix}-pc-{key}-{n}"


def room_id(prefix: str, key: str) -> str:
    return f"{prefix}-room-{key}"


def demo_facts(prefix: str, day: date = EVENT_DAY) -> list[Fact]:
    """The demo job dating (4 sites, 18 computers, 15 companies, 50 candidates) as the events registration
    and the sites service publish, in an order a consumer can apply."""
    facts: list[Fact] = []
    for site in SITES:
        sid = site_id(prefix, site.key)
        hours = (OpeningHours(day=day, start=time(8, 0), end=time(13, 0)),)
        facts.append(Fact(SiteOpened(site_id=sid, **site.place(), hours=hours), sid, 1, "sites"))
        room = RoomAdded(site_id=sid, room_id=room_id(prefix, site.key), name="Salle 1", capacity=12)
        facts.append(Fact(room, sid, 2, "sites"))
        for n in range(1, site.computers + 1):
            pc = computer_id(prefix, site.key, n)
            added = ComputerAdded(
                computer_id=pc, site_id=sid, label=f"Poste {n}", lending_org=site.host_org, **EQUIPPED
            )
            facts.append(Fact(added, pc, 1, "sites"))
    facts += [_company_registered(prefix, company, day) for company in COMPANIES]
    facts += [_candidate_registered(prefix, n, person, day) for n, person in enumerate(candidates())]
    return facts


def _company_registered(prefix: str, company: DemoCompany, day: date) -> Fact:
    profile = r.CompanyProfile(
        name=company.name,
        siret=company.siret,
        sector=company.sector,
        positions=(r.Position(title=company.position, contract="CDI", count=company.openings),),
        parallel_recruiters=company.recruiters,
        window_start=time.fromisoformat(company.start),
        window_end=time.fromisoformat(company.end),
        day=day,
    )
    cid = company_id(prefix, company.key)
    registered = r.CompanyRegistered(company_id=cid, registering_org=ORG, profile=profile, contact=SEALED)
    return Fact(registered, cid, 1, "registration")


def _candidate_registered(prefix: str, n: int, person: DemoCandidate, day: date) -> Fact:
    wishes = tuple(
        r.Wish(rank=rank, company_id=company_id(prefix, key)) for rank, key in enumerate(person.wishes, 1)
    )
    profile = r.CandidateProfile(
        referring_org=person.referring_org,
        site_id=site_id(prefix, person.site_key),
        wishes=wishes,
        availability=(r.Availability(day=day, start=time(8, 30), end=time(12, 30)),),
        consent_data=True,
    )
    cid = candidate_id(prefix, n)
    return Fact(
        r.CandidateRegistered(candidate_id=cid, profile=profile, personal=SEALED), cid, 1, "registration"
    )


def append_as_published(store: EventStore, facts: Iterable[Fact], org: str = ORG) -> None:
    """Append facts to another service's store (their relay then publishes them)."""
    store.append([NewEvent(envelope=f.envelope(org)) for f in facts])


def job_dating_body(prefix: str, day: date = EVENT_DAY, **changes: Any) -> dict[str, Any]:
    """An HTTP body planning the demo job dating: one morning on the four sites."""
    body: dict[str, Any] = {
        "job_dating_id": f"{prefix}-jd",
        "title": "Emploi Booster",
        "days": [day.isoformat()],
        "site_windows": [
            {"site_id": site_id(prefix, s.key), "day": day.isoformat(), "start": "08:30", "end": "12:30"}
            for s in SITES
        ],
        "interview_minutes": 20,
        "buffer_minutes": 10,
        "breaks": [{"day": day.isoformat(), "start": "10:30", "end": "10:45"}],
        "max_interviews_per_candidate": 4,
        "timezone": "Europe/Paris",
    }
    body.update(changes)
    return body


def planned(site_id: str = "site-seclin", day: date = EVENT_DAY, **changes: Any) -> JobDatingPlanned:
    """The sample job dating as planned: one morning (8:30-12:30) at one site, 20-minute interviews with
    10 minutes between two; `changes` replace any field."""
    fields: dict[str, Any] = {
        "job_dating_id": "jd-1",
        "title": "Emploi Booster",
        "days": (day,),
        "site_windows": (SiteWindow(site_id=site_id, day=day, start=time(8, 30), end=time(12, 30)),),
        "interview_minutes": 20,
        "buffer_minutes": 10,
    }
    return JobDatingPlanned(**(fields | changes))


def morning_company(
    company_id: str, sector: str = "logistique", recruiters: int = 1, day: date | None = None
) -> CompanyFacts:
    """A company as the schedule sees it, recruiting from 9:00 to 12:00 (on `day` only, when given)."""
    return CompanyFacts(
        company_id=company_id,
        sector=sector,
        recruiters=recruiters,
        window_start=time(9),
        window_end=time(12),
        day=day,
    )


def assigned(at: datetime, **changes: Any) -> SlotAssigned:
    """`SLOT_1` published at site-seclin on pc-1, for 20 minutes from `at`; `changes` replace any field."""
    fields: dict[str, Any] = dict(SLOT_1) | {
        "site_id": "site-seclin",
        "computer_id": "pc-1",
        "starts_at": at,
        "ends_at": at + timedelta(minutes=20),
        "video_link": "https://visio.example/a",
    }
    return SlotAssigned(**(fields | changes))


def held(at: datetime, **changes: Any) -> SlotState:
    """The slot `assigned(at, **changes)` publishes, as scheduling folds it."""
    return evolve_slot(SlotState(), assigned(at, **changes))


# The actors of the domain's given / when / then tests.
COORDINATOR = Actor(org=ORG, role="coordinator")
COUNSELLOR = Actor(org="mission-locale", role="counsellor")
SITE_MANAGER = Actor(org="mission-locale", role="site_manager")
RECRUITER = Actor(org="co-1", role="recruiter")


def principals(prefix: str) -> dict[str, Principal]:
    """Tokens (the dict keys) of the callers tests use."""
    return {
        "coordinator": Principal(org=ORG, role="coordinator", actor_id="coord-1"),
        "viewer": Principal(org="mission-locale", role="viewer", actor_id="view-1"),
        "ft-manager": Principal(org="france-travail", role="site_manager", actor_id="ft-site-1"),
        "ml-manager": Principal(org="mission-locale", role="site_manager", actor_id="ml-site-1"),
        "ml-counsellor": Principal(org="mission-locale", role="counsellor", actor_id="ml-coach-1"),
        "ft-counsellor": Principal(org="france-travail", role="counsellor", actor_id="ft-coach-1"),
        "ml-coach": Principal(org="mission-locale", role="coach", actor_id="ml-coach-2"),
        "plie-coach": Principal(org="plie-lille", role="coach", actor_id="plie-coach-1"),
        "recruiter-logiplus": Principal(
            org=company_id(prefix, "logiplus"), role="recruiter", actor_id="rec-1"
        ),
        "recruiter-callnord": Principal(
            org=company_id(prefix, "callnord"), role="recruiter", actor_id="rec-2"
        ),
    }
