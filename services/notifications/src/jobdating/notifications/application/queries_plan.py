"""Reading back the plan notifications keeps from scheduling's events (tables fed by `adapters.projections`):
job datings, slots, workshops, and what each recipient was last told of a slot."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, fields
from datetime import datetime
from typing import Literal

import msgspec

from jobdating.eventstore.reading import Source, columns, rows, rows_for, struct_of
from jobdating.notifications.application.instants import ts
from jobdating.notifications.domain.rules import SlotFacts, Told
from jobdating.runtime.placements import Placement, Session


class JobDating(msgspec.Struct, frozen=True, kw_only=True):
    job_dating_id: str
    title: str
    timezone: str
    interview_minutes: int
    plan_event_id: str | None
    plan_due_at: datetime | None
    plan_remaining: int


@dataclass(frozen=True)
class Slot(Placement):
    """A slot as notifications keeps it: where and when, and what became of it."""

    slot_id: str
    job_dating_id: str
    video_link: str
    kind: str
    version: int
    status: str
    cancel_reason: str | None
    outcome: str | None
    # Where it takes place: "site" (a computer of `site_id`), "premises" (the company's, at `address`) or
    # "video" (from anywhere, `video_link` being the company's link or saying the company sends it).
    place: str = "site"
    address: str | None = None

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


@dataclass(frozen=True)
class Workshop(Session):
    version: int
    enrolled: int


_JOB_DATING = f"SELECT {columns(JobDating)} FROM notif_job_dating"
_SLOT_ROW = ", ".join(f"s.{f.name}" for f in fields(Slot) if f.name not in ("place", "address"))
_SLOT = (
    f"SELECT {_SLOT_ROW}, COALESCE(p.place, 'site'), p.address FROM notif_slot s "
    "LEFT JOIN notif_slot_place p ON p.slot_id = s.slot_id"
)
_WORKSHOP = f"SELECT {columns(Workshop)} FROM notif_workshop"
_TOLD = f"SELECT {columns(Told)} FROM notif_told"


def job_dating(source: Source, job_dating_id: str | None) -> JobDating | None:
    if job_dating_id is None:
        return None
    found = rows(source, f"{_JOB_DATING} WHERE job_dating_id = ?", (job_dating_id,))
    return struct_of(JobDating, found[0]) if found else None


def slot(source: Source, slot_id: str) -> Slot | None:
    found = rows(source, f"{_SLOT} WHERE s.slot_id = ?", (slot_id,))
    return struct_of(Slot, found[0]) if found else None


def slots(source: Source, slot_ids: Collection[str]) -> dict[str, Slot]:
    """Several slots by id, read together (those unknown are missing)."""
    found = rows_for(source, f"{_SLOT} WHERE s.slot_id IN ({{keys}})", slot_ids)
    return {slot.slot_id: slot for slot in (struct_of(Slot, r) for r in found)}


def company_slots(source: Source, company_id: str, job_dating_id: str) -> list[Slot]:
    """A company's slots in a job dating that still stand, in time order (its agenda)."""
    return _standing(source, "company_id", company_id, job_dating_id)


def company_all_slots(source: Source, company_id: str, job_dating_id: str) -> list[Slot]:
    """A company's slots in a job dating, cancelled ones too, in time order (what their updates weigh)."""
    found = rows(
        source,
        f"{_SLOT} WHERE company_id = ? AND job_dating_id = ? ORDER BY starts_at, s.slot_id",
        (company_id, job_dating_id),
    )
    return [struct_of(Slot, r) for r in found]


def candidate_slots(source: Source, candidate_id: str, job_dating_id: str | None) -> list[Slot]:
    """A candidate's slots in a job dating, cancelled ones too, in time order (what their digest weighs)."""
    found = rows(
        source,
        f"{_SLOT} WHERE candidate_id = ? AND job_dating_id = ? ORDER BY starts_at, s.slot_id",
        (candidate_id, job_dating_id or ""),
    )
    return [struct_of(Slot, r) for r in found]


def second_interview(source: Source, candidate_id: str, company_id: str, after: datetime) -> Slot | None:
    """A second interview given to a candidate with a company after their first one, if any."""
    found = rows(
        source,
        f"{_SLOT} WHERE candidate_id = ? AND company_id = ? AND kind = 'second_interview' "
        "AND status <> 'cancelled' AND starts_at > ? ORDER BY starts_at",
        (candidate_id, company_id, ts(after)),
    )
    return struct_of(Slot, found[0]) if found else None


def workshop(source: Source, workshop_id: str) -> Workshop | None:
    found = rows(source, f"{_WORKSHOP} WHERE workshop_id = ?", (workshop_id,))
    return struct_of(Workshop, found[0], json=("coach_ids", "coach_orgs")) if found else None


def told(source: Source, slot_id: str, recipient_type: str, recipient_id: str, channel: str) -> Told | None:
    """What a recipient was last told of a slot on a channel (None: nothing yet)."""
    found = rows(
        source,
        f"{_TOLD} WHERE slot_id = ? AND recipient_type = ? AND recipient_id = ? AND channel = ?",
        (slot_id, recipient_type, recipient_id, channel),
    )
    return struct_of(Told, found[0]) if found else None


def told_of(
    source: Source, slot_ids: Collection[str], recipient_type: str, recipient_id: str, channel: str
) -> dict[str, Told]:
    """`told` for several slots, read together (a slot the recipient was told nothing of is missing)."""
    found = rows_for(
        source,
        f"SELECT slot_id, {columns(Told)} FROM notif_told WHERE recipient_type = ? AND recipient_id = ? "
        "AND channel = ? AND slot_id IN ({keys})",
        slot_ids,
        (recipient_type, recipient_id, channel),
    )
    return {r[0]: struct_of(Told, r[1:]) for r in found}


def standing_slots(source: Source, candidate_id: str, job_dating_id: str) -> list[Slot]:
    """A candidate's slots in a job dating that still stand, in time order (their convocation)."""
    return _standing(source, "candidate_id", candidate_id, job_dating_id)


def _standing(
    source: Source, who: Literal["candidate_id", "company_id"], who_id: str, job_dating_id: str
) -> list[Slot]:
    found = rows(
        source,
        f"{_SLOT} WHERE {who} = ? AND job_dating_id = ? AND status <> 'cancelled' "
        "ORDER BY starts_at, s.slot_id",
        (who_id, job_dating_id),
    )
    return [struct_of(Slot, r) for r in found]
