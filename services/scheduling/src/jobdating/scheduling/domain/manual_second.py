"""The coordinator moves a second interview by hand: another time (or, on the candidate's site, another
computer), its place kept (the site, the company's premises at its address, or video).

A second interview may lie outside the job dating's days and slot grid (up to two weeks after), where the
planner's checker sees nothing; it is judged by the rule its booking, its proposals and its following a
candidate share (`second_interviews.fit`): the candidate free with the job dating's buffer, a recruiter of
the company free (in every job dating), on the site a working computer free while the site is open. Those
rules are never forced (`force` changes nothing here): a coordinator who wants a second interview that
breaks one cancels it and books another.
"""

from __future__ import annotations

from datetime import datetime

from jobdating.scheduling.domain import slot_events
from jobdating.scheduling.domain.errors import Conflict, Invalid
from jobdating.scheduling.domain.manual import (
    HandChange,
    MoveInterview,
    changeable,
    may_change,
    recorded,
    to_come,
)
from jobdating.scheduling.domain.permissions import Actor, must_coordinate
from jobdating.scheduling.domain.second_interviews import Around, Place, fit
from jobdating.scheduling.domain.state import SlotState


def move_second_interview(
    command: MoveInterview, slot: SlotState, around: Around, actor: Actor, now: datetime
) -> HandChange:
    """The second interview at its new time or computer, at the same place, or the rule it would break."""
    job_dating = around.job_dating
    must_coordinate(actor, "slot_id")
    changeable(slot, now)
    may_change(job_dating, command)
    assert slot.starts_at is not None  # an assigned slot has its times
    assert slot.ends_at is not None
    if command.site_id is not None and command.site_id != slot.site_id:
        raise Invalid.on(
            "site_id", "un second entretien reste au site du candidat : il le suit s'il en change"
        )
    if slot.place != "site" and command.computer_id is not None:
        raise Invalid.on("computer_id", "cet entretien n'a pas lieu sur un ordinateur du site")
    if command.starts_at is None and command.computer_id is None:
        raise Invalid.on("starts_at", "indiquez une nouvelle heure ou un autre ordinateur")
    starts_at = to_come("starts_at", command.starts_at, now) if command.starts_at else slot.starts_at
    try:
        computer_id = _placed(around, slot, starts_at, command.computer_id)
    except OverflowError as exc:  # the last minutes of year 9999: past the calendar's end
        raise Invalid.on("starts_at", "date hors du calendrier") from exc
    if (computer_id, starts_at) == (slot.computer_id, slot.starts_at):
        raise Invalid.on("starts_at", "l'entretien est déjà à cette heure, sur cet ordinateur")
    to = slot_events.place_of(
        slot.site_id, computer_id, (starts_at, starts_at + (slot.ends_at - slot.starts_at))
    )
    moved = slot_events.moved(job_dating.job_dating_id, slot, to, "coordinator")
    return HandChange(recorded(job_dating.job_dating_id, command, slot.slot_id, "moved", slot, ()), moved)


def _placed(around: Around, slot: SlotState, starts_at: datetime, computer_id: str | None) -> str | None:
    """The computer the moved interview takes (None off site): the one asked for, else its own if free
    then, else the first free one."""
    place = Place(place=slot.place, address=slot.address, computer_id=computer_id)
    if slot.place == "site" and computer_id is None and slot.computer_id is not None:
        try:
            own = Place(place="site", computer_id=slot.computer_id)
            return fit(around, slot.candidate_id, slot.site_id, own, starts_at, moving=slot.slot_id)
        except Conflict:
            pass  # its own computer is taken then: any free one will do
    return fit(around, slot.candidate_id, slot.site_id, place, starts_at, moving=slot.slot_id)
