"""Notes on an interview: a counsellor writes one for a candidate their organisation refers, a recruiter for
an interview of their company, the coordination for any. A note is read by its author's organisation (and
the coordination) only: a recruiter never reads what the candidate's counsellor wrote, nor the reverse.

It travels unsealed like the profile's note, so what would reach the person is refused in it."""

from __future__ import annotations

import re

import msgspec

from jobdating.contracts.envelope import Event
from jobdating.contracts.scheduling import INTERVIEW_NOTE_LENGTH, InterviewNoteWritten, NoteAuthor
from jobdating.runtime.text import reaches_a_person, text_problem
from jobdating.scheduling.domain import slot_events
from jobdating.scheduling.domain.errors import Forbidden, Invalid, NotFound
from jobdating.scheduling.domain.facts import CandidateFacts
from jobdating.scheduling.domain.permissions import Actor
from jobdating.scheduling.domain.state import SlotState

UNKNOWN_SLOT = "entretien inconnu"
NOT_YOURS = (
    "seuls le conseiller de la structure du candidat, le recruteur de l'entreprise et la coordination "
    "écrivent une note sur cet entretien"
)
_SPACES = re.compile(r"[ \t]+")


class WriteInterviewNote(msgspec.Struct, frozen=True, kw_only=True):
    """Write a short note on an interview."""

    note_id: str
    slot_id: str
    note: str


def author_role(actor: Actor, slot: SlotState, candidate: CandidateFacts | None) -> NoteAuthor | None:
    """As whom the actor writes on this interview, or None when it is neither their company's nor a
    candidate their organisation refers."""
    if actor.has("coordinator"):
        return "coordinator"
    if actor.has("recruiter") and actor.org == slot.company_id:
        return "recruiter"
    if actor.has("counsellor") and candidate is not None and actor.org == candidate.referring_org:
        return "counsellor"
    return None


def checked_note(raw: str) -> str:
    """The note as kept: trimmed, at most `INTERVIEW_NOTE_LENGTH` characters, nothing that reaches the
    person; else the refusal naming the field."""
    note = "\n".join(_SPACES.sub(" ", line).strip() for line in raw.strip().splitlines())
    if not note:
        raise Invalid.on("note", "la note est vide : écrivez quelques mots")
    problem = text_problem(note)
    if problem is not None:
        raise Invalid.on("note", f"la note : {problem}")
    if len(note) > INTERVIEW_NOTE_LENGTH:
        raise Invalid.on("note", f"la note dépasse {INTERVIEW_NOTE_LENGTH} caractères ({len(note)})")
    if reaches_a_person(note):
        raise Invalid.on("note", "la note : pas de téléphone, d'e-mail, de lien ni de code postal")
    return note


def write_note(
    command: WriteInterviewNote, slot: SlotState, actor: Actor, candidate: CandidateFacts | None
) -> list[Event]:
    """The note, written for the author's organisation."""
    if slot.status == "none":
        raise NotFound.on("slot_id", UNKNOWN_SLOT)
    role = author_role(actor, slot, candidate)
    if role is None:
        raise Forbidden.on("slot_id", NOT_YOURS)
    return [
        InterviewNoteWritten(
            **slot_events.ids_of(slot.job_dating_id, slot),
            note_id=command.note_id,
            author_org=actor.org,
            author_role=role,
            note=checked_note(command.note),
        )
    ]
