"""The other services as a consumer sees them: their events appended to a store, as their outboxes hold
them, ready for a real relay to publish. Notifications' integration tests and its latency bench share it.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import msgspec

from jobdating.contracts import registration as r
from jobdating.contracts import scheduling as sc
from jobdating.contracts import sites as s
from jobdating.contracts.envelope import Envelope, Event
from jobdating.contracts.scheduling import CancelReason, Outcome, SlotKind
from jobdating.contracts.sealed import Sealed
from jobdating.eventstore.base import NewEvent
from jobdating.eventstore.sqlite import SqliteEventStore
from jobdating.testing.equipment import EQUIPPED
from jobdating.testing.events import envelope
from jobdating.testing.samples import COMPANY, sample_of

SEALED = Sealed(key_id="k", nonce="bm9uY2U=", ciphertext="c2VhbGVk")


class Upstream:
    """Scheduling, registration and sites: events appended to a SQLite store, stamped now, one version after
    the other per stream; one sample world (site-1, jd-1, co-1) unless told otherwise."""

    def __init__(self, path: Path, org: str, actor_id: str = "test") -> None:
        self.store = SqliteEventStore(path)
        self.store.migrate()
        self.org = org
        self.actor_id = actor_id
        self.versions: dict[str, int] = {}

    def append(self, event: Event, stream_id: str, service: str) -> Envelope:
        """Append `event` to its stream, as `service` records it now."""
        version = self.versions.get(stream_id, 0) + 1
        self.versions[stream_id] = version
        env = envelope(event, stream_id, version, self.org, service, datetime.now(UTC), self.actor_id)
        self.store.append([NewEvent(envelope=env)])
        return env

    def candidate(self, candidate_id: str, *, sms: bool = True, mail: bool = True) -> None:
        # The counsellor (ml-conseiller-1 in the tests) is in registration's sealed contact answer.
        profile = r.CandidateProfile(
            referring_org="mission-locale",
            site_id="site-1",
            consent_data=True,
            consent_sms=sms,
            consent_email=mail,
        )
        self.append(
            r.CandidateRegistered(candidate_id=candidate_id, profile=profile, personal=SEALED),
            candidate_id,
            "registration",
        )

    def company(self, company_id: str, name: str = "Logistique du Nord") -> None:
        # The sample company, on no day in particular.
        profile = msgspec.structs.replace(COMPANY, name=name, day=None)
        event = r.CompanyRegistered(
            company_id=company_id, registering_org=self.org, profile=profile, contact=SEALED
        )
        self.append(event, company_id, "registration")

    def site(self, site_id: str = "site-1") -> None:
        opened = s.SiteOpened(
            site_id=site_id,
            name="Maison de l'emploi",
            host_org=self.org,
            commune="Seclin",
            postcode="59113",
            address="2 rue de l'Emploi",
            accessibility=("wheelchair",),
            contact=s.SiteContact(phone="0320000009"),
        )
        self.append(opened, site_id, "sites")
        self.append(sample_of(s.RoomAdded, site_id=site_id), site_id, "sites")
        for n in (1, 2):
            computer = s.ComputerAdded(
                computer_id=f"pc-{n}", site_id=site_id, label=f"PC {n}", lending_org=self.org, **EQUIPPED
            )
            self.append(computer, f"pc-{n}", "sites")

    def job_dating(self, job_dating_id: str = "jd-1", day: date = date(2026, 12, 3)) -> None:
        planned = sc.JobDatingPlanned(
            job_dating_id=job_dating_id,
            title="Emploi Booster",
            days=(day,),
            site_windows=(),
            interview_minutes=20,
            buffer_minutes=10,
        )
        self.append(planned, job_dating_id, "scheduling")

    def assign(
        self,
        slot_id: str,
        candidate_id: str,
        starts_at: datetime,
        *,
        company_id: str = "co-1",
        kind: SlotKind = "interview",
        video_link: str | None = None,
        **fields: Any,
    ) -> Envelope:
        """A slot of jd-1 at site-1 on pc-1 for 20 minutes; `fields` set the others (place, address,
        from_waiting_list...) or replace these."""
        values: dict[str, Any] = {
            "job_dating_id": "jd-1",
            "slot_id": slot_id,
            "candidate_id": candidate_id,
            "company_id": company_id,
            "site_id": "site-1",
            "computer_id": "pc-1",
            "starts_at": starts_at,
            "ends_at": starts_at + timedelta(minutes=20),
            "video_link": f"https://visio.example/{slot_id}" if video_link is None else video_link,
            "kind": kind,
        }
        event = sc.SlotAssigned(**(values | fields))
        return self.append(event, slot_id, "scheduling")

    def move(
        self, slot_id: str, candidate_id: str, starts_at: datetime, previous: datetime, computer: str = "pc-1"
    ) -> None:
        event = sc.SlotMoved(
            job_dating_id="jd-1",
            slot_id=slot_id,
            candidate_id=candidate_id,
            company_id="co-1",
            site_id="site-1",
            computer_id=computer,
            starts_at=starts_at,
            ends_at=starts_at + timedelta(minutes=20),
            previous_computer_id="pc-1",
            previous_starts_at=previous,
            reason="computer_broken",
        )
        self.append(event, slot_id, "scheduling")

    def cancel(self, slot_id: str, candidate_id: str, reason: CancelReason = "company_late") -> None:
        event = sc.SlotCancelled(
            job_dating_id="jd-1", slot_id=slot_id, candidate_id=candidate_id, company_id="co-1", reason=reason
        )
        self.append(event, slot_id, "scheduling")

    def erase(self, candidate_id: str) -> None:
        self.append(r.CandidateErased(candidate_id=candidate_id), candidate_id, "registration")

    def publish_plan(self, slots: int) -> None:
        event = sample_of(sc.PlanPublished, slots=slots, upper_bound=slots)
        self.append(event, "jd-1", "scheduling")

    def complete(self, slot_id: str, candidate_id: str, outcome: Outcome) -> None:
        event = sample_of(sc.InterviewCompleted, slot_id=slot_id, candidate_id=candidate_id, outcome=outcome)
        self.append(event, slot_id, "scheduling")

    def workshop(self, workshop_id: str, starts_at: datetime) -> None:
        # The sample session (room-1, 12 seats, its two coaches), here at site-1, for two hours.
        event = sample_of(
            sc.WorkshopScheduled,
            workshop_id=workshop_id,
            site_id="site-1",
            starts_at=starts_at,
            ends_at=starts_at + timedelta(hours=2),
        )
        self.append(event, workshop_id, "scheduling")
