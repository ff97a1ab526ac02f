"""The HTTP API: thin translation between JSON and commands or queries; every endpoint needs a token.

Organisation isolation: any reader may see a candidate's anonymous profile (the schedule and statistics
need it), but names and contacts only reach the coordinators of the referring organisation and the
candidate's own counsellor; for everyone else `personal` is null, on lists and on GET by id alike. Names
shown for a purpose (a site's reception, a coordinator opening another organisation's candidate) are
`http_purposes`; who may is `domain/permissions.py`.

One router a module (`http_candidates`, `http_companies`, `http_imports`, `http_purposes`; what they share
is `http_common`);
this one installs them with the reference routes and the translation of refusals.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

import msgspec
from fastapi import APIRouter, FastAPI, Request, Response, status
from prometheus_client import CollectorRegistry, Counter

from jobdating.registration.adapters.http_candidates import candidates_router
from jobdating.registration.adapters.http_common import Reader
from jobdating.registration.adapters.http_companies import companies_router
from jobdating.registration.adapters.http_imports import imports_router
from jobdating.registration.adapters.http_purposes import purposes_router
from jobdating.registration.adapters.remote_openings import RemoteOpenings
from jobdating.registration.application import queries
from jobdating.registration.application.handlers import RegistrationHandlers
from jobdating.registration.application.service import RegistrationService
from jobdating.registration.domain.errors import Kind, Rejected
from jobdating.runtime.auth import Caller
from jobdating.runtime.http import render_refused

STATUS: Final[dict[Kind, int]] = {
    "invalid": status.HTTP_422_UNPROCESSABLE_CONTENT,
    "conflict": status.HTTP_409_CONFLICT,
    "not_found": status.HTTP_404_NOT_FOUND,
    "not_allowed": status.HTTP_403_FORBIDDEN,
}


def install(
    app: FastAPI, handlers: RegistrationHandlers, service: RegistrationService, remote: RemoteOpenings
) -> None:
    """Add the registration routes and the translation of refusals to `app` (made by `create_app`)."""
    for router in (
        candidates_router(handlers, service),
        purposes_router(service, remote),
        companies_router(handlers, service),
        imports_router(service),
        _reference(service),
    ):
        app.include_router(router)
    app.add_exception_handler(Rejected, _rejected)


def _reference(svc: RegistrationService) -> APIRouter:
    router = APIRouter(tags=["reference"])

    @router.get(
        "/sites",
        response_model=list[queries.SiteView],
        summary="Lister les sites du job dating",
        description=(
            "Les sites publiés par le service des sites, parmi lesquels les candidats choisissent ; tout "
            "appelant muni d'un jeton peut les lire."
        ),
    )
    def list_sites(_: Caller, open_only: bool = False) -> Any:
        """Sites published by the sites service; candidates choose among the open ones."""
        return [msgspec.to_builtins(s) for s in queries.sites(svc.store, open_only=open_only)]

    @router.get(
        "/statistics",
        response_model=queries.Statistics,
        summary="Chiffres anonymes des inscriptions",
        description=(
            "La coordination, les conseillers et les lecteurs voient les nombres de candidats et "
            "d'entreprises, candidats effacés compris, sans aucun nom."
        ),
    )
    def get_statistics(_: Reader) -> Any:
        """Anonymous counts (erased candidates included)."""
        return msgspec.to_builtins(queries.statistics(svc.store))

    return router


async def _rejected(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, Rejected)
    return await render_refused(request, exc.errors, STATUS[exc.kind])


def command_counter(registry: CollectorRegistry) -> Callable[[str, str], None]:
    """A Prometheus counter of commands handled, by command and outcome, in the app's registry."""
    counter = Counter(
        "registration_commands",
        "Commands handled by the registration service, by command type and outcome",
        ["command", "outcome"],
        registry=registry,
    )
    return lambda command, outcome: counter.labels(command, outcome).inc()
