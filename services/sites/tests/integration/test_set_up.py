"""A demo loader furnishes the four demo sites and their 18 computers; a second run changes nothing."""

from __future__ import annotations

from datetime import date, time

from jobdating.contracts.sites import Coordinates, OpeningHours
from jobdating.runtime.commands import Meta
from jobdating.sites.application.handlers import set_up
from jobdating.sites.bootstrap import SitesService
from jobdating.sites.domain.commands import AddComputer, AddRoom, OpenSite, SetUpCommand
from jobdating.sites.domain.permissions import Actor
from jobdating.testing import demo_data
from jobdating.testing.equipment import EQUIPPED

# The sites service does not compare opening hours with its clock: any day serves.
DAY = date(2026, 12, 3)


def demo_commands() -> list[SetUpCommand]:
    commands: list[SetUpCommand] = []
    for site in demo_data.SITES:
        site_id = f"site-{site.key}"
        commands.append(
            OpenSite(
                site_id=site_id,
                **site.place(),
                location=Coordinates(lat=site.lat, lon=site.lon),
                hours=(OpeningHours(day=DAY, start=time(8, 30), end=time(17, 0)),),
                accessibility=("wheelchair",) if site.wheelchair else (),
            )
        )
        commands.append(
            AddRoom(site_id=site_id, room_id=f"{site_id}-room", name="Salle collective", capacity=12)
        )
        commands += [
            AddComputer(
                computer_id=f"{site_id}-pc{n}",
                site_id=site_id,
                label=f"PC {n}",
                lending_org=site.host_org,
                **EQUIPPED,
            )
            for n in range(1, site.computers + 1)
        ]
    return commands


def test_the_demo_sites_and_computers_are_set_up_once(service: SitesService) -> None:
    actor = Actor(org=demo_data.COORDINATOR_ORG, role="coordinator")
    meta = Meta(org="departement-nord", actor_id="demo-loader", correlation_id="demo")
    first = set_up(service.handlers, demo_commands(), actor, meta)
    assert (first.done, first.already_done) == (4 + 4 + 18, 0)
    second = set_up(service.handlers, demo_commands(), actor, meta)
    assert (second.done, second.already_done) == (0, 26)
    assert len(service.queries.sites()) == 4
    assert len(service.queries.computers()) == 18
    assert service.store.count() == 26
