"""The decisions of the sites service: a command and the current state in, the events that follow out.

Every function raises a `SiteRefusal` instead of returning events when the command cannot be done.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Final

from jobdating.contracts import sites as events
from jobdating.contracts.envelope import Event
from jobdating.sites.domain import commands
from jobdating.sites.domain import validation as check
from jobdating.sites.domain.errors import AlreadyExists, Conflict, Invalid, NotFound, Problem
from jobdating.sites.domain.permissions import Actor, may_manage_computer, may_manage_site
from jobdating.sites.domain.state import ComputerState, SiteState

UNKNOWN_SITE = "site inconnu"
UNKNOWN_COMPUTER = "ordinateur inconnu"


def open_site(command: commands.OpenSite, site: SiteState, actor: Actor) -> list[Event]:
    """Open a site: refused for another org's site manager, for an id already taken, or a wrong field."""
    may_manage_site(actor, command.host_org, "host_org")
    if site.opened:
        raise AlreadyExists.on("site_id", "un site porte déjà cet identifiant")
    contact = check.clean_contact(command.contact) if command.contact is not None else None
    _refuse_if(
        check.identifier("site_id", command.site_id)
        + check.text("name", command.name, "le nom du site")
        + check.identifier("host_org", command.host_org)
        + check.text("address", command.address, "l'adresse", 200)
        + check.text("commune", command.commune, "la commune")
        + check.postcode("postcode", command.postcode)
        + check.location("location", command.location)
        + check.hours("hours", command.hours)
        + (check.contact("contact", contact) if contact is not None else [])
    )
    return [
        events.SiteOpened(
            site_id=command.site_id,
            name=command.name.strip(),
            host_org=command.host_org,
            commune=command.commune.strip(),
            postcode=command.postcode,
            address=command.address.strip(),
            location=command.location,
            hours=check.clean_hours(command.hours),
            accessibility=check.clean_accessibility(command.accessibility),
            contact=contact,
        )
    ]


def change_site_details(command: commands.ChangeSiteDetails, site: SiteState, actor: Actor) -> list[Event]:
    """Change the practical details of an open site; only what really changes is recorded (maybe nothing)."""
    _managed_site(site, actor)
    if site.closed:
        raise Conflict.on("site_id", "ce site est fermé : ses informations ne changent plus")
    given = (command.address, command.location, command.hours, command.accessibility, command.contact)
    if all(part is None for part in given):
        raise Invalid.on("site", "indiquez au moins une information à changer")
    contact = check.clean_contact(command.contact) if command.contact is not None else None
    _refuse_if(
        (check.text("address", command.address, "l'adresse", 200) if command.address is not None else [])
        + (check.location("location", command.location) if command.location is not None else [])
        + (check.hours("hours", command.hours) if command.hours is not None else [])
        + (check.contact("contact", contact) if contact is not None else [])
    )
    address = command.address.strip() if command.address is not None else None
    hours = check.clean_hours(command.hours) if command.hours is not None else None
    access = check.clean_accessibility(command.accessibility) if command.accessibility is not None else None
    changed = events.SiteDetailsChanged(
        site_id=site.site_id,
        address=address if address != site.address else None,
        location=command.location if command.location != site.location else None,
        hours=hours if hours != site.hours else None,
        accessibility=access if access != site.accessibility else None,
        contact=contact if contact != site.contact else None,
    )
    if changed == events.SiteDetailsChanged(site_id=site.site_id):
        return []
    return [changed]


def close_site(command: commands.CloseSite, site: SiteState, actor: Actor) -> list[Event]:
    """Close a site; its computers stay recorded but are not usable until the site is reopened."""
    _managed_site(site, actor)
    if site.closed:
        raise Conflict.on("site_id", "ce site est déjà fermé")
    _refuse_if(check.reason("reason", command.reason))
    return [events.SiteClosed(site_id=site.site_id, reason=command.reason.strip())]


def reopen_site(command: commands.ReopenSite, site: SiteState, actor: Actor) -> list[Event]:
    """Reopen a closed site: it is open again as it was, with its rooms and the computers still lent to it."""
    _managed_site(site, actor)
    if not site.closed:
        raise Conflict.on("site_id", "ce site est déjà ouvert")
    return [events.SiteReopened(site_id=site.site_id)]


def add_room(command: commands.AddRoom, site: SiteState, actor: Actor) -> list[Event]:
    """Add a workshop room to an open site; room names are unique within a site."""
    _managed_site(site, actor)
    if site.closed:
        raise Conflict.on("site_id", "ce site est fermé : il ne reçoit plus de salle")
    if any(room.room_id == command.room_id for room in site.rooms):
        raise AlreadyExists.on("room_id", "une salle porte déjà cet identifiant")
    _refuse_if(
        check.identifier("room_id", command.room_id)
        + check.text("name", command.name, "le nom de la salle")
        + check.capacity("capacity", command.capacity)
    )
    if any(check.label_key(room.name) == check.label_key(command.name) for room in site.rooms):
        raise Conflict.on("name", "une salle de ce site porte déjà ce nom")
    return [
        events.RoomAdded(
            site_id=site.site_id,
            room_id=command.room_id,
            name=command.name.strip(),
            capacity=command.capacity,
        )
    ]


def add_computer(command: commands.AddComputer, computer: ComputerState, actor: Actor) -> list[Event]:
    """Record a lent computer; whether its site takes it is `check_site_takes_computer`'s to say."""
    may_manage_computer(actor, command.lending_org, "lending_org")
    if computer.added:
        raise AlreadyExists.on("computer_id", "un ordinateur porte déjà cet identifiant")
    _refuse_if(
        check.identifier("computer_id", command.computer_id)
        + check.identifier("site_id", command.site_id)
        + check.text("label", command.label, "le libellé de l'ordinateur", 40)
        + check.identifier("lending_org", command.lending_org)
    )
    return [
        events.ComputerAdded(
            computer_id=command.computer_id,
            site_id=command.site_id,
            label=" ".join(command.label.split()),
            lending_org=command.lending_org,
            webcam=command.webcam,
            headset=command.headset,
            visio_ready=command.visio_ready,
        )
    ]


def check_site_takes_computer(
    added: events.ComputerAdded, site: SiteState, labels_in_use: Collection[str]
) -> None:
    """A computer belongs to an open site, under a label no other computer of that site uses.

    The site and the labels live in other streams: the caller checks this where no concurrent
    closing or labelling can slip in between (under the store's append lock).
    """
    if not site.opened:
        raise Invalid.on("site_id", UNKNOWN_SITE)
    if site.closed:
        raise Conflict.on("site_id", "ce site est fermé : il ne reçoit plus d'ordinateur")
    if check.label_key(added.label) in {check.label_key(label) for label in labels_in_use}:
        raise Conflict.on("label", "un ordinateur de ce site porte déjà ce libellé")


def put_out_of_order(
    command: commands.PutComputerOutOfOrder, computer: ComputerState, actor: Actor
) -> list[Event]:
    """A computer in service breaks down; one already out of order cannot break again."""
    _managed_computer(computer, actor, becoming="out_of_order")
    _refuse_if(check.reason("reason", command.reason))
    return [events.ComputerOutOfOrder(computer_id=computer.computer_id, reason=command.reason.strip())]


def put_back_in_service(
    command: commands.PutComputerBackInService, computer: ComputerState, actor: Actor
) -> list[Event]:
    """A computer out of order works again."""
    _managed_computer(computer, actor, becoming="in_service")
    return [events.ComputerBackInService(computer_id=computer.computer_id)]


def remove_computer(command: commands.RemoveComputer, computer: ComputerState, actor: Actor) -> list[Event]:
    """The lender takes a computer back, working or not."""
    _managed_computer(computer, actor)
    _refuse_if(check.reason("reason", command.reason))
    return [events.ComputerRemoved(computer_id=computer.computer_id, reason=command.reason.strip())]


def _managed_site(site: SiteState, actor: Actor) -> None:
    """The site is known and `actor` may manage it."""
    # A site that was never opened is unknown; a closed one is still known (its history stays readable).
    if not site.opened:
        raise NotFound.on("site_id", UNKNOWN_SITE)
    may_manage_site(actor, site.host_org, "site_id")


# A change of status that would leave a computer as it is: refused, saying why.
_ALREADY: Final = {
    "out_of_order": "cet ordinateur est déjà hors service",
    "in_service": "cet ordinateur est déjà en service",
}


def _managed_computer(computer: ComputerState, actor: Actor, *, becoming: str | None = None) -> None:
    """The computer is present (added, not removed), `actor` may manage it, it is not `becoming` already."""
    if not computer.added:
        raise NotFound.on("computer_id", UNKNOWN_COMPUTER)
    if computer.status == "removed":
        raise Conflict.on("computer_id", "cet ordinateur a été retiré")
    may_manage_computer(actor, computer.lending_org, "computer_id")
    if becoming is not None and computer.status == becoming:
        raise Conflict.on("computer_id", _ALREADY[becoming])


def _refuse_if(problems: list[Problem]) -> None:
    if problems:
        raise Invalid(problems)
