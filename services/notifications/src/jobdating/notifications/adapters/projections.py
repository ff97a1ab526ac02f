"""The read model notifications keeps from other services' events, and the service's own rows beside it.

Applied by the durable consumers in the same transaction as their inbox row. It is anonymous: ids, orgs,
consent flags, statuses, premises and the plan; contact details are asked for at send time and never kept.
Read back by `application.queries_facts` and `application.queries_plan`; the application reaches these
writes through the `ReadModelWrites` port.
"""

from __future__ import annotations

from datetime import datetime

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
    SiteReopened,
)
from jobdating.eventstore.base import Transaction
from jobdating.notifications.application.instants import ts
from jobdating.notifications.domain.rules import Told

_json = msgspec.json.Encoder()


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
        case SiteReopened() as e:
            tx.execute("UPDATE notif_site SET status = 'open' WHERE site_id = ?", (e.site_id,))
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


# ---- the service's own rows ------------------------------------------------------------------------


def open_agenda_window(
    tx: Transaction, job_dating_id: str, timezone: str, plan_event_id: str, due_at: datetime, slots: int
) -> None:
    """A plan was published: its recruiters' agendas wait for its `slots` slots, until `due_at` at most."""
    tx.execute(
        "INSERT INTO notif_job_dating (job_dating_id, title, timezone, interview_minutes, "
        "plan_event_id, plan_due_at, plan_remaining) VALUES (?, '', ?, 0, ?, ?, ?) "
        "ON CONFLICT (job_dating_id) DO UPDATE SET plan_event_id = excluded.plan_event_id, "
        "plan_due_at = excluded.plan_due_at, plan_remaining = excluded.plan_remaining",
        (job_dating_id, timezone, plan_event_id, ts(due_at), slots),
    )


def count_agenda_slot(tx: Transaction, job_dating_id: str) -> None:
    """One more slot of the published plan has arrived."""
    tx.execute(
        "UPDATE notif_job_dating SET plan_remaining = plan_remaining - 1 WHERE job_dating_id = ?",
        (job_dating_id,),
    )


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
