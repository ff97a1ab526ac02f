"""How each event changes a site or a computer: pure folds, unknown events leave the state as it is."""

from __future__ import annotations

import msgspec

from jobdating.contracts.envelope import Event
from jobdating.contracts.folds import opened, patched
from jobdating.contracts.sites import (
    ComputerAdded,
    ComputerBackInService,
    ComputerOutOfOrder,
    ComputerRemoved,
    RoomAdded,
    SiteClosed,
    SiteDetailsChanged,
    SiteOpened,
    SiteReopened,
)
from jobdating.sites.domain.state import ComputerState, Room, SiteState

replace = msgspec.structs.replace


def evolve_site(state: SiteState, event: Event) -> SiteState:
    """The site after `event`."""
    match event:
        case SiteOpened():
            return opened(SiteState, event, opened=True)
        case SiteDetailsChanged():
            return patched(state, event, "address", "location", "hours", "accessibility", "contact")
        case SiteClosed():
            return replace(state, closed=True)
        case SiteReopened():
            return replace(state, closed=False)
        case RoomAdded():
            return replace(state, rooms=(*state.rooms, opened(Room, event)))
    return state


def evolve_computer(state: ComputerState, event: Event) -> ComputerState:
    """The computer after `event`."""
    match event:
        case ComputerAdded():
            return opened(ComputerState, event, added=True)
        case ComputerOutOfOrder():
            return replace(state, status="out_of_order")
        case ComputerBackInService():
            return replace(state, status="in_service")
        case ComputerRemoved():
            return replace(state, status="removed")
    return state
