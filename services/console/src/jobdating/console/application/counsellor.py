"""A counsellor's candidates: who they follow, each one's interviews and outcomes in the published plan, and
whom to call, with the reason in plain French: not reached (a message failed, or not known to have arrived
hours later; no number or address; a landline that takes no voice message), no way to reach them at all,
an interview cancelled, absent, or « Je ne peux pas venir ».

Asked with the counsellor's own token: registration lists the candidates they follow (names only for their
own), scheduling gives the plan and the attendance, notifications the messages and where each stands (its
delivery state where the route gives one, else its `status`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Final
from urllib.parse import quote
from zoneinfo import ZoneInfo

from jobdating.console.application import candidate
from jobdating.console.application.interview_notes import Note, notes_by_slot
from jobdating.console.application.live_day import job_dating_of_the_day
from jobdating.console.application.ports import Refused, Services, Unreachable
from jobdating.contracts.scheduling import COUNSELLOR_CANCEL_WORDS

OUTCOMES: Final[dict[str, str]] = {
    "second_interview": "deuxième entretien demandé",
    "hired": "l'entreprise veut recruter",
    "not_retained": "pas retenu cette fois",
    "no_show": "absent à l'entretien",
}
CANCELLED_BECAUSE: Final[dict[str, str]] = {
    "candidate_withdrew": "le candidat s'est retiré",
    "candidate_changed": "l'inscription a changé",
    "no_show": "absent le matin",
    **COUNSELLOR_CANCEL_WORDS,
}
MESSAGES: Final[dict[str, str]] = {
    "convocation": "la convocation",
    "reminder_two_days": "le rappel de l'avant-veille",
    "reminder_morning": "le rappel du matin",
    "slot_moved": "le changement d'horaire",
    "slot_cancelled": "l'annulation d'un entretien",
    "thank_you": "le message de remerciement",
    "workshop_convocation": "la convocation à l'atelier",
    "workshop_reminder": "le rappel de l'atelier",
    "workshop_cancelled": "l'annulation de l'atelier",
}
CHANNELS: Final[dict[str, str]] = {"sms": "SMS", "email": "courriel"}
# Why a message did not reach the candidate: its delivery state (receipts), else its status, else why it
# was not sent (skipped for these reasons only: the others, e.g. an opt-out, are wishes, not failures).
NOT_REACHED: Final[dict[str, str]] = {
    "failed": "l'envoi a échoué",
    "unknown": "pas de confirmation de réception",
    "no_address": "pas de numéro ou d'adresse pour ce message",
    "landline_no_voice": "numéro fixe, qui ne reçoit pas de message vocal",
    "phone_unusable": "numéro qui ne peut pas recevoir de SMS (numéro spécial ou inexistant)",
}
CANNOT_COME: Final = "indisponible à la date"  # registration's reason for « Je ne peux pas venir »
NOT_MINE = "Ce candidat n'est pas suivi par vous : sa fiche ne vous est pas accessible."


@dataclass(frozen=True, kw_only=True)
class Interview(candidate.Interview):
    """An interview as the candidate's counsellor reads it: cancelled or not, and why; its outcome."""

    cancelled: bool
    cancel_reason: str | None
    outcome: str | None
    slot_id: str = ""
    # The notes the counsellor's organisation wrote on it (scheduling gives them no other).
    notes: tuple[Note, ...] = ()

    @property
    def outcome_words(self) -> str | None:
        return OUTCOMES.get(self.outcome or "", self.outcome)

    @property
    def cancel_words(self) -> str:
        return CANCELLED_BECAUSE.get(self.cancel_reason or "", "raison non précisée")


@dataclass(frozen=True)
class Followed:
    """A candidate the counsellor follows, with what the plan, the day and the messages say of them."""

    candidate_id: str
    first_name: str
    last_name: str
    phone: str
    commune: str
    withdrawn: bool
    interviews: list[Interview] = field(default_factory=list)
    absent: bool = False
    failed_messages: list[str] = field(default_factory=list)
    messages_unknown: bool = False
    declined: bool = False
    no_contact: bool = False

    @property
    def phone_words(self) -> str:
        """The number as people read it (`06 39 98 00 06`); the link keeps the international form."""
        if self.phone.startswith("+33") and len(self.phone) == 12:
            national = "0" + self.phone[3:]
            return " ".join(national[i : i + 2] for i in range(0, 10, 2))
        return self.phone

    @property
    def why_call(self) -> list[str]:
        """Why the counsellor should call them, in plain French (empty: nothing to do)."""
        said = []
        if self.declined:
            said.append("A répondu « Je ne peux pas venir » : ses entretiens sont libérés.")
        if self.no_contact:
            said.append("Aucun moyen de le joindre : ni téléphone ni courriel.")
        said += [f"Pas joint : {m}." for m in self.failed_messages]
        said += [
            f"Entretien annulé ({i.start}, {i.company}) : {i.cancel_words}."
            for i in self.interviews
            # Their own decline says it already.
            if i.cancelled and not (self.declined and i.cancel_reason == "candidate_withdrew")
        ]
        if self.absent:
            said.append("Absent le jour du job dating.")
        said += [
            f"Absent à l'entretien ({i.start}, {i.company})."
            for i in self.interviews
            if i.outcome == "no_show" and not self.absent
        ]
        return said

    @property
    def held(self) -> list[Interview]:
        return [i for i in self.interviews if not i.cancelled]


@dataclass(frozen=True)
class MyCandidates:
    title: str
    job_dating_id: str | None
    people: list[Followed]

    @property
    def to_call(self) -> list[Followed]:
        return [p for p in self.people if p.why_call]

    @property
    def outcomes(self) -> list[tuple[Followed, Interview]]:
        return [(p, i) for p in self.people for i in p.interviews if i.outcome]


def my_candidates(services: Services, token: str, account_id: str, zone: ZoneInfo) -> MyCandidates:
    """The candidates `account_id` follows, by name, with their plan, attendance and failed messages."""
    page = services.get("registration", "/candidates", token, {"counsellor_id": account_id, "limit": "1000"})
    records = [c for c in page["items"] if c.get("personal") is not None and not c.get("erased")]
    jd = job_dating_of_the_day(services, token)
    job_dating_id = str(jd["job_dating_id"]) if jd is not None else None
    absent: set[str] = set()
    if job_dating_id is not None:
        rows = services.get("scheduling", f"/job-datings/{quote(job_dating_id, safe='')}/attendance", token)
        absent = {r["candidate_id"] for r in rows if r.get("no_show")}
    notes = notes_by_slot(services, token, job_dating_id, zone) if job_dating_id is not None else {}
    people = [_followed(services, token, c, job_dating_id, absent, notes) for c in records]
    people.sort(key=lambda p: (p.last_name.casefold(), p.first_name.casefold()))
    return MyCandidates(
        title=str(jd.get("title", "")) if jd else "", job_dating_id=job_dating_id, people=people
    )


def one_candidate(services: Services, token: str, candidate_id: str, zone: ZoneInfo) -> Followed:
    """One candidate the caller follows; `Refused(403)` when registration shows them no name (not theirs)."""
    record = services.get("registration", f"/candidates/{quote(candidate_id, safe='')}", token)
    if record.get("personal") is None:
        raise Refused(403, [NOT_MINE])
    jd = job_dating_of_the_day(services, token)
    job_dating_id = str(jd["job_dating_id"]) if jd is not None else None
    absent: set[str] = set()
    notes: dict[str, list[Note]] = {}
    if job_dating_id is not None:
        path = f"/job-datings/{quote(job_dating_id, safe='')}/attendance"
        absent = {r["candidate_id"] for r in services.get("scheduling", path, token) if r.get("no_show")}
        notes = notes_by_slot(services, token, job_dating_id, zone)
    return _followed(services, token, record, job_dating_id, absent, notes)


def _followed(
    services: Services,
    token: str,
    record: dict[str, Any],
    job_dating_id: str | None,
    absent: set[str],
    notes: dict[str, list[Note]],
) -> Followed:
    candidate_id = str(record["candidate_id"])
    personal = record["personal"]
    failed, unknown = _failed_messages(services, token, candidate_id)
    return Followed(
        candidate_id=candidate_id,
        first_name=personal["first_name"],
        last_name=personal["last_name"],
        phone=personal.get("phone", ""),
        commune=str(record.get("profile", {}).get("commune", "")),
        withdrawn=record.get("status") == "withdrawn",
        interviews=_interviews(services, token, job_dating_id, candidate_id, notes),
        absent=candidate_id in absent,
        failed_messages=failed,
        messages_unknown=unknown,
        declined=record.get("status") == "withdrawn" and record.get("withdrawal_reason") == CANNOT_COME,
        no_contact=not personal.get("phone") and not personal.get("email"),
    )


def _interviews(
    services: Services,
    token: str,
    job_dating_id: str | None,
    candidate_id: str,
    notes: dict[str, list[Note]],
) -> list[Interview]:
    if job_dating_id is None:
        return []
    path = f"/job-datings/{quote(job_dating_id, safe='')}/plan"
    params = {"by": "candidate", "key": candidate_id, "include_cancelled": "true"}
    try:
        plan = services.get("scheduling", path, token, params)
    except Refused as exc:
        if exc.status == 404:  # no plan published yet
            return []
        raise
    names: dict[str, str] = plan.get("names", {})
    found = [
        i
        for group in plan.get("groups", [])
        for i in group.get("interviews", [])
        if i.get("candidate_id") == candidate_id
    ]
    found.sort(key=lambda i: (i["day"], i["local_start"]))
    return [
        Interview(
            day=date.fromisoformat(i["day"]),
            start=i["local_start"],
            end=i["local_end"],
            company=names.get(i["company_id"], "une entreprise"),
            cancelled=i.get("status") == "cancelled",
            cancel_reason=i.get("cancel_reason"),
            outcome=i.get("outcome"),
            slot_id=i.get("slot_id") or "",
            notes=tuple(notes.get(i.get("slot_id") or "", ())),
        )
        for i in found
    ]


def _failed_messages(services: Services, token: str, candidate_id: str) -> tuple[list[str], bool]:
    """The messages that did not reach the candidate, each with why, in words (once each); True when
    notifications did not answer (the page says it cannot tell rather than that all went well)."""
    try:
        sent = services.get(
            "notifications", f"/candidates/{quote(candidate_id, safe='')}/notifications", token
        )
    except (Refused, Unreachable):
        return [], True
    said: list[str] = []
    for m in sent:
        why = _not_reached(m)
        if why is None:
            continue
        words = f"{MESSAGES.get(m['kind'], 'un message')} ({CHANNELS.get(m['channel'], m['channel'])}), {why}"
        if words not in said:
            said.append(words)
    return said, False


def _not_reached(message: dict[str, Any]) -> str | None:
    """Why a message did not reach the candidate, or None when it did (or is still on its way).

    `delivery` is notifications' final word (receipts). An e-mail with no receipt says little (a mail relay
    reports bounces, rarely deliveries), so only a failed e-mail counts; an SMS or a call without a receipt
    after the wait is worth a call."""
    delivery = message.get("delivery")
    if delivery == "failed" or (delivery is None and message.get("status") == "failed"):
        return NOT_REACHED["failed"]
    if delivery == "unknown" and message.get("channel") != "email":
        return NOT_REACHED["unknown"]
    if message.get("status") == "skipped" and message.get("reason") in NOT_REACHED:
        return NOT_REACHED[str(message["reason"])]
    return None
