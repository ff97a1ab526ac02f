"""How each event changes a site or a computer: pure folds, unknown events leave the state as it is."""

from __future__ import annotations

import msgspec

from jobdating.contracts import sites as events
from jobdating.contracts.envelope import Event
from jobdating.contracts.folds import opened, patched
from jobdating.sites.domain.state import ComputerState, Room, SiteState

replace = msgspec.structs.replace


def evolve_site(state: SiteState, event: Event) -> SiteState:
    """The site after `event`."""
    match event:
        case events.SiteOpened():
            return opened(SiteState, event, opened=True)
        case events.SiteDetailsChanged():
            return patched(state, event, "address", "location", "hours", "accessibility", "contact")
        case events.SiteClosed():
            return replace(state, closed=True)
        case events.SiteReopened():
            return replace(state, closed=False)
        case events.RoomAdded():
            return replace(state, rooms=(*state.rooms, opened(Room, event)))
    return state


def evolve_computer(state: ComputerState, event: Event) -> ComputerState:
    """The computer after `event`."""
    match event:
        case events.ComputerAdded():
            return opened(ComputerState, event, added=True)
        case events.ComputerOutOfOrder():
            return replace(state, status="out_of_order")
        case events.ComputerBackInService():
            return replace(state, status="in_service")
        case events.ComputerRemoved():
            return replace(state, status="removed")
    return state
