"""HTTP route of a site's waiting list on the day."""

from __future__ import annotations

from fastapi import APIRouter

from jobdating.runtime.auth import Caller
from jobdating.scheduling.adapters.http_context import HttpContext, actor_of
from jobdating.scheduling.application import queries_facts as known
from jobdating.scheduling.application import queries_waiting
from jobdating.scheduling.application.queries_waiting import ORDER, WaitingList
from jobdating.scheduling.domain.errors import NotFound
from jobdating.scheduling.domain.waiting import may_read_waiting_list


def router(ctx: HttpContext) -> APIRouter:
    """The waiting list of one site of a job dating."""
    router = APIRouter()
    queries = ctx.queries

    @router.get(
        "/job-datings/{job_dating_id}/sites/{site_id}/waiting-list",
        tags=["the day"],
        summary="Liste d'attente d'un site",
        description=(
            "Les candidats qui attendent un entretien sur ce site : inscrits après la publication du "
            "planning ou sur place, ou arrivés en retard, à qui aucun créneau libre n'a pu être donné. "
            "Ordre : d'abord les candidats déjà arrivés sur le site, puis par heure d'entrée dans la "
            "liste (puis par identifiant). Un créneau qui se libère sur le site va au premier de la liste "
            "parmi les candidats qui ont le moins d'entretiens. Un candidat quitte la liste dès qu'un "
            "entretien lui est attribué. Identifiants seulement : les noms viennent du service des "
            "inscriptions, pour qui peut les voir. `site_open` : le site est ouvert (faux entre sa "
            "fermeture et sa réouverture, le planning réparé en même temps). Réservé à la coordination "
            "et aux responsables du site."
        ),
    )
    def waiting_list(job_dating_id: str, site_id: str, caller: Caller) -> WaitingList:
        state = queries.state(job_dating_id)
        site = known.site(queries.read, site_id)
        if site is None or site_id not in state.site_ids:
            raise NotFound.on("site_id", "ce site ne participe pas à ce job dating")
        may_read_waiting_list(actor_of(caller), site.host_org, "site_id")
        return WaitingList(
            job_dating_id=job_dating_id,
            site_id=site_id,
            order=ORDER,
            waiting=queries_waiting.waiting_list(queries.read, job_dating_id, site_id),
            site_open=site.open,
        )

    return router
