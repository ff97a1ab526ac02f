"""How each event changes a site or a computer: pure folds, unknown events leave the state as it is."""

from __future__ import annotations

import msgspec

from jobdating.contracts.envelope import Event
from jobdating.contracts.sites import (
    ComputerAdded,
    ComputerBackInService,
    ComputerOutOfOrder,
    ComputerRemoved,
    RoomAdded,
    SiteClosed,
    SiteDetailsChanged,
    SiteOpened,
)
from jobdating.sites.domain.state import ComputerState, Room, SiteState

replace = msgspec.structs.replace


def evolve_site(state: SiteState, event: Event) -> SiteState:
    """The site after `event`."""
    match event:
        case SiteOpened():
            return SiteState(
                site_id=event.site_id,
                opened=True,
                name=event.name,
                host_org=event.host_org,
                commune=event.commune,
                postcode=event.postcode,
                address=event.address,
                location=event.location,
                hours=event.hours,
                accessibility=event.accessibility,
                contact=event.contact,
            )
        case SiteDetailsChanged():
            return replace(
                state,
                address=state.address if event.address is None else event.address,
                location=state.location if event.location is None else event.location,
                hours=state.hours if event.hours is None else event.hours,
                accessibility=state.accessibility if event.accessibility is None else event.accessibility,
                contact=state.contact if event.contact is None else event.contact,
            )
        case SiteClosed():
            return replace(state, closed=True)
        case RoomAdded():
            room = Room(room_id=event.room_id, name=event.name, capacity=event.capacity)
            return replace(state, rooms=(*state.rooms, room))
    return state


def evolve_computer(state: ComputerState, event: Event) -> ComputerState:
    """The computer after `event`."""
    match event:
        case ComputerAdded():
            return ComputerState(
                computer_id=event.computer_id,
                added=True,
                site_id=event.site_id,
                label=event.label,
                lending_org=event.lending_org,
                visio_ready=event.visio_ready,
            )
        case ComputerOutOfOrder():
            return replace(state, status="out_of_order")
        case ComputerBackInService():
            return replace(state, status="in_service")
        case ComputerRemoved():
            return replace(state, status="removed")
    return state
