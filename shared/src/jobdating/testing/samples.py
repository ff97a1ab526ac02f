"""One example payload per registered (event type, schema version): the golden files are made from these."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any, TypedDict, TypeVar

import msgspec

from jobdating.contracts import duplicates as d
from jobdating.contracts import identity as i
from jobdating.contracts import notifications as n
from jobdating.contracts import registration as r
from jobdating.contracts import scheduling as sc
from jobdating.contracts import sites as s
from jobdating.contracts.envelope import Event
from jobdating.contracts.sealed import Sealed
from jobdating.testing.equipment import EQUIPPED


class SlotKeys(TypedDict):
    """Whose interview a slot event is about: the fields every slot event starts with."""

    job_dating_id: str
    slot_id: str
    candidate_id: str
    company_id: str


class AttendanceKeys(TypedDict):
    """Whose presence an attendance event is about, and where."""

    job_dating_id: str
    candidate_id: str
    site_id: str


# The slot and the candidates the samples follow: cand-1 meets co-1 in slot-1; cand-2 comes late.
SLOT_1 = SlotKeys(job_dating_id="jd-1", slot_id="slot-1", candidate_id="cand-1", company_id="co-1")
CAND_1_AT_SECLIN = AttendanceKeys(job_dating_id="jd-1", candidate_id="cand-1", site_id="site-seclin")
CAND_2_AT_SECLIN = AttendanceKeys(job_dating_id="jd-1", candidate_id="cand-2", site_id="site-seclin")
ACCOUNT_ID = "acc-0192f0c4-0000-7000-8000-00000000000e"
SEALED = Sealed(key_id="k-0001", nonce="bm9uY2U=", ciphertext="c2VhbGVk")
PROFILE = r.CandidateProfile(
    referring_org="mission-locale",
    site_id="site-seclin",
    sectors=("logistique",),
    wishes=(r.Wish(rank=1, company_id="co-1"), r.Wish(rank=2, sector="commerce")),
    availability=(r.Availability(day=date(2026, 12, 3), start=time(8, 30), end=time(12, 30)),),
    accessibility=("wheelchair",),
    consent_data=True,
    consent_sms=True,
    consent_email=False,
)
IN_CLEAR_BEFORE = r.InClearBefore(counsellor_id="c-42", postcode="59113", commune="Seclin")
PROFILE_V1 = r.CandidateProfileV1(
    **msgspec.structs.asdict(PROFILE), **msgspec.structs.asdict(IN_CLEAR_BEFORE)
)
"""The same candidate as the events before v3 (`CandidateRegistered`) and v2 (`CandidateUpdated`) had them."""
COMPANY = r.CompanyProfile(
    name="Logistique du Nord",
    siret="73282932000074",
    sector="logistique",
    positions=(r.Position(title="Préparateur de commandes", contract="CDI", count=3),),
    parallel_recruiters=2,
    window_start=time(9, 0),
    window_end=time(12, 0),
    day=date(2026, 12, 3),
)

SITE_LOCATION = s.Coordinates(lat=50.5486, lon=3.0296)
SITE_HOURS = (s.OpeningHours(day=date(2026, 12, 3), start=time(8, 30), end=time(17, 0)),)
SITE_CONTACT = s.SiteContact(phone="0320000000", email="accueil@example.org")

EventT = TypeVar("EventT", bound=Event)


def _notification(event: type[EventT], **fields: Any) -> EventT:
    """A notification event about cand-1's convocation to slot-1, sent by e-mail on the first attempt;
    `fields` say what differs (another message, channel or kind) and what the event type adds."""
    said: dict[str, Any] = {
        "notification_id": "0192f0c4-0000-5000-8000-00000000000a",
        "kind": "convocation",
        "channel": "email",
        "recipient_type": "candidate",
        "recipient_id": "cand-1",
        "cause_event_id": "0192f0c4-0000-7000-8000-000000000009",
        "subject_id": "slot-1",
    }
    return event(**{**said, **fields})


SAMPLES: dict[tuple[str, int], Event] = {
    ("CandidateRegistered", 1): r.CandidateRegisteredV1(
        candidate_id="cand-1", profile=PROFILE_V1, personal=SEALED
    ),
    ("CandidateRegistered", 2): r.CandidateRegisteredV2(
        candidate_id="cand-1", profile=PROFILE_V1, personal=SEALED, import_key="row-7"
    ),
    ("CandidateRegistered", 3): r.CandidateRegistered(
        candidate_id="cand-1", profile=PROFILE, personal=SEALED, import_key="row-7"
    ),
    ("CandidateUpdated", 1): r.CandidateUpdatedV1(candidate_id="cand-1", personal=SEALED),
    ("CandidateUpdated", 2): r.CandidateUpdated(candidate_id="cand-1", profile=PROFILE, personal=SEALED),
    ("CandidateWithdrew", 1): r.CandidateWithdrew(candidate_id="cand-1", reason="a trouvé un emploi"),
    ("CandidateConfirmedAttendance", 1): r.CandidateConfirmedAttendance(candidate_id="cand-1"),
    ("CandidateWalkedIn", 1): r.CandidateWalkedIn(
        candidate_id="cand-1", site_id="site-seclin", at=datetime(2026, 12, 3, 9, 50, tzinfo=UTC)
    ),
    ("CandidateErased", 1): r.CandidateErased(candidate_id="cand-1"),
    ("CandidateNoteWritten", 1): r.CandidateNoteWritten(
        candidate_id="cand-1", note="Cariste expérimentée, cherche un CDI en journée."
    ),
    ("BlindIndexPublished", 1): d.BlindIndexPublished(
        candidate_id="cand-1", phone="3f" * 32, email="a7" * 32
    ),
    ("BlindIndexRemoved", 1): d.BlindIndexRemoved(candidate_id="cand-1"),
    ("DuplicateSuspected", 1): d.DuplicateSuspected(
        duplicate_id="dup-1",
        candidate_id="cand-1",
        other_candidate_id="cand-9",
        other_org="mission-locale",
        matched=("phone",),
    ),
    ("DuplicateResolved", 1): d.DuplicateResolved(
        duplicate_id="dup-1", verdict="same_person", reason="même date de naissance"
    ),
    ("DuplicateDismissed", 1): d.DuplicateDismissed(duplicate_id="dup-1", reason=d.DISMISSED_BY_ERASURE),
    ("CandidateContactOpened", 1): r.CandidateContactOpened(
        candidate_id="cand-1",
        purpose="convocation_failed",
        opened_by="acct-7",
        opened_by_org="departement-nord",
    ),
    ("CompanyRegistered", 1): r.CompanyRegistered(
        company_id="co-1", registering_org="mel", profile=COMPANY, contact=SEALED
    ),
    ("CompanyUpdated", 1): r.CompanyUpdated(company_id="co-1", profile=COMPANY),
    ("CompanyWithdrew", 1): r.CompanyWithdrew(company_id="co-1", reason="recrutement pourvu"),
    ("SiteOpened", 1): s.SiteOpened(
        site_id="site-seclin",
        name="Maison de l'emploi",
        host_org="mel",
        commune="Seclin",
        postcode="59113",
        address="2 rue de l'Emploi",
        location=SITE_LOCATION,
        hours=SITE_HOURS,
        accessibility=("wheelchair",),
        contact=SITE_CONTACT,
    ),
    ("SiteDetailsChanged", 1): s.SiteDetailsChanged(
        site_id="site-seclin", hours=SITE_HOURS, accessibility=("wheelchair", "hearing_loop")
    ),
    ("SiteClosed", 1): s.SiteClosed(site_id="site-seclin", reason="travaux"),
    ("SiteReopened", 1): s.SiteReopened(site_id="site-seclin"),
    ("RoomAdded", 1): s.RoomAdded(
        site_id="site-seclin", room_id="room-1", name="Salle Jean Jaurès", capacity=12
    ),
    ("ComputerAdded", 1): s.ComputerAdded(
        computer_id="pc-1", site_id="site-seclin", label="PC 1", lending_org="mel", **EQUIPPED
    ),
    ("ComputerOutOfOrder", 1): s.ComputerOutOfOrder(computer_id="pc-1", reason="écran noir"),
    ("ComputerBackInService", 1): s.ComputerBackInService(computer_id="pc-1"),
    ("ComputerRemoved", 1): s.ComputerRemoved(computer_id="pc-1", reason="repris par le prêteur"),
    ("JobDatingPlanned", 1): sc.JobDatingPlanned(
        job_dating_id="jd-1",
        title="Emploi Booster",
        days=(date(2026, 12, 3),),
        site_windows=(
            sc.SiteWindow(site_id="site-seclin", day=date(2026, 12, 3), start=time(8, 30), end=time(12, 30)),
        ),
        interview_minutes=20,
        buffer_minutes=10,
        breaks=(sc.Break(day=date(2026, 12, 3), start=time(10, 30), end=time(10, 45)),),
        max_interviews_per_candidate=4,
        freeze_at=datetime(2026, 12, 1, 17, 0, tzinfo=UTC),
    ),
    ("PlanPublished", 1): sc.PlanPublished(
        job_dating_id="jd-1", plan_id="plan-1", slots=142, solver_status="optimal", upper_bound=142
    ),
    ("SlotAssigned", 1): sc.SlotAssignedV1(
        **SLOT_1,
        site_id="site-seclin",
        computer_id="pc-3",
        starts_at=datetime(2026, 12, 3, 8, 30, tzinfo=UTC),
        ends_at=datetime(2026, 12, 3, 8, 50, tzinfo=UTC),
        video_link="https://visio.example/jd-slot-1",
        wish_rank=1,
    ),
    ("SlotAssigned", 2): sc.SlotAssigned(
        job_dating_id="jd-1",
        slot_id="slot-2",
        candidate_id="cand-1",
        company_id="co-1",
        site_id="site-seclin",
        computer_id=None,
        starts_at=datetime(2026, 12, 10, 13, 30, tzinfo=UTC),
        ends_at=datetime(2026, 12, 10, 13, 50, tzinfo=UTC),
        video_link="lien envoyé par l'entreprise",
        kind="second_interview",
        place="premises",
        address="12 rue de l'Usine, 59810 Lesquin",
    ),
    ("SlotMoved", 1): sc.SlotMoved(
        **SLOT_1,
        site_id="site-seclin",
        computer_id="pc-4",
        starts_at=datetime(2026, 12, 3, 8, 30, tzinfo=UTC),
        ends_at=datetime(2026, 12, 3, 8, 50, tzinfo=UTC),
        previous_computer_id="pc-3",
        previous_starts_at=datetime(2026, 12, 3, 8, 30, tzinfo=UTC),
        reason="computer_broken",
    ),
    ("SlotCancelled", 1): sc.SlotCancelled(
        **SLOT_1,
        reason="company_left",
    ),
    ("InterviewCompleted", 1): sc.InterviewCompleted(
        **SLOT_1,
        outcome="second_interview",
    ),
    ("InterviewNoteWritten", 1): sc.InterviewNoteWritten(
        **SLOT_1,
        note_id="01890a5d-ac96-7000-8000-00000000f001",
        author_org="co-1",
        author_role="recruiter",
        note="Bon échange, à revoir pour le poste de préparateur.",
    ),
    ("CandidateCheckedIn", 1): sc.CandidateCheckedIn(
        **CAND_1_AT_SECLIN,
        at=datetime(2026, 12, 3, 8, 10, tzinfo=UTC),
    ),
    ("CandidateMarkedNoShow", 1): sc.CandidateMarkedNoShow(**CAND_2_AT_SECLIN),
    ("CandidateArrivedLate", 1): sc.CandidateArrivedLate(
        **CAND_2_AT_SECLIN,
        at=datetime(2026, 12, 3, 9, 40, tzinfo=UTC),
    ),
    ("CandidateWaitlisted", 1): sc.CandidateWaitlisted(
        **CAND_2_AT_SECLIN,
        reason="registered_after_publication",
        at=datetime(2026, 12, 3, 9, 50, tzinfo=UTC),
    ),
    ("WorkshopScheduled", 1): sc.WorkshopScheduled(
        workshop_id="ws-1",
        job_dating_id="jd-1",
        site_id="site-seclin",
        room_id="room-1",
        starts_at=datetime(2026, 11, 30, 13, 30, tzinfo=UTC),
        ends_at=datetime(2026, 11, 30, 16, 0, tzinfo=UTC),
        capacity=12,
        coach_ids=("coach-1", "coach-2"),
        coach_orgs=("mission-locale", "france-travail"),
    ),
    ("CandidateEnrolledInWorkshop", 1): sc.CandidateEnrolledInWorkshop(
        workshop_id="ws-1", candidate_id="cand-1"
    ),
    ("WorkshopAttendanceRecorded", 1): sc.WorkshopAttendanceRecorded(
        workshop_id="ws-1", present=("cand-1",), absent=("cand-2",)
    ),
    ("WorkshopEnrolmentOverridden", 1): sc.WorkshopEnrolmentOverridden(
        workshop_id="ws-1",
        candidate_id="cand-3",
        candidate_site_id="site-lille",
        reason="plus proche du travail",
    ),
    ("CandidateUnenrolledFromWorkshop", 1): sc.CandidateUnenrolledFromWorkshop(
        workshop_id="ws-1", candidate_id="cand-1"
    ),
    ("WorkshopCancelled", 1): sc.WorkshopCancelled(
        workshop_id="ws-1", job_dating_id="jd-1", candidate_ids=("cand-1", "cand-2")
    ),
    ("CounsellingInterviewBooked", 1): sc.CounsellingInterviewBooked(
        interview_id="ci-1",
        job_dating_id="jd-1",
        candidate_id="cand-1",
        counsellor_id="acc-1",
        counsellor_org="mission-locale",
        site_id="site-seclin",
        starts_at=datetime(2026, 11, 24, 9, 0, tzinfo=UTC),
        ends_at=datetime(2026, 11, 24, 9, 45, tzinfo=UTC),
    ),
    ("CounsellingInterviewCancelled", 1): sc.CounsellingInterviewCancelled(
        interview_id="ci-1", job_dating_id="jd-1", candidate_id="cand-1", counsellor_id="acc-1"
    ),
    ("NotificationSent", 1): _notification(
        n.NotificationSent,
        attempts=1,
        provider_message_id="<0192f0c4-0000-5000-8000-00000000000a@jobdating.example>",
    ),
    ("NotificationFailed", 1): _notification(
        n.NotificationFailed,
        notification_id="0192f0c4-0000-5000-8000-00000000000b",
        kind="reminder_morning",
        channel="sms",
        attempts=5,
        error="sms_provider_503",
    ),
    ("NotificationSkipped", 1): _notification(
        n.NotificationSkipped,
        notification_id="0192f0c4-0000-5000-8000-00000000000c",
        kind="slot_moved",
        channel="sms",
        cause_event_id="0192f0c4-0000-7000-8000-00000000000d",
        reason="unchanged",
    ),
    ("NotificationDelivered", 1): _notification(
        n.NotificationDelivered,
        notification_id="0192f0c4-0000-5000-8000-00000000000e",
        channel="sms",
        receipt="sms_report",
        reported_at=datetime(2026, 11, 26, 9, 0, 4, tzinfo=UTC),
    ),
    ("NotificationUndelivered", 1): _notification(
        n.NotificationUndelivered,
        receipt="dsn",
        reported_at=datetime(2026, 11, 26, 9, 2, tzinfo=UTC),
        reason="bounce_5.1.1",
    ),
    ("RemindersOptedOut", 1): n.RemindersOptedOut(candidate_id="cand-1"),
    ("RemindersOptedIn", 1): n.RemindersOptedIn(candidate_id="cand-1"),
    ("CandidateRepliedBySms", 1): n.CandidateRepliedBySms(
        reply_id="0192f0c4-0000-5000-8000-00000000000e",
        candidate_id="cand-1",
        notification_id="0192f0c4-0000-5000-8000-00000000000c",
        answer="not_coming",
        recorded=True,
    ),
    ("PairingPinned", 1): sc.PairingPinned(job_dating_id="jd-1", candidate_id="cand-1", company_id="co-1"),
    ("PairingForbidden", 1): sc.PairingForbidden(
        job_dating_id="jd-1", candidate_id="cand-2", company_id="co-1"
    ),
    ("PairingReleased", 1): sc.PairingReleased(
        job_dating_id="jd-1", candidate_id="cand-2", company_id="co-1"
    ),
    ("JobDatingFrozen", 1): sc.JobDatingFrozen(job_dating_id="jd-1"),
    ("CompanyDelayed", 1): sc.CompanyDelayed(
        job_dating_id="jd-1", company_id="co-1", arrives_at=datetime(2026, 12, 3, 9, 30, tzinfo=UTC)
    ),
    ("CompanyLeft", 1): sc.CompanyLeft(
        job_dating_id="jd-1",
        company_id="co-1",
        at=datetime(2026, 12, 3, 10, 15, tzinfo=UTC),
        reason="recruteur malade",
    ),
    ("InterviewChangedByHand", 1): sc.InterviewChangedByHand(
        job_dating_id="jd-1",
        slot_id="slot-1",
        change="moved",
        candidate_id="cand-1",
        company_id="co-1",
        reason="le recruteur doit partir plus tôt",
        forced=True,
        overridden=(sc.OverriddenRule(rule="candidate_overlap", says="Le candidat a un entretien à 09:20"),),
    ),
    ("OrganisationRegistered", 1): i.OrganisationRegistered(
        organisation_id="mission-locale", kind="mission_locale", name="Mission Locale de Lille"
    ),
    ("AccountInvited", 1): i.AccountInvited(
        account_id=ACCOUNT_ID,
        organisation_id="mission-locale",
        roles=("partner_admin",),
    ),
    ("AccountActivated", 1): i.AccountActivated(account_id=ACCOUNT_ID, second_factor=True),
    ("RoleGranted", 1): i.RoleGranted(account_id=ACCOUNT_ID, role="counsellor"),
    ("RoleRevoked", 1): i.RoleRevoked(account_id=ACCOUNT_ID, role="counsellor"),
    ("AccountDisabled", 1): i.AccountDisabled(account_id=ACCOUNT_ID),
    ("CompanyRankedCandidates", 1): sc.CompanyRankedCandidates(
        job_dating_id="jd-1", company_id="co-1", ranked=("cand-2", "cand-1"), must_meet=("cand-2",)
    ),
}


def sample_of(event: type[EventT], **changes: Any) -> EventT:
    """The sample of `event`'s current version with `changes`: a test names only what it is about."""
    sample = SAMPLES[(event.event_type, event.schema_version)]
    assert isinstance(sample, event)
    return msgspec.structs.replace(sample, **changes)
