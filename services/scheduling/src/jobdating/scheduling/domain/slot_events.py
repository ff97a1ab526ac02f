"""The events that give, move or cancel a slot, built in one place: publication, a repair and a second
interview give slots the same way, and a repair names the slot it moves or cancels the same way."""

from __future__ import annotations

from datetime import datetime
from typing import TypedDict, Unpack

from jobdating.contracts.scheduling import (
    CancelReason,
    SecondPlace,
    SlotAssigned,
    SlotCancelled,
    SlotKind,
    SlotMoved,
)
from jobdating.scheduling.domain.calendar import Booked
from jobdating.scheduling.domain.state import SlotState


class SlotIds(TypedDict):
    """Which slot an event is about, and whose interview it holds."""

    job_dating_id: str
    slot_id: str
    candidate_id: str
    company_id: str


def ids_of(job_dating_id: str, slot: SlotState) -> SlotIds:
    """The ids every event on an existing slot's stream carries."""
    return SlotIds(
        job_dating_id=job_dating_id,
        slot_id=slot.slot_id,
        candidate_id=slot.candidate_id,
        company_id=slot.company_id,
    )


def cancelled(job_dating_id: str, slot: SlotState, reason: CancelReason) -> SlotCancelled:
    """The slot will not take place, for `reason`."""
    return SlotCancelled(**ids_of(job_dating_id, slot), reason=reason)


class SlotPlace(TypedDict):
    """Where and when a slot's interview takes place, as every event that places a slot says it."""

    site_id: str
    computer_id: str | None
    starts_at: datetime
    ends_at: datetime


def place_of(site_id: str, computer_id: str | None, times: tuple[datetime, datetime]) -> SlotPlace:
    """On `computer_id` of `site_id` (None off site), from `times[0]` to `times[1]`."""
    return SlotPlace(site_id=site_id, computer_id=computer_id, starts_at=times[0], ends_at=times[1])


def moved(job_dating_id: str, slot: SlotState, to: SlotPlace, reason: CancelReason) -> SlotMoved:
    """The slot moved `to` another computer or time, for `reason`; where and when it was are the slot's
    own."""
    assert slot.starts_at is not None  # an assigned slot has its times
    return SlotMoved(
        **ids_of(job_dating_id, slot),
        **to,
        previous_computer_id=slot.computer_id,
        previous_starts_at=slot.starts_at,
        reason=reason,
    )


class SlotTerms(TypedDict, total=False):
    """What sets a slot apart beyond who, where and when; left out, the contract's defaults hold."""

    kind: SlotKind
    wish_rank: int | None
    from_waiting_list: bool
    place: SecondPlace
    address: str | None


def assigned(
    job_dating_id: str,
    slot_id: str,
    booked: Booked,
    computer_id: str | None,
    times: tuple[datetime, datetime],
    video_link: str,
    **terms: Unpack[SlotTerms],
) -> SlotAssigned:
    """A new slot for `booked` on `computer_id` from `times[0]` to `times[1]`."""
    return SlotAssigned(
        job_dating_id=job_dating_id,
        slot_id=slot_id,
        candidate_id=booked.candidate_id,
        company_id=booked.company_id,
        **place_of(booked.site_id, computer_id, times),
        video_link=video_link,
        **terms,
    )
