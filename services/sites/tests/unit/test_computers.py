"""Computers: given a computer's past events (and its site), when a command arrives, then these events."""

from __future__ import annotations

from functools import reduce

import pytest

from jobdating.contracts.envelope import Event
from jobdating.contracts.sites import (
    ComputerAdded,
    ComputerBackInService,
    ComputerOutOfOrder,
    ComputerRemoved,
    SiteClosed,
    SiteOpened,
)
from jobdating.sites.domain import decide
from jobdating.sites.domain.commands import (
    AddComputer,
    PutComputerBackInService,
    PutComputerOutOfOrder,
    RemoveComputer,
)
from jobdating.sites.domain.errors import AlreadyExists, Conflict, Forbidden, Invalid, NotFound
from jobdating.sites.domain.evolve import evolve_computer, evolve_site
from jobdating.sites.domain.permissions import Actor
from jobdating.sites.domain.state import ComputerState, SiteState
from jobdating.testing.equipment import EQUIPPED

COORDINATOR = Actor(org="departement-nord", role="coordinator")
LENDER = Actor(org="asso-reussir", role="site_manager")
HOST_MANAGER = Actor(org="france-travail", role="site_manager")
SITE = SiteOpened(
    site_id="site-ronchin", name="Ronchin", host_org="france-travail", commune="Ronchin", postcode="59790"
)
ADDED = ComputerAdded(
    computer_id="pc-1", site_id="site-ronchin", label="PC 1", lending_org="asso-reussir", **EQUIPPED
)
BROKEN = ComputerOutOfOrder(computer_id="pc-1", reason="écran noir")


def given(*events: Event) -> ComputerState:
    return reduce(evolve_computer, events, ComputerState())


def site(*events: Event) -> SiteState:
    return reduce(evolve_site, events, SiteState())


def add(label: str = "PC 1", computer_id: str = "pc-1", lending_org: str = "asso-reussir") -> AddComputer:
    return AddComputer(
        computer_id=computer_id, site_id="site-ronchin", label=label, lending_org=lending_org, **EQUIPPED
    )


def test_a_lent_computer_is_recorded_with_its_equipment() -> None:
    assert decide.add_computer(add(label="  PC   1 "), given(), LENDER) == [ADDED]


def test_a_computer_belongs_to_an_open_site() -> None:
    decide.check_site_takes_computer(ADDED, site(SITE), labels_in_use=["PC 2"])


def test_a_computer_cannot_join_an_unknown_site() -> None:
    with pytest.raises(Invalid) as refusal:
        decide.check_site_takes_computer(ADDED, site(), labels_in_use=[])
    assert refusal.value.problems[0].field == "site_id"


def test_a_closed_site_takes_no_new_computer() -> None:
    with pytest.raises(Conflict):
        decide.check_site_takes_computer(
            ADDED, site(SITE, SiteClosed(site_id="site-ronchin", reason="travaux")), labels_in_use=[]
        )


def test_computer_labels_are_unique_per_site_whatever_their_case_or_spacing() -> None:
    with pytest.raises(Conflict) as refusal:
        decide.check_site_takes_computer(ADDED, site(SITE), labels_in_use=["pc  1"])
    assert refusal.value.problems[0].field == "label"


def test_a_computer_id_cannot_be_added_twice() -> None:
    with pytest.raises(AlreadyExists):
        decide.add_computer(add(), given(ADDED), COORDINATOR)


def test_a_computer_needs_a_label() -> None:
    with pytest.raises(Invalid) as refusal:
        decide.add_computer(add(label=" "), given(), COORDINATOR)
    assert [p.field for p in refusal.value.problems] == ["label"]


def test_a_site_manager_adds_only_computers_their_org_lends() -> None:
    with pytest.raises(Forbidden):
        decide.add_computer(add(), given(), HOST_MANAGER)


def test_a_computer_breaks_down_with_a_reason() -> None:
    command = PutComputerOutOfOrder(computer_id="pc-1", reason="écran noir")
    assert decide.put_out_of_order(command, given(ADDED), LENDER) == [BROKEN]


def test_a_broken_computer_cannot_break_again() -> None:
    with pytest.raises(Conflict) as refusal:
        decide.put_out_of_order(
            PutComputerOutOfOrder(computer_id="pc-1", reason="clavier"), given(ADDED, BROKEN), LENDER
        )
    assert refusal.value.problems[0].reason == "cet ordinateur est déjà hors service"


def test_a_breakdown_needs_a_reason() -> None:
    with pytest.raises(Invalid):
        decide.put_out_of_order(PutComputerOutOfOrder(computer_id="pc-1", reason=""), given(ADDED), LENDER)


def test_a_broken_computer_comes_back_into_service_and_may_break_again() -> None:
    back = decide.put_back_in_service(
        PutComputerBackInService(computer_id="pc-1"), given(ADDED, BROKEN), LENDER
    )
    assert back == [ComputerBackInService(computer_id="pc-1")]
    again = PutComputerOutOfOrder(computer_id="pc-1", reason="webcam")
    assert decide.put_out_of_order(again, given(ADDED, BROKEN, *back), LENDER)


def test_a_computer_in_service_cannot_come_back_into_service() -> None:
    with pytest.raises(Conflict):
        decide.put_back_in_service(PutComputerBackInService(computer_id="pc-1"), given(ADDED), LENDER)


def test_an_unknown_computer_cannot_break() -> None:
    with pytest.raises(NotFound):
        decide.put_out_of_order(PutComputerOutOfOrder(computer_id="pc-9", reason="x"), given(), COORDINATOR)


def test_a_site_manager_cannot_break_a_computer_another_org_lends() -> None:
    with pytest.raises(Forbidden):
        decide.put_out_of_order(
            PutComputerOutOfOrder(computer_id="pc-1", reason="x"), given(ADDED), HOST_MANAGER
        )


def test_a_removed_computer_can_neither_break_nor_be_removed_again() -> None:
    removed = given(ADDED, ComputerRemoved(computer_id="pc-1", reason="repris"))
    with pytest.raises(Conflict):
        decide.put_out_of_order(PutComputerOutOfOrder(computer_id="pc-1", reason="x"), removed, LENDER)
    with pytest.raises(Conflict):
        decide.remove_computer(RemoveComputer(computer_id="pc-1", reason="x"), removed, LENDER)


def test_a_broken_computer_can_be_taken_back_by_its_lender() -> None:
    command = RemoveComputer(computer_id="pc-1", reason="repris pour réparation")
    assert decide.remove_computer(command, given(ADDED, BROKEN), LENDER) == [
        ComputerRemoved(computer_id="pc-1", reason="repris pour réparation")
    ]
