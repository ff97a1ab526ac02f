"""The read model notifications keeps from other services' events (its own rows are in `own_rows`).

Applied by the durable consumers in the same transaction as their inbox row. It is anonymous: ids, orgs,
consent flags, statuses, premises and the plan; contact details are asked for at send time and never kept.
Read back by `application.queries_facts` and `application.queries_plan`; the application reaches these
writes through the `ReadModelWrites` port.
"""

from __future__ import annotations

import msgspec

from jobdating.contracts import registration, scheduling, sites
from jobdating.contracts.envelope import RecordedEvent
from jobdating.eventstore.base import Transaction
from jobdating.eventstore.slots import (
    SLOT_COLUMNS,
    WORKSHOP_COLUMNS,
    apply_slot_change,
    values,
)
from jobdating.notifications.adapters import projections_prep
from jobdating.notifications.adapters.own_rows import (
    OWN_TABLES,
    apply_own,
    count_agenda_slot,
    open_agenda_window,
    record_receipt,
    record_reminder_wish,
    record_reply,
    remember_told,
)
from jobdating.notifications.application.instants import ts

# The module is the `ReadModelWrites` the application is given: it serves the service's own rows too.
__all__ = [
    "OWN_TABLES",
    "apply_own",
    "apply_registration",
    "apply_scheduling",
    "apply_sites",
    "count_agenda_slot",
    "open_agenda_window",
    "record_receipt",
    "record_reminder_wish",
    "record_reply",
    "remember_told",
]

_json = msgspec.json.Encoder()


def apply_registration(tx: Transaction, event: RecordedEvent) -> None:
    """Keep who registered each candidate and company, their consents and whether they may be contacted."""
    org = event.envelope.org
    match event.data:
        case registration.CandidateRegistered() as e:
            p = e.profile
            tx.execute(
                # counsellor_id stays empty: the counsellor is asked of registration at send time.
                "INSERT INTO notif_candidate (candidate_id, org, referring_org, counsellor_id, site_id, "
                "consent_sms, consent_email, status) VALUES (?, ?, ?, '', ?, ?, ?, 'active') "
                "ON CONFLICT (candidate_id) DO UPDATE SET org = excluded.org, "
                "referring_org = excluded.referring_org, "
                "site_id = excluded.site_id, consent_sms = excluded.consent_sms, "
                "consent_email = excluded.consent_email",
                (e.candidate_id, org, p.referring_org, p.site_id, *_consents(p)),
            )
        case registration.CandidateUpdated(profile=registration.CandidateProfile() as p) as e:
            tx.execute(
                "UPDATE notif_candidate SET referring_org = ?, site_id = ?, "
                "consent_sms = ?, consent_email = ? WHERE candidate_id = ?",
                (p.referring_org, p.site_id, *_consents(p), e.candidate_id),
            )
        case registration.CandidateWithdrew() as e:
            tx.execute(
                "UPDATE notif_candidate SET status = 'withdrawn' "
                "WHERE candidate_id = ? AND status <> 'erased'",
                (e.candidate_id,),
            )
            if e.reason == registration.CANNOT_COME:
                tx.execute(
                    "INSERT INTO notif_declined (candidate_id) VALUES (?) ON CONFLICT DO NOTHING",
                    (e.candidate_id,),
                )
        case registration.CandidateErased() as e:
            # Erasure may reach us before (or without) the registration: remember it either way.
            tx.execute(
                "INSERT INTO notif_candidate (candidate_id, org, referring_org, counsellor_id, site_id, "
                "consent_sms, consent_email, status) VALUES (?, ?, '', '', '', 0, 0, 'erased') "
                "ON CONFLICT (candidate_id) DO UPDATE SET status = 'erased'",
                (e.candidate_id, org),
            )
        case registration.CompanyRegistered() as e:
            tx.execute(
                "INSERT INTO notif_company (company_id, org, name, positions, status) "
                "VALUES (?, ?, ?, ?, 'active') ON CONFLICT (company_id) DO UPDATE SET org = excluded.org, "
                "name = excluded.name, positions = excluded.positions",
                (e.company_id, org, e.profile.name, _positions(e.profile)),
            )
        case registration.CompanyUpdated(profile=registration.CompanyProfile() as p) as e:
            tx.execute(
                "UPDATE notif_company SET name = ?, positions = ? WHERE company_id = ?",
                (p.name, _positions(p), e.company_id),
            )
        case registration.CompanyWithdrew() as e:
            tx.execute("UPDATE notif_company SET status = 'withdrawn' WHERE company_id = ?", (e.company_id,))


def apply_sites(tx: Transaction, event: RecordedEvent) -> None:
    """Keep the premises: name, address, accessibility, reception phone; rooms and computer labels."""
    match event.data:
        case sites.SiteOpened() as e:
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
        case sites.SiteDetailsChanged() as e:
            if e.address is not None:
                tx.execute("UPDATE notif_site SET address = ? WHERE site_id = ?", (e.address, e.site_id))
            if e.accessibility is not None:
                tx.execute(
                    "UPDATE notif_site SET accessibility = ? WHERE site_id = ?",
                    (_json.encode(e.accessibility).decode(), e.site_id),
                )
            if e.contact is not None:
                tx.execute("UPDATE notif_site SET phone = ? WHERE site_id = ?", (e.contact.phone, e.site_id))
        case sites.SiteClosed() as e:
            tx.execute("UPDATE notif_site SET status = 'closed' WHERE site_id = ?", (e.site_id,))
        case sites.SiteReopened() as e:
            tx.execute("UPDATE notif_site SET status = 'open' WHERE site_id = ?", (e.site_id,))
        case sites.RoomAdded() as e:
            tx.execute(
                "INSERT INTO notif_room (site_id, room_id, name) VALUES (?, ?, ?) "
                "ON CONFLICT (site_id, room_id) DO NOTHING",
                (e.site_id, e.room_id, e.name),
            )
        case sites.ComputerAdded() as e:
            tx.execute(
                "INSERT INTO notif_computer (computer_id, site_id, label) VALUES (?, ?, ?) "
                "ON CONFLICT (computer_id) DO NOTHING",
                (e.computer_id, e.site_id, e.label),
            )
        case sites.ComputerRemoved() as e:
            tx.execute("DELETE FROM notif_computer WHERE computer_id = ?", (e.computer_id,))


def apply_scheduling(tx: Transaction, event: RecordedEvent) -> None:
    """Keep the plan: job datings, slots (with their stream version), workshops and outcomes."""
    version = event.envelope.stream_version
    match event.data:
        case scheduling.JobDatingPlanned() as e:
            tx.execute(
                "INSERT INTO notif_job_dating (job_dating_id, title, timezone, interview_minutes, "
                "plan_event_id, plan_due_at, plan_remaining) VALUES (?, ?, ?, ?, NULL, NULL, 0) "
                "ON CONFLICT (job_dating_id) DO UPDATE SET title = excluded.title, "
                "timezone = excluded.timezone, interview_minutes = excluded.interview_minutes",
                (e.job_dating_id, e.title, e.timezone, e.interview_minutes),
            )
        case scheduling.PlanPublished():
            pass  # the planner opens the plan's agenda window (it knows when the agendas are due)
        case scheduling.SlotAssigned() as e:
            tx.execute(
                f"INSERT INTO notif_slot ({SLOT_COLUMNS}, version, status, cancel_reason, outcome) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'assigned', NULL, NULL) "
                "ON CONFLICT (slot_id) DO UPDATE SET candidate_id = excluded.candidate_id, "
                "company_id = excluded.company_id, site_id = excluded.site_id, "
                "computer_id = excluded.computer_id, starts_at = excluded.starts_at, "
                "ends_at = excluded.ends_at, video_link = excluded.video_link, kind = excluded.kind, "
                "version = excluded.version, status = 'assigned', cancel_reason = NULL, outcome = NULL",
                (*values(SLOT_COLUMNS, e, ts), version),
            )
            if e.place == "site":
                tx.execute("DELETE FROM notif_slot_place WHERE slot_id = ?", (e.slot_id,))
            else:
                tx.execute(
                    "INSERT INTO notif_slot_place (slot_id, place, address) VALUES (?, ?, ?) "
                    "ON CONFLICT (slot_id) DO UPDATE SET place = excluded.place, address = excluded.address",
                    (e.slot_id, e.place, e.address),
                )
        case scheduling.SlotMoved() | scheduling.SlotCancelled() | scheduling.InterviewCompleted():
            apply_slot_change(tx, "notif_slot", event, ts)
        case scheduling.WorkshopScheduled() as e:
            tx.execute(
                f"INSERT INTO notif_workshop ({WORKSHOP_COLUMNS}, version, enrolled) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0) ON CONFLICT (workshop_id) DO NOTHING",
                (*values(WORKSHOP_COLUMNS, e, ts), version),
            )
        case scheduling.CandidateEnrolledInWorkshop() as e:
            tx.execute(
                "UPDATE notif_workshop SET enrolled = enrolled + 1 WHERE workshop_id = ?", (e.workshop_id,)
            )
    projections_prep.apply(tx, event)  # seats, sessions called off, individual interviews


def _consents(p: registration.CandidateProfile) -> tuple[int, int]:
    return int(p.consent_sms), int(p.consent_email)


def _positions(p: registration.CompanyProfile) -> str:
    return _json.encode([f"{pos.title} ({pos.contract})" for pos in p.positions]).decode()
