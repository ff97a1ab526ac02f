"""The read model notifications keeps from other services' events, and the questions asked of it.

Applied by the durable consumers in the same transaction as their inbox row. It is anonymous: ids, orgs,
consent flags, statuses, premises and the plan; contact details are asked for at send time and never kept.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import msgspec

from jobdating.contracts.envelope import RecordedEvent
from jobdating.contracts.notifications import RemindersOptedIn, RemindersOptedOut
from jobdating.contracts.registration import (
    CandidateErased,
    CandidateProfile,
    CandidateRegistered,
    CandidateUpdated,
    CandidateWithdrew,
    CompanyProfile,
    CompanyRegistered,
    CompanyUpdated,
    CompanyWithdrew,
)
from jobdating.contracts.scheduling import (
    CandidateEnrolledInWorkshop,
    InterviewCompleted,
    JobDatingPlanned,
    PlanPublished,
    SlotAssigned,
    SlotCancelled,
    SlotMoved,
    WorkshopScheduled,
)
from jobdating.contracts.sites import (
    ComputerAdded,
    ComputerRemoved,
    RoomAdded,
    SiteClosed,
    SiteDetailsChanged,
    SiteOpened,
)
from jobdating.eventstore.base import EventStore, Transaction
from jobdating.notifications.application.instants import parse_ts, ts
from jobdating.notifications.domain.rules import Person, PersonStatus, SlotFacts, Told

_json = msgspec.json.Encoder()
_STATUSES: dict[str, PersonStatus] = {"active": "active", "withdrawn": "withdrawn", "erased": "erased"}
Source = Transaction | EventStore


def rows(source: Source, sql: str, params: Sequence[Any] = ()) -> list[Any]:
    """Rows of a read, inside a transaction or on its own."""
    if isinstance(source, Transaction):
        return list(source.execute(sql, params).fetchall())
    return source.query(sql, params)


# ---- applying events -------------------------------------------------------------------------------


def apply_registration(tx: Transaction, event: RecordedEvent) -> None:
    """Keep who registered each candidate and company, their consents and whether they may be contacted."""
    org = event.envelope.org
    match event.data:
        case CandidateRegistered() as e:
            p = e.profile
            tx.execute(
                "INSERT INTO notif_candidate (candidate_id, org, referring_org, counsellor_id, site_id, "
                "consent_sms, consent_email, status) VALUES (?, ?, ?, ?, ?, ?, ?, 'active') "
                "ON CONFLICT (candidate_id) DO UPDATE SET org = excluded.org, "
                "referring_org = excluded.referring_org, counsellor_id = excluded.counsellor_id, "
                "site_id = excluded.site_id, consent_sms = excluded.consent_sms, "
                "consent_email = excluded.consent_email",
                (e.candidate_id, org, p.referring_org, p.counsellor_id, p.site_id, *_consents(p)),
            )
        case CandidateUpdated(profile=CandidateProfile() as p) as e:
            tx.execute(
                "UPDATE notif_candidate SET referring_org = ?, counsellor_id = ?, site_id = ?, "
                "consent_sms = ?, consent_email = ? WHERE candidate_id = ?",
                (p.referring_org, p.counsellor_id, p.site_id, *_consents(p), e.candidate_id),
            )
        case CandidateWithdrew() as e:
            tx.execute(
                "UPDATE notif_candidate SET status = 'withdrawn' "
                "WHERE candidate_id = ? AND status <> 'erased'",
                (e.candidate_id,),
            )
        case CandidateErased() as e:
            # Erasure may reach us before (or without) the registration: remember it either way.
            tx.execute(
                "INSERT INTO notif_candidate (candidate_id, org, referring_org, counsellor_id, site_id, "
                "consent_sms, consent_email, status) VALUES (?, ?, '', '', '', 0, 0, 'erased') "
                "ON CONFLICT (candidate_id) DO UPDATE SET status = 'erased'",
                (e.candidate_id, org),
            )
        case CompanyRegistered() as e:
            tx.execute(
                "INSERT INTO notif_company (company_id, org, name, positions, status) "
                "VALUES (?, ?, ?, ?, 'active') ON CONFLICT (company_id) DO UPDATE SET org = excluded.org, "
                "name = excluded.name, positions = excluded.positions",
                (e.company_id, org, e.profile.name, _positions(e.profile)),
            )
        case CompanyUpdated(profile=CompanyProfile() as p) as e:
            tx.execute(
                "UPDATE notif_company SET name = ?, positions = ? WHERE company_id = ?",
                (p.name, _positions(p), e.company_id),
            )
        case CompanyWithdrew() as e:
            tx.execute("UPDATE notif_company SET status = 'withdrawn' WHERE company_id = ?", (e.company_id,))


def apply_sites(tx: Transaction, event: RecordedEvent) -> None:
    """Keep the premises: name, address, accessibility, reception phone; rooms and computer labels."""
    match event.data:
        case SiteOpened() as e:
            tx.execute(
                "INSERT INTO notif_site (site_id, name, address, commune, postcode, accessibility, phone, "
                "status) VALUES (?, ?, ?, ?, ?, ?, ?, 'open') ON CONFLICT (site_id) DO NOTHING",
                (
                    e.site_id,
                    e.name,
                    e.address,
                    e.commune,
                    e.postcode,
                    _json.encode(e.accessibility).decode(),
                    e.contact.phone if e.contact else None,
                ),
            )
        case SiteDetailsChanged() as e:
            if e.address is not None:
                tx.execute("UPDATE notif_site SET address = ? WHERE site_id = ?", (e.address, e.site_id))
            if e.accessibility is not None:
                tx.execute(
                    "UPDATE notif_site SET accessibility = ? WHERE site_id = ?",
                    (_json.encode(e.accessibility).decode(), e.site_id),
                )
            if e.contact is not None:
                tx.execute("UPDATE notif_site SET phone = ? WHERE site_id = ?", (e.contact.phone, e.site_id))
        case SiteClosed() as e:
            tx.execute("UPDATE notif_site SET status = 'closed' WHERE site_id = ?", (e.site_id,))
        case RoomAdded() as e:
            tx.execute(
                "INSERT INTO notif_room (site_id, room_id, name) VALUES (?, ?, ?) "
                "ON CONFLICT (site_id, room_id) DO NOTHING",
                (e.site_id, e.room_id, e.name),
            )
        case ComputerAdded() as e:
            tx.execute(
                "INSERT INTO notif_computer (computer_id, site_id, label) VALUES (?, ?, ?) "
                "ON CONFLICT (computer_id) DO NOTHING",
                (e.computer_id, e.site_id, e.label),
            )
        case ComputerRemoved() as e:
            tx.execute("DELETE FROM notif_computer WHERE computer_id = ?", (e.computer_id,))


def apply_scheduling(tx: Transaction, event: RecordedEvent) -> None:
    """Keep the plan: job datings, slots (with their stream version), workshops and outcomes."""
    version = event.envelope.stream_version
    match event.data:
        case JobDatingPlanned() as e:
            tx.execute(
                "INSERT INTO notif_job_dating (job_dating_id, title, timezone, interview_minutes, "
                "plan_event_id, plan_due_at, plan_remaining) VALUES (?, ?, ?, ?, NULL, NULL, 0) "
                "ON CONFLICT (job_dating_id) DO UPDATE SET title = excluded.title, "
                "timezone = excluded.timezone, interview_minutes = excluded.interview_minutes",
                (e.job_dating_id, e.title, e.timezone, e.interview_minutes),
            )
        case PlanPublished():
            pass  # the planner opens the plan's agenda window (it knows when the agendas are due)
        case SlotAssigned() as e:
            tx.execute(
                "INSERT INTO notif_slot (slot_id, job_dating_id, candidate_id, company_id, site_id, "
                "computer_id, starts_at, ends_at, video_link, kind, version, status, cancel_reason, outcome) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'assigned', NULL, NULL) "
                "ON CONFLICT (slot_id) DO UPDATE SET candidate_id = excluded.candidate_id, "
                "company_id = excluded.company_id, site_id = excluded.site_id, "
                "computer_id = excluded.computer_id, starts_at = excluded.starts_at, "
                "ends_at = excluded.ends_at, video_link = excluded.video_link, kind = excluded.kind, "
                "version = excluded.version, status = 'assigned', cancel_reason = NULL, outcome = NULL",
                (
                    e.slot_id,
                    e.job_dating_id,
                    e.candidate_id,
                    e.company_id,
                    e.site_id,
                    e.computer_id,
                    ts(e.starts_at),
                    ts(e.ends_at),
                    e.video_link,
                    e.kind,
                    version,
                ),
            )
        case SlotMoved() as e:
            tx.execute(
                "UPDATE notif_slot SET site_id = ?, computer_id = ?, starts_at = ?, ends_at = ?, version = ? "
                "WHERE slot_id = ?",
                (e.site_id, e.computer_id, ts(e.starts_at), ts(e.ends_at), version, e.slot_id),
            )
        case SlotCancelled() as e:
            tx.execute(
                "UPDATE notif_slot SET status = 'cancelled', cancel_reason = ?, version = ? "
                "WHERE slot_id = ?",
                (e.reason, version, e.slot_id),
            )
        case InterviewCompleted() as e:
            tx.execute(
                "UPDATE notif_slot SET status = 'completed', outcome = ?, version = ? WHERE slot_id = ?",
                (e.outcome, version, e.slot_id),
            )
        case WorkshopScheduled() as e:
            tx.execute(
                "INSERT INTO notif_workshop (workshop_id, job_dating_id, site_id, room_id, starts_at, "
                "ends_at, capacity, coach_ids, coach_orgs, version, enrolled) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0) ON CONFLICT (workshop_id) DO NOTHING",
                (
                    e.workshop_id,
                    e.job_dating_id,
                    e.site_id,
                    e.room_id,
                    ts(e.starts_at),
                    ts(e.ends_at),
                    e.capacity,
                    _json.encode(e.coach_ids).decode(),
                    _json.encode(e.coach_orgs).decode(),
                    version,
                ),
            )
        case CandidateEnrolledInWorkshop() as e:
            tx.execute(
                "UPDATE notif_workshop SET enrolled = enrolled + 1 WHERE workshop_id = ?", (e.workshop_id,)
            )


OWN_TABLES = ("notif_reminder_opt_out",)
"""The tables kept from this service's own log (the others follow other services' events or are working
state): what a replay of the log rebuilds."""


def apply_own(tx: Transaction, event: RecordedEvent) -> None:
    """Apply one of this service's own events to the tables kept from its log (replays of the log)."""
    match event.data:
        case RemindersOptedOut() as e:
            record_reminder_wish(tx, e.candidate_id, wanted=False)
        case RemindersOptedIn() as e:
            record_reminder_wish(tx, e.candidate_id, wanted=True)


def _consents(p: CandidateProfile) -> tuple[int, int]:
    return int(p.consent_sms), int(p.consent_email)


def _positions(p: CompanyProfile) -> str:
    return _json.encode([f"{pos.title} ({pos.contract})" for pos in p.positions]).decode()


# ---- questions ---------------------------------------------------------------------------------------


class Candidate(msgspec.Struct, frozen=True, kw_only=True):
    candidate_id: str
    org: str
    counsellor_id: str
    site_id: str
    consent_sms: bool
    consent_email: bool
    status: str
    referring_org: str
    reminders: bool

    def person(self) -> Person:
        return Person(
            status=_STATUSES.get(self.status, "unknown"),
            consent_sms=self.consent_sms,
            consent_email=self.consent_email,
            reminders=self.reminders,
        )


class Company(msgspec.Struct, frozen=True, kw_only=True):
    company_id: str
    org: str
    name: str
    positions: tuple[str, ...]
    status: str


class Site(msgspec.Struct, frozen=True, kw_only=True):
    site_id: str
    name: str
    address: str
    commune: str
    postcode: str
    accessibility: tuple[str, ...]
    phone: str | None


class JobDating(msgspec.Struct, frozen=True, kw_only=True):
    job_dating_id: str
    title: str
    timezone: str
    interview_minutes: int
    plan_event_id: str | None
    plan_due_at: datetime | None
    plan_remaining: int


class Slot(msgspec.Struct, frozen=True, kw_only=True):
    slot_id: str
    job_dating_id: str
    candidate_id: str
    company_id: str
    site_id: str
    computer_id: str | None
    starts_at: datetime
    ends_at: datetime
    video_link: str
    kind: str
    version: int
    status: str
    cancel_reason: str | None
    outcome: str | None

    def facts(self) -> SlotFacts:
        return SlotFacts(
            slot_id=self.slot_id,
            starts_at=self.starts_at,
            ends_at=self.ends_at,
            site_id=self.site_id,
            computer_id=self.computer_id,
            cancelled=self.status == "cancelled",
            version=self.version,
        )


class Workshop(msgspec.Struct, frozen=True, kw_only=True):
    workshop_id: str
    job_dating_id: str
    site_id: str
    room_id: str
    starts_at: datetime
    ends_at: datetime
    capacity: int
    coach_ids: tuple[str, ...]
    coach_orgs: tuple[str, ...]
    version: int
    enrolled: int


_SLOT_COLUMNS = (
    "slot_id, job_dating_id, candidate_id, company_id, site_id, computer_id, starts_at, ends_at, "
    "video_link, kind, version, status, cancel_reason, outcome"
)


def candidate(source: Source, candidate_id: str) -> Candidate | None:
    found = rows(
        source,
        "SELECT candidate_id, org, counsellor_id, site_id, consent_sms, consent_email, status, "
        "referring_org, NOT EXISTS (SELECT 1 FROM notif_reminder_opt_out o "
        "WHERE o.candidate_id = c.candidate_id) FROM notif_candidate c WHERE candidate_id = ?",
        (candidate_id,),
    )
    if not found:
        return None
    r = found[0]
    return Candidate(
        candidate_id=r[0],
        org=r[1],
        counsellor_id=r[2],
        site_id=r[3],
        consent_sms=bool(r[4]),
        consent_email=bool(r[5]),
        status=r[6],
        referring_org=r[7],
        reminders=bool(r[8]),
    )


def company(source: Source, company_id: str) -> Company | None:
    found = rows(
        source,
        "SELECT company_id, org, name, positions, status FROM notif_company WHERE company_id = ?",
        (company_id,),
    )
    if not found:
        return None
    r = found[0]
    return Company(
        company_id=r[0],
        org=r[1],
        name=r[2],
        positions=tuple(msgspec.json.decode(r[3], type=list[str])),
        status=r[4],
    )


def site(source: Source, site_id: str) -> Site | None:
    found = rows(
        source,
        "SELECT site_id, name, address, commune, postcode, accessibility, phone FROM notif_site "
        "WHERE site_id = ?",
        (site_id,),
    )
    if not found:
        return None
    r = found[0]
    return Site(
        site_id=r[0],
        name=r[1],
        address=r[2],
        commune=r[3],
        postcode=r[4],
        accessibility=tuple(msgspec.json.decode(r[5], type=list[str])),
        phone=r[6],
    )


def computer_label(source: Source, computer_id: str | None) -> str | None:
    if computer_id is None:
        return None
    found = rows(source, "SELECT label FROM notif_computer WHERE computer_id = ?", (computer_id,))
    return str(found[0][0]) if found else None


def room_name(source: Source, site_id: str, room_id: str) -> str | None:
    found = rows(source, "SELECT name FROM notif_room WHERE site_id = ? AND room_id = ?", (site_id, room_id))
    return str(found[0][0]) if found else None


def job_dating(source: Source, job_dating_id: str | None) -> JobDating | None:
    if job_dating_id is None:
        return None
    found = rows(
        source,
        "SELECT job_dating_id, title, timezone, interview_minutes, plan_event_id, plan_due_at, "
        "plan_remaining FROM notif_job_dating WHERE job_dating_id = ?",
        (job_dating_id,),
    )
    if not found:
        return None
    r = found[0]
    return JobDating(
        job_dating_id=r[0],
        title=r[1],
        timezone=r[2],
        interview_minutes=int(r[3]),
        plan_event_id=r[4],
        plan_due_at=parse_ts(r[5]) if r[5] else None,
        plan_remaining=int(r[6]),
    )


def slot(source: Source, slot_id: str) -> Slot | None:
    found = rows(source, f"SELECT {_SLOT_COLUMNS} FROM notif_slot WHERE slot_id = ?", (slot_id,))
    return _slot(found[0]) if found else None


def company_slots(source: Source, company_id: str, job_dating_id: str) -> list[Slot]:
    """A company's slots in a job dating that still stand, in time order (its agenda)."""
    found = rows(
        source,
        f"SELECT {_SLOT_COLUMNS} FROM notif_slot WHERE company_id = ? AND job_dating_id = ? "
        "AND status <> 'cancelled' ORDER BY starts_at, slot_id",
        (company_id, job_dating_id),
    )
    return [_slot(r) for r in found]


def second_interview(source: Source, candidate_id: str, company_id: str, after: datetime) -> Slot | None:
    """A second interview given to a candidate with a company after their first one, if any."""
    found = rows(
        source,
        f"SELECT {_SLOT_COLUMNS} FROM notif_slot WHERE candidate_id = ? AND company_id = ? "
        "AND kind = 'second_interview' AND status <> 'cancelled' AND starts_at > ? ORDER BY starts_at",
        (candidate_id, company_id, ts(after)),
    )
    return _slot(found[0]) if found else None


def workshop(source: Source, workshop_id: str) -> Workshop | None:
    found = rows(
        source,
        "SELECT workshop_id, job_dating_id, site_id, room_id, starts_at, ends_at, capacity, coach_ids, "
        "coach_orgs, version, enrolled FROM notif_workshop WHERE workshop_id = ?",
        (workshop_id,),
    )
    if not found:
        return None
    r = found[0]
    return Workshop(
        workshop_id=r[0],
        job_dating_id=r[1],
        site_id=r[2],
        room_id=r[3],
        starts_at=parse_ts(r[4]),
        ends_at=parse_ts(r[5]),
        capacity=int(r[6]),
        coach_ids=tuple(msgspec.json.decode(r[7], type=list[str])),
        coach_orgs=tuple(msgspec.json.decode(r[8], type=list[str])),
        version=int(r[9]),
        enrolled=int(r[10]),
    )


def wants_reminders(source: Source, candidate_id: str) -> bool:
    found = rows(source, "SELECT 1 FROM notif_reminder_opt_out WHERE candidate_id = ?", (candidate_id,))
    return not found


def record_reminder_wish(tx: Transaction, candidate_id: str, wanted: bool) -> None:
    """Keep the candidate's reminder opt-out (in the transaction of its event)."""
    if wanted:
        tx.execute("DELETE FROM notif_reminder_opt_out WHERE candidate_id = ?", (candidate_id,))
    else:
        tx.execute(
            "INSERT INTO notif_reminder_opt_out (candidate_id) VALUES (?) "
            "ON CONFLICT (candidate_id) DO NOTHING",
            (candidate_id,),
        )


def told(source: Source, slot_id: str, recipient_type: str, recipient_id: str, channel: str) -> Told | None:
    """What a recipient was last told of a slot on a channel (None: nothing yet)."""
    found = rows(
        source,
        "SELECT starts_at, ends_at, site_id, computer_id, cancelled FROM notif_told WHERE slot_id = ? "
        "AND recipient_type = ? AND recipient_id = ? AND channel = ?",
        (slot_id, recipient_type, recipient_id, channel),
    )
    if not found:
        return None
    r = found[0]
    return Told(
        starts_at=parse_ts(r[0]), ends_at=parse_ts(r[1]), site_id=r[2], computer_id=r[3], cancelled=bool(r[4])
    )


def remember_told(
    tx: Transaction, slot_id: str, recipient_type: str, recipient_id: str, channel: str, told: Told
) -> None:
    """Record what a recipient now knows of a slot (in the transaction that marks the message sent)."""
    tx.execute(
        "INSERT INTO notif_told (slot_id, recipient_type, recipient_id, channel, starts_at, ends_at, "
        "site_id, computer_id, cancelled) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (slot_id, recipient_type, recipient_id, channel) DO UPDATE SET "
        "starts_at = excluded.starts_at, ends_at = excluded.ends_at, site_id = excluded.site_id, "
        "computer_id = excluded.computer_id, cancelled = excluded.cancelled",
        (
            slot_id,
            recipient_type,
            recipient_id,
            channel,
            ts(told.starts_at),
            ts(told.ends_at),
            told.site_id,
            told.computer_id,
            int(told.cancelled),
        ),
    )


def _slot(r: Any) -> Slot:
    return Slot(
        slot_id=r[0],
        job_dating_id=r[1],
        candidate_id=r[2],
        company_id=r[3],
        site_id=r[4],
        computer_id=r[5],
        starts_at=parse_ts(r[6]),
        ends_at=parse_ts(r[7]),
        video_link=r[8],
        kind=r[9],
        version=int(r[10]),
        status=r[11],
        cancel_reason=r[12],
        outcome=r[13],
    )
