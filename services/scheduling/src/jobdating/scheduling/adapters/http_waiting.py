"""HTTP routes of the sites' waiting lists on the day: one site's, or every site's of a job dating at once."""

from __future__ import annotations

from dataclasses import replace

from fastapi import APIRouter

from jobdating.scheduling.adapters.http_context import Asker, HttpContext
from jobdating.scheduling.application import queries_facts as known
from jobdating.scheduling.application import queries_waiting
from jobdating.scheduling.application.queries_waiting import ORDER, WaitingList
from jobdating.scheduling.domain.errors import NotFound
from jobdating.scheduling.domain.waiting import may_read_waiting_list, readable_waiting_lists


def router(ctx: HttpContext) -> APIRouter:
    """The waiting list of one site of a job dating, and of all its sites."""
    router = APIRouter(tags=["the day"])
    queries = ctx.queries

    @router.get(
        "/job-datings/{job_dating_id}/sites/{site_id}/waiting-list", summary="Liste d'attente d'un site"
    )
    def waiting_list(job_dating_id: str, site_id: str, asker: Asker) -> WaitingList:
        """Les candidats qui attendent un entretien sur ce site : inscrits après la publication du planning ou
        sur place, ou arrivés en retard, à qui aucun créneau libre n'a pu être donné. Ordre : d'abord les
        candidats déjà arrivés sur le site, puis par heure d'entrée dans la liste (puis par identifiant). Un
        créneau qui se libère sur le site va au premier de la liste parmi les candidats qui ont le moins
        d'entretiens. Un candidat quitte la liste dès qu'un entretien lui est attribué. Identifiants
        seulement : les noms viennent du service des inscriptions, pour qui peut les voir. `site_open` : le
        site est ouvert (faux entre sa fermeture et sa réouverture, le planning réparé en même temps). Réservé
        à la coordination et aux responsables du site."""
        state = queries.state(job_dating_id)
        site = known.site(queries.read, site_id)
        if site is None or site_id not in state.site_ids:
            raise NotFound.on("site_id", "ce site ne participe pas à ce job dating")
        may_read_waiting_list(asker.actor, site.host_org, "site_id")
        return WaitingList(
            job_dating_id=job_dating_id,
            site_id=site_id,
            order=ORDER,
            waiting=queries_waiting.waiting_list(queries.read, job_dating_id, site_id),
            site_open=site.open,
        )

    @router.get("/job-datings/{job_dating_id}/waiting-lists", summary="Listes d'attente de tous les sites")
    def waiting_lists(job_dating_id: str, asker: Asker) -> list[WaitingList]:
        """La liste d'attente de chaque site du job dating que l'appelant peut consulter, en une seule réponse
        (sites par identifiant, listes vides comprises) : chacune telle que la donne la liste d'attente d'un
        site, dans le même ordre et avec les mêmes droits. La coordination lit tous les sites, les
        responsables d'un site ceux que leur organisation accueille ; les autres sont refusés. Identifiants
        seulement."""
        state = queries.state(job_dating_id)
        hosts = known.sites(queries.read, sorted(state.site_ids))
        host_orgs = {site_id: hosts[site_id].host_org for site_id in sorted(hosts)}
        readable = readable_waiting_lists(asker.actor, host_orgs, "job_dating_id")
        lists = queries_waiting.waiting_lists(queries.read, job_dating_id, readable)
        return [replace(w, site_open=hosts[w.site_id].open) for w in lists]

    return router
