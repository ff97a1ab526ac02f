"""Event types and stream types in plain French, for the audit's "who did what" (`who.py`).

The project had no French words for its event types (only for outcomes and cancellation reasons, in the
reports): they are here, one per registered type. A type not listed (a newer service) shows its own name.
"""

from __future__ import annotations

from typing import Final

EVENT_WORDS: Final[dict[str, str]] = {
    # identity
    "OrganisationRegistered": "organisation enregistrée",
    "AccountInvited": "compte invité",
    "AccountActivated": "compte activé",
    "AccountDisabled": "compte désactivé",
    "RoleGranted": "rôle accordé",
    "RoleRevoked": "rôle retiré",
    # registration
    "CandidateRegistered": "candidat inscrit",
    "CandidateUpdated": "candidat modifié",
    "CandidateWithdrew": "candidat désinscrit",
    "CandidateConfirmedAttendance": "candidat a confirmé sa venue",
    "CandidateWalkedIn": "candidat inscrit sur place le jour même",
    "CandidateNoteWritten": "note du conseiller sur le profil du candidat",
    "CandidateErased": "données du candidat effacées",
    "CandidateContactOpened": "coordonnées du candidat ouvertes (motif indiqué)",
    "CompanyRegistered": "entreprise inscrite",
    "CompanyUpdated": "entreprise modifiée",
    "CompanyWithdrew": "entreprise retirée",
    # registration: the same person at two partners (blind index)
    "BlindIndexPublished": "empreinte anonyme des coordonnées publiée (recherche de doublons)",
    "BlindIndexRemoved": "empreinte anonyme des coordonnées retirée",
    "DuplicateSuspected": "doublon possible avec un autre partenaire signalé",
    "DuplicateResolved": "doublon possible tranché par la coordination",
    "DuplicateDismissed": "doublon possible classé (personne effacée ou retirée)",
    # sites
    "SiteOpened": "site ouvert",
    "SiteDetailsChanged": "informations du site modifiées",
    "SiteClosed": "site fermé",
    "SiteReopened": "site rouvert",
    "RoomAdded": "salle ajoutée",
    "ComputerAdded": "ordinateur ajouté",
    "ComputerOutOfOrder": "ordinateur en panne",
    "ComputerBackInService": "ordinateur remis en service",
    "ComputerRemoved": "ordinateur retiré",
    # scheduling
    "JobDatingPlanned": "job dating préparé",
    "JobDatingFrozen": "planning figé",
    "PlanPublished": "planning publié",
    "PairingPinned": "rencontre imposée",
    "PairingForbidden": "rencontre interdite",
    "PairingReleased": "rencontre laissée libre",
    "CompanyRankedCandidates": "choix de candidats par l'entreprise",
    "SlotAssigned": "entretien attribué",
    "SlotMoved": "entretien déplacé",
    "SlotCancelled": "entretien annulé",
    "InterviewCompleted": "résultat d'entretien saisi",
    "InterviewNoteWritten": "note sur un entretien écrite",
    "CandidateCheckedIn": "arrivée du candidat pointée",
    "CandidateMarkedNoShow": "candidat noté absent",
    "CandidateArrivedLate": "candidat arrivé en retard",
    "CandidateWaitlisted": "candidat mis en liste d'attente",
    "CompanyDelayed": "entreprise en retard",
    "CompanyLeft": "entreprise partie",
    "InterviewChangedByHand": "entretien changé à la main par la coordination",
    "WorkshopScheduled": "atelier programmé",
    "CandidateEnrolledInWorkshop": "candidat inscrit à un atelier",
    "WorkshopAttendanceRecorded": "présences à l'atelier saisies",
    "WorkshopEnrolmentOverridden": "inscription à l'atelier d'un autre site, motivée",
    "CandidateUnenrolledFromWorkshop": "candidat désinscrit d'un atelier",
    "WorkshopCancelled": "atelier annulé",
    "CounsellingInterviewBooked": "entretien individuel avec le conseiller fixé",
    "CounsellingInterviewCancelled": "entretien individuel avec le conseiller annulé",
    # notifications
    "NotificationSent": "message envoyé",
    "NotificationFailed": "message en échec",
    "NotificationSkipped": "message non envoyé",
    "NotificationDelivered": "message reçu",
    "NotificationUndelivered": "message non reçu",
    "RemindersOptedIn": "rappels réactivés",
    "RemindersOptedOut": "rappels refusés",
    "CandidateRepliedBySms": "réponse du candidat par SMS",
}

STREAM_WORDS: Final[dict[str, str]] = {
    "organisation": "organisation",
    "account": "compte",
    "candidate": "candidat",
    "company": "entreprise",
    "site": "site",
    "computer": "ordinateur",
    "job_dating": "job dating",
    "slot": "entretien",
    "attendance": "présence",
    "workshop": "atelier",
    "counselling_interview": "entretien individuel",
    "notification": "message",
    "reminder_preference": "rappels",
    "sms_reply": "réponse par SMS",
}


def event_words(event_type: str) -> str:
    """What happened, in French; the type's own name when no words are known for it."""
    return EVENT_WORDS.get(event_type, event_type)


def subject_words(stream_type: str, stream_id: str) -> str:
    """What it happened to: the kind of thing and its id (an id, never a person's name)."""
    return f"{STREAM_WORDS.get(stream_type, stream_type)} {stream_id}"
