"""Sites and rooms: given past events, when a command arrives, then these events (or this refusal)."""

from __future__ import annotations

from datetime import date, time
from functools import reduce

import msgspec
import pytest

from jobdating.contracts.envelope import Event
from jobdating.contracts.sites import (
    Coordinates,
    OpeningHours,
    RoomAdded,
    SiteClosed,
    SiteContact,
    SiteDetailsChanged,
    SiteOpened,
    SiteReopened,
)
from jobdating.sites.domain import decide
from jobdating.sites.domain.commands import AddRoom, ChangeSiteDetails, CloseSite, OpenSite, ReopenSite
from jobdating.sites.domain.errors import AlreadyExists, Conflict, Forbidden, Invalid, NotFound
from jobdating.sites.domain.evolve import evolve_site
from jobdating.sites.domain.permissions import Actor
from jobdating.sites.domain.state import SiteState
from jobdating.testing.demo_data import demo_site

DAY = date(2026, 12, 3)
COORDINATOR = Actor(org="departement-nord", role="coordinator")
MANAGER = Actor(org="france-travail", role="site_manager")
OTHER_MANAGER = Actor(org="mission-locale", role="site_manager")
MORNING = OpeningHours(day=DAY, start=time(8, 30), end=time(12, 30))
AFTERNOON = OpeningHours(day=DAY, start=time(13, 30), end=time(17, 0))
# The demo's Ronchin site (its name, host, address) serves as the sample site.
RONCHIN = demo_site("ronchin")
CONTACT = SiteContact(phone="03 20 00 00 00", email="accueil@example.org")


def open_command(**changes: object) -> OpenSite:
    command = OpenSite(
        site_id="site-ronchin",
        **RONCHIN.place(),
        location=Coordinates(lat=50.605, lon=3.0895),
        hours=(MORNING,),
        accessibility=("wheelchair",),
        contact=CONTACT,
    )
    return msgspec.structs.replace(command, **changes)


def given(*events: Event) -> SiteState:
    return reduce(evolve_site, events, SiteState())


def opened(**changes: object) -> SiteOpened:
    (event,) = decide.open_site(open_command(**changes), SiteState(), COORDINATOR)
    assert isinstance(event, SiteOpened)
    return event


def fields(refusal: pytest.ExceptionInfo[Exception]) -> list[str]:
    assert isinstance(refusal.value, Invalid | NotFound | Conflict | Forbidden)
    return [p.field for p in refusal.value.problems]


def test_a_coordinator_opens_a_site_with_its_practical_details() -> None:
    events = decide.open_site(open_command(), given(), COORDINATOR)
    assert events == [
        SiteOpened(
            site_id="site-ronchin",
            **RONCHIN.place(),
            location=Coordinates(lat=50.605, lon=3.0895),
            hours=(MORNING,),
            accessibility=("wheelchair",),
            contact=CONTACT,
        )
    ]


def test_a_site_manager_opens_a_site_hosted_by_their_own_org() -> None:
    assert decide.open_site(open_command(), given(), MANAGER)


def test_a_site_manager_cannot_open_a_site_for_another_org() -> None:
    with pytest.raises(Forbidden) as refusal:
        decide.open_site(open_command(), given(), OTHER_MANAGER)
    assert fields(refusal) == ["host_org"]


@pytest.mark.parametrize("role", ["viewer", "counsellor", "recruiter"])
def test_only_coordinators_and_site_managers_open_sites(role: str) -> None:
    with pytest.raises(Forbidden):
        decide.open_site(open_command(), given(), Actor(org="france-travail", role=role))


def test_a_site_id_cannot_be_opened_twice() -> None:
    with pytest.raises(AlreadyExists):
        decide.open_site(open_command(name="Autre"), given(opened()), COORDINATOR)


def test_an_incomplete_site_is_refused_field_by_field() -> None:
    command = open_command(
        name="  ",
        postcode="5979",
        location=Coordinates(lat=95.0, lon=float("nan")),
        hours=(),
        site_id="site ronchin",
    )
    with pytest.raises(Invalid) as refusal:
        decide.open_site(command, given(), COORDINATOR)
    assert fields(refusal) == ["site_id", "name", "postcode", "location.lat", "location.lon", "hours"]
    assert refusal.value.problems[1].reason == "le nom du site est obligatoire"


def test_opening_hours_must_end_after_they_start() -> None:
    backwards = OpeningHours(day=DAY, start=time(14, 0), end=time(9, 0))
    with pytest.raises(Invalid) as refusal:
        decide.open_site(open_command(hours=(MORNING, backwards)), given(), COORDINATOR)
    assert fields(refusal) == ["hours.1.end"]


def test_overlapping_opening_hours_are_refused() -> None:
    overlapping = OpeningHours(day=DAY, start=time(12, 0), end=time(14, 0))
    with pytest.raises(Invalid) as refusal:
        decide.open_site(open_command(hours=(AFTERNOON, MORNING, overlapping)), given(), COORDINATOR)
    assert fields(refusal) == ["hours.2", "hours.0"]
    assert "03/12/2026" in refusal.value.problems[0].reason


def test_the_same_hours_on_different_days_do_not_overlap() -> None:
    next_day = OpeningHours(day=date(2026, 12, 4), start=time(8, 30), end=time(12, 30))
    assert decide.open_site(open_command(hours=(next_day, MORNING)), given(), COORDINATOR)


def test_hours_and_accessibility_are_recorded_in_reading_order() -> None:
    event = opened(hours=(AFTERNOON, MORNING), accessibility=("hearing_loop", "wheelchair", "hearing_loop"))
    assert event.hours == (MORNING, AFTERNOON)
    assert event.accessibility == ("hearing_loop", "wheelchair")


def test_a_contact_with_a_bad_phone_or_email_is_refused() -> None:
    with pytest.raises(Invalid) as refusal:
        decide.open_site(
            open_command(contact=SiteContact(phone="abc", email="accueil")), given(), COORDINATOR
        )
    assert fields(refusal) == ["contact.phone", "contact.email"]


@pytest.mark.parametrize("phone", ["06 39 98 07 0", "03 20 00 00", "+44 20 7946 0000"])
def test_a_reception_number_that_rings_nowhere_or_abroad_is_refused(phone: str) -> None:
    # Checked as a number (libphonenumber), not by its shape: nine digits looked fine to a pattern.
    with pytest.raises(Invalid) as refusal:
        decide.open_site(open_command(contact=SiteContact(phone=phone)), given(), COORDINATOR)
    assert fields(refusal) == ["contact.phone"]


def test_an_empty_contact_field_counts_as_none() -> None:
    assert opened(contact=SiteContact(phone=" ", email="accueil@example.org")).contact == SiteContact(
        email="accueil@example.org"
    )


def test_changing_details_records_only_what_changed() -> None:
    command = ChangeSiteDetails(
        site_id="site-ronchin",
        address="3 avenue Jean Jaurès",
        hours=(MORNING, AFTERNOON),
        accessibility=("wheelchair", "hearing_loop"),
    )
    events = decide.change_site_details(command, given(opened()), COORDINATOR)
    assert events == [
        SiteDetailsChanged(
            site_id="site-ronchin", hours=(MORNING, AFTERNOON), accessibility=("hearing_loop", "wheelchair")
        )
    ]


def test_changing_details_to_what_they_are_records_nothing() -> None:
    command = ChangeSiteDetails(site_id="site-ronchin", location=Coordinates(lat=50.605, lon=3.0895))
    assert decide.change_site_details(command, given(opened()), COORDINATOR) == []


def test_a_change_must_say_what_to_change() -> None:
    with pytest.raises(Invalid):
        decide.change_site_details(ChangeSiteDetails(site_id="site-ronchin"), given(opened()), COORDINATOR)


def test_a_changed_detail_is_what_the_site_shows_afterwards() -> None:
    moved = Coordinates(lat=50.6, lon=3.09)
    state = given(opened(), SiteDetailsChanged(site_id="site-ronchin", location=moved))
    assert state.location == moved
    assert state.hours == (MORNING,)


def test_an_unknown_site_cannot_change() -> None:
    with pytest.raises(NotFound):
        decide.change_site_details(ChangeSiteDetails(site_id="nope", address="ici"), given(), COORDINATOR)


def test_a_site_manager_cannot_change_a_site_hosted_by_another_org() -> None:
    command = ChangeSiteDetails(site_id="site-ronchin", address="ailleurs")
    with pytest.raises(Forbidden):
        decide.change_site_details(command, given(opened()), OTHER_MANAGER)
    assert decide.change_site_details(command, given(opened()), MANAGER)


def test_a_closed_site_cannot_change() -> None:
    closed = given(opened(), SiteClosed(site_id="site-ronchin", reason="travaux"))
    with pytest.raises(Conflict):
        decide.change_site_details(
            ChangeSiteDetails(site_id="site-ronchin", address="ici"), closed, COORDINATOR
        )


def test_a_site_closes_with_a_reason() -> None:
    events = decide.close_site(
        CloseSite(site_id="site-ronchin", reason=" dégât des eaux "), given(opened()), MANAGER
    )
    assert events == [SiteClosed(site_id="site-ronchin", reason="dégât des eaux")]


def test_closing_needs_a_reason() -> None:
    with pytest.raises(Invalid) as refusal:
        decide.close_site(CloseSite(site_id="site-ronchin", reason=""), given(opened()), COORDINATOR)
    assert refusal.value.problems[0].reason == "indiquez la raison"


def test_a_site_cannot_close_twice() -> None:
    closed = given(opened(), SiteClosed(site_id="site-ronchin", reason="travaux"))
    with pytest.raises(Conflict):
        decide.close_site(CloseSite(site_id="site-ronchin", reason="encore"), closed, COORDINATOR)


REOPEN = ReopenSite(site_id="site-ronchin")


def test_a_closed_site_is_reopened_by_its_host_organisation_or_the_coordination() -> None:
    closed = given(opened(), SiteClosed(site_id="site-ronchin", reason="travaux"))
    for actor in (MANAGER, COORDINATOR):
        assert decide.reopen_site(REOPEN, closed, actor) == [SiteReopened(site_id="site-ronchin")]


def test_a_site_manager_cannot_reopen_a_site_hosted_by_another_org() -> None:
    closed = given(opened(), SiteClosed(site_id="site-ronchin", reason="travaux"))
    with pytest.raises(Forbidden):
        decide.reopen_site(REOPEN, closed, OTHER_MANAGER)


def test_an_open_site_cannot_be_reopened() -> None:
    with pytest.raises(Conflict) as refusal:
        decide.reopen_site(REOPEN, given(opened()), COORDINATOR)
    assert refusal.value.problems[0].reason == "ce site est déjà ouvert"


def test_an_unknown_site_cannot_be_reopened() -> None:
    with pytest.raises(NotFound):
        decide.reopen_site(REOPEN, SiteState(), COORDINATOR)


def test_a_reopened_site_is_open_again_takes_rooms_and_can_close_again() -> None:
    reopened = given(
        opened(), SiteClosed(site_id="site-ronchin", reason="travaux"), SiteReopened(site_id="site-ronchin")
    )
    assert reopened.is_open
    assert decide.add_room(room(), reopened, MANAGER)
    assert decide.close_site(CloseSite(site_id="site-ronchin", reason="grève"), reopened, MANAGER)


def room(name: str = "Salle Jaurès", capacity: int = 12, room_id: str = "room-1") -> AddRoom:
    return AddRoom(site_id="site-ronchin", room_id=room_id, name=name, capacity=capacity)


def test_a_room_is_added_to_an_open_site() -> None:
    assert decide.add_room(room(), given(opened()), MANAGER) == [
        RoomAdded(site_id="site-ronchin", room_id="room-1", name="Salle Jaurès", capacity=12)
    ]


def test_a_closed_site_takes_no_new_room() -> None:
    closed = given(opened(), SiteClosed(site_id="site-ronchin", reason="travaux"))
    with pytest.raises(Conflict):
        decide.add_room(room(), closed, COORDINATOR)


def test_room_names_are_unique_per_site_whatever_their_case() -> None:
    state = given(opened(), *decide.add_room(room(), given(opened()), COORDINATOR))
    with pytest.raises(Conflict) as refusal:
        decide.add_room(room(name="salle  JAURÈS", room_id="room-2"), state, COORDINATOR)
    assert fields(refusal) == ["name"]


def test_a_room_seats_at_least_one_person() -> None:
    with pytest.raises(Invalid) as refusal:
        decide.add_room(room(capacity=0), given(opened()), COORDINATOR)
    assert fields(refusal) == ["capacity"]


def test_a_site_opened_before_details_existed_still_reads() -> None:
    old_payload = {
        "site_id": "site-seclin",
        "name": "Maison de l'emploi",
        "host_org": "mel",
        "commune": "Seclin",
        "postcode": "59113",
    }
    event = msgspec.convert(old_payload, SiteOpened)
    state = given(event)
    assert state.is_open
    assert (state.location, state.hours, state.contact, state.address) == (None, (), None, "")
