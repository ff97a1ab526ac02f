"""The sites service's HTTP API: requests become commands or queries, refusals become 4xx with reasons.

Reads need any valid token; writes are checked by the domain's permission rules (403 when refused).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Annotated, TypeVar

from fastapi import APIRouter, Depends, FastAPI, Query

from jobdating.runtime.asking import Asking, asking
from jobdating.runtime.auth import Caller
from jobdating.runtime.commands import Meta
from jobdating.runtime.http import install_refusals, to_command
from jobdating.runtime.routes import Routes
from jobdating.sites.adapters.schemas import (
    ComputerIn,
    ReasonIn,
    RoomIn,
    SiteChangesIn,
    SiteIn,
)
from jobdating.sites.application.handlers import SiteHandlers
from jobdating.sites.application.queries import SiteQueries
from jobdating.sites.application.views import Availability, ComputerView, Nearest, RoomView, SiteView
from jobdating.sites.domain.commands import (
    AddComputer,
    AddRoom,
    ChangeSiteDetails,
    CloseSite,
    OpenSite,
    PutComputerBackInService,
    PutComputerOutOfOrder,
    RemoveComputer,
    ReopenSite,
)
from jobdating.sites.domain.decide import UNKNOWN_COMPUTER, UNKNOWN_SITE
from jobdating.sites.domain.errors import Invalid, NotFound, SiteRefusal
from jobdating.sites.domain.permissions import WRITERS, Actor

# Who is asking, as the sites' permission rules see them.
Asker = Annotated[Asking[Actor], Depends(asking(Actor))]
C = TypeVar("C", PutComputerOutOfOrder, PutComputerBackInService, RemoveComputer)


def install(app: FastAPI, handlers: SiteHandlers, queries: SiteQueries, ids: Callable[[], str]) -> None:
    """Add the sites routes and the translation of refusals to `app` (made by `create_app`)."""
    app.include_router(_router(handlers, queries, ids))
    install_refusals(app, SiteRefusal)


def _router(handlers: SiteHandlers, queries: SiteQueries, ids: Callable[[], str]) -> APIRouter:
    router = APIRouter()
    sites, computers = Routes(router, "sites"), Routes(router, "computers")

    def site_or_404(site_id: str) -> SiteView:
        site = queries.site(site_id)
        if site is None:
            raise NotFound.on("site_id", UNKNOWN_SITE)
        return site

    def computer_or_404(computer_id: str) -> ComputerView:
        computer = queries.computer(computer_id)
        if computer is None:
            raise NotFound.on("computer_id", UNKNOWN_COMPUTER)
        return computer

    def computer_after(
        change: Callable[[C, Actor, Meta], object], command: C, asker: Asking[Actor]
    ) -> ComputerView:
        """Run a change of a computer's status, then show the computer as it now is."""
        change(command, asker.actor, asker.meta)
        return computer_or_404(command.computer_id)

    @sites.create(
        "/sites",
        "Ouvrir un site",
        (
            "La coordination ou le responsable d'un site déclare un lieu qui accueille le job dating "
            "(adresse, horaires, accessibilité)."
        ),
        may=WRITERS,
    )
    def open_site(body: SiteIn, asker: Asker) -> SiteView:
        command = to_command(
            OpenSite,
            body.model_dump(),
            site_id=body.site_id or ids(),
            host_org=body.host_org or asker.caller.org,
        )
        handlers.open_site(command, asker.actor, asker.meta)
        return site_or_404(command.site_id)

    @sites.get(
        "/sites",
        "Lister les sites",
        "Tout appelant muni d'un jeton lit les sites ouverts (et les fermés s'il le demande).",
    )
    def list_sites(_: Caller, include_closed: bool = False) -> list[SiteView]:
        return queries.sites(include_closed=include_closed)

    # Declared before /sites/{site_id}, which would otherwise take "nearest" for a site id.
    @sites.get(
        "/sites/nearest",
        "Sites les plus proches",
        (
            "Les sites les plus proches d'un code postal ou d'une position (latitude, longitude), pour "
            "orienter un candidat."
        ),
    )
    def nearest_sites(
        _: Caller,
        postcode: str | None = None,
        lat: float | None = None,
        lon: float | None = None,
        limit: int = 5,
    ) -> Nearest:
        if postcode is not None and (lat is not None or lon is not None):
            raise Invalid.on("postcode", "indiquez soit un code postal, soit des coordonnées, pas les deux")
        if postcode is not None:
            return queries.nearest_to_postcode(postcode.strip(), limit)
        if lat is None or lon is None:
            field = "lon" if lat is not None else "lat"
            raise Invalid.on(field, "indiquez un code postal, ou bien la latitude et la longitude")
        return queries.nearest(lat, lon, limit)

    @sites.get("/sites/{site_id}", "Consulter un site", "Un site, ses salles et son état.")
    def get_site(site_id: str, _: Caller) -> SiteView:
        return site_or_404(site_id)

    @sites.patch(
        "/sites/{site_id}",
        "Modifier un site",
        "La coordination ou la structure qui accueille le site corrige les champs envoyés.",
        may=WRITERS,
    )
    def change_site(site_id: str, body: SiteChangesIn, asker: Asker) -> SiteView:
        command = to_command(ChangeSiteDetails, body.model_dump(), site_id=site_id)
        handlers.change_site_details(command, asker.actor, asker.meta)
        return site_or_404(site_id)

    @sites.post(
        "/sites/{site_id}/close",
        "Fermer un site",
        (
            "La coordination ou la structure qui accueille le site le ferme, avec un motif ; ses ordinateurs"
            " ne servent plus."
        ),
        may=WRITERS,
    )
    def close_site(site_id: str, body: ReasonIn, asker: Asker) -> SiteView:
        handlers.close_site(CloseSite(site_id=site_id, reason=body.reason), asker.actor, asker.meta)
        return site_or_404(site_id)

    @sites.post(
        "/sites/{site_id}/reopen",
        "Rouvrir un site fermé",
        (
            "Le site fermé redevient ouvert, avec ses salles et les ordinateurs qui lui sont encore prêtés : "
            "les candidats peuvent de nouveau le choisir et ses ordinateurs servent de nouveau "
            "aux entretiens. "
            "Réservé à la coordination et à l'organisation qui accueille le site ; "
            "409 si le site est déjà ouvert."
        ),
        may=WRITERS,
    )
    def reopen_site(site_id: str, asker: Asker) -> SiteView:
        handlers.reopen_site(ReopenSite(site_id=site_id), asker.actor, asker.meta)
        return site_or_404(site_id)

    @sites.create(
        "/sites/{site_id}/rooms",
        "Ajouter une salle à un site",
        (
            "La coordination ou la structure qui accueille le site déclare une salle où placer des "
            "ordinateurs."
        ),
        may=WRITERS,
    )
    def add_room(site_id: str, body: RoomIn, asker: Asker) -> RoomView:
        command = AddRoom(site_id=site_id, room_id=ids(), name=body.name, capacity=body.capacity)
        handlers.add_room(command, asker.actor, asker.meta)
        return next(r for r in site_or_404(site_id).rooms if r.room_id == command.room_id)

    @computers.create(
        "/computers",
        "Prêter un ordinateur",
        (
            "La coordination ou un responsable de site déclare un ordinateur prêté pour les entretiens, dans"
            " une salle d'un site."
        ),
        may=WRITERS,
    )
    def add_computer(body: ComputerIn, asker: Asker) -> ComputerView:
        command = to_command(
            AddComputer,
            body.model_dump(),
            computer_id=body.computer_id or ids(),
            lending_org=body.lending_org or asker.caller.org,
        )
        handlers.add_computer(command, asker.actor, asker.meta)
        return computer_or_404(command.computer_id)

    @computers.get(
        "/computers",
        "Lister les ordinateurs",
        "Les ordinateurs prêtés, par site si on le précise, avec leur état.",
    )
    def list_computers(
        _: Caller, site_id: str | None = None, include_removed: bool = False
    ) -> list[ComputerView]:
        return queries.computers(site_id=site_id, include_removed=include_removed)

    @computers.get(
        "/computers/{computer_id}",
        "Consulter un ordinateur",
        "Un ordinateur prêté, son site, sa salle et son état.",
    )
    def get_computer(computer_id: str, _: Caller) -> ComputerView:
        return computer_or_404(computer_id)

    @computers.post(
        "/computers/{computer_id}/out-of-order",
        "Déclarer un ordinateur en panne",
        (
            "Le responsable du site (ou la coordination) met un ordinateur hors service avec un motif ; le "
            "planning est réparé."
        ),
        may=WRITERS,
    )
    def put_out_of_order(computer_id: str, body: ReasonIn, asker: Asker) -> ComputerView:
        command = PutComputerOutOfOrder(computer_id=computer_id, reason=body.reason)
        return computer_after(handlers.put_out_of_order, command, asker)

    @computers.post(
        "/computers/{computer_id}/back-in-service",
        "Remettre un ordinateur en service",
        "Le responsable du site (ou la coordination) remet en service un ordinateur qui était en panne.",
        may=WRITERS,
    )
    def put_back_in_service(computer_id: str, asker: Asker) -> ComputerView:
        command = PutComputerBackInService(computer_id=computer_id)
        return computer_after(handlers.put_back_in_service, command, asker)

    @computers.post(
        "/computers/{computer_id}/remove",
        "Retirer un ordinateur",
        "La structure qui prête l'ordinateur (ou la coordination) le reprend, avec un motif.",
        may=WRITERS,
    )
    def remove_computer(computer_id: str, body: ReasonIn, asker: Asker) -> ComputerView:
        command = RemoveComputer(computer_id=computer_id, reason=body.reason)
        return computer_after(handlers.remove_computer, command, asker)

    @Routes(router, "availability").get(
        "/availability",
        "Disponibilité des ordinateurs",
        (
            "Combien d'ordinateurs sont disponibles, par site, sur une période : ce que le planning peut "
            "utiliser."
        ),
    )
    def availability(
        _: Caller,
        start: Annotated[datetime, Query(description="début, ex. 2026-12-03T09:00 (heure locale des sites)")],
        end: Annotated[datetime, Query(description="fin, ex. 2026-12-03T12:00")],
    ) -> Availability:
        return queries.availability(start, end)

    return router
