"""The HTTP API: thin translation between JSON and commands or queries; every endpoint needs a token.

Organisation isolation: any reader may see a candidate's anonymous profile (the schedule and statistics
need it), but names and contacts only reach the coordinators and counsellors of the referring
organisation; for everyone else `personal` is null, on lists and on GET by id alike.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, Final

import msgspec
from fastapi import APIRouter, Depends, FastAPI, File, Query, Request, Response, UploadFile, status
from prometheus_client import CollectorRegistry, Counter
from pydantic import BaseModel

from jobdating.registration.adapters import projections
from jobdating.registration.adapters.files import UnreadableFile, read_table
from jobdating.registration.adapters.schemas import (
    CandidateIn,
    CandidateOut,
    CandidatePage,
    CandidatePatch,
    CompanyIn,
    CompanyOut,
    CompanyPage,
    CompanyPatch,
    ImportReportOut,
    SiteOut,
    StatisticsOut,
    WithdrawIn,
)
from jobdating.registration.application import importing, queries
from jobdating.registration.application.handlers import RegistrationHandlers
from jobdating.registration.application.import_table import Table
from jobdating.registration.application.service import RegistrationService
from jobdating.registration.domain.commands import (
    EraseCandidate,
    RegisterCandidate,
    RegisterCompany,
    UpdateCandidate,
    UpdateCompany,
    WithdrawCandidate,
    WithdrawCompany,
)
from jobdating.registration.domain.errors import DomainError, Kind, NotFound, Rejected
from jobdating.runtime.auth import Caller, Principal, require
from jobdating.runtime.http import FieldError, Offset, Refused, render_refused, to_command
from jobdating.runtime.ids import new_id

STATUS: Final[dict[Kind, int]] = {
    "invalid": status.HTTP_422_UNPROCESSABLE_CONTENT,
    "conflict": status.HTTP_409_CONFLICT,
    "not_found": status.HTTP_404_NOT_FOUND,
    "not_allowed": status.HTTP_403_FORBIDDEN,
}
# What pydantic reports, said the way the people typing it would understand.
CLEARABLE_CANDIDATE: Final = frozenset({"email", "address"})
CLEARABLE_COMPANY: Final = frozenset({"day", "contact_phone", "contact_email"})

# A 100,000-row CSV of candidates weighs about 15 MB; past this, the file is more likely a mistake.
MAX_IMPORT_BYTES: Final = 32 * 2**20
IMPORT_REFUSALS: Final[dict[int | str, dict[str, Any]]] = {
    413: {"description": f"the file is over {MAX_IMPORT_BYTES // 2**20} MB"}
}

READERS = require("coordinator", "counsellor", "viewer")
FOLLOWERS = require("coordinator", "counsellor")
COORDINATORS = require("coordinator")


Reader = Annotated[Principal, Depends(READERS)]
Follower = Annotated[Principal, Depends(FOLLOWERS)]
Coordinator = Annotated[Principal, Depends(COORDINATORS)]
CandidateFile = Annotated[UploadFile, File(description="CSV or XLSX with the partner's usual French headers")]
CompanyFile = Annotated[UploadFile, File(description="CSV or XLSX; one row per position, rows share a SIRET")]


def install(app: FastAPI, handlers: RegistrationHandlers, service: RegistrationService) -> None:
    """Add the registration routes and the translation of refusals to `app` (made by `create_app`)."""
    for router in (
        _candidates(handlers, service),
        _companies(handlers, service),
        _imports(service),
        _reference(service),
    ):
        app.include_router(router)
    app.add_exception_handler(Rejected, _rejected)


def _candidates(handlers: RegistrationHandlers, svc: RegistrationService) -> APIRouter:
    router = APIRouter(prefix="/candidates", tags=["candidates"])

    @router.post("", status_code=status.HTTP_201_CREATED, response_model=CandidateOut)
    def register_candidate(body: CandidateIn, principal: Follower, request: Request) -> Any:
        """Register a candidate; the caller's organisation becomes their referring organisation."""
        cmd = to_command(
            RegisterCandidate,
            body.model_dump(),
            candidate_id=new_id(),
            referring_org=principal.org,
            counsellor_id=body.counsellor_id or principal.actor_id,
        )
        candidate_id = handlers.register_candidate(principal, cmd, _correlation(request))
        return _candidate(svc, principal, candidate_id)

    @router.get("", response_model=CandidatePage)
    def list_candidates(
        principal: Reader,
        site_id: str | None = None,
        status_: Annotated[str | None, Query(alias="status")] = None,
        limit: Annotated[int, Query(ge=1, le=queries.MAX_PAGE)] = 100,
        offset: Offset = 0,
    ) -> Any:
        """A page of candidates; personal fields only for those the caller's organisation follows."""
        items, total = queries.candidates(
            svc.store, principal, site_id=site_id, status=status_, limit=limit, offset=offset
        )
        return {"total": total, "items": [msgspec.to_builtins(v) for v in items]}

    @router.get("/{candidate_id}", response_model=CandidateOut)
    def get_candidate(candidate_id: str, principal: Reader) -> Any:
        """One candidate (anonymous profile only outside their referring organisation)."""
        return _candidate(svc, principal, candidate_id)

    @router.patch("/{candidate_id}", response_model=CandidateOut)
    def update_candidate(
        candidate_id: str, body: CandidatePatch, principal: Follower, request: Request
    ) -> Any:
        """Change the fields sent."""
        cmd = to_command(UpdateCandidate, _changes(body, CLEARABLE_CANDIDATE), candidate_id=candidate_id)
        handlers.update_candidate(principal, cmd, _correlation(request))
        return _candidate(svc, principal, candidate_id)

    @router.post("/{candidate_id}/withdraw", response_model=CandidateOut)
    def withdraw_candidate(candidate_id: str, body: WithdrawIn, principal: Follower, request: Request) -> Any:
        """The candidate withdraws; the reason is one of a fixed list (free text could carry health details)."""  # noqa: E501 (the OpenAPI description, kept on one line)
        cmd = WithdrawCandidate(candidate_id=candidate_id, reason=body.reason)
        handlers.withdraw_candidate(principal, cmd, _correlation(request))
        return _candidate(svc, principal, candidate_id)

    @router.delete("/{candidate_id}", status_code=status.HTTP_204_NO_CONTENT)
    def erase_candidate(candidate_id: str, principal: Follower, request: Request) -> Response:
        """GDPR erasure (any coordinator, or a counsellor of the referring organisation): the person's key
        is destroyed, so every sealed copy of their data becomes unreadable; anonymous facts stay."""
        handlers.erase_candidate(principal, EraseCandidate(candidate_id=candidate_id), _correlation(request))
        projections.scrub_erased(svc.store)  # committed: now out of the WAL and the dead rows too
        return Response(status_code=status.HTTP_204_NO_CONTENT)

    return router


def _companies(handlers: RegistrationHandlers, svc: RegistrationService) -> APIRouter:
    router = APIRouter(prefix="/companies", tags=["companies"])

    @router.post("", status_code=status.HTTP_201_CREATED, response_model=CompanyOut)
    def register_company(body: CompanyIn, principal: Coordinator, request: Request) -> Any:
        """Sign a recruiting company up."""
        cmd = to_command(
            RegisterCompany, body.model_dump(), company_id=new_id(), registering_org=principal.org
        )
        company_id = handlers.register_company(principal, cmd, _correlation(request))
        return _company(svc, principal, company_id)

    @router.get("", response_model=CompanyPage)
    def list_companies(
        principal: Reader,
        status_: Annotated[str | None, Query(alias="status")] = None,
        limit: Annotated[int, Query(ge=1, le=queries.MAX_PAGE)] = 100,
        offset: Offset = 0,
    ) -> Any:
        """A page of companies; contacts only for the registering organisation."""
        items, total = queries.companies(svc.store, principal, status=status_, limit=limit, offset=offset)
        return {"total": total, "items": [msgspec.to_builtins(v) for v in items]}

    @router.get("/{company_id}", response_model=CompanyOut)
    def get_company(company_id: str, principal: Reader) -> Any:
        """One company."""
        return _company(svc, principal, company_id)

    @router.patch("/{company_id}", response_model=CompanyOut)
    def update_company(company_id: str, body: CompanyPatch, principal: Coordinator, request: Request) -> Any:
        """Change the fields sent."""
        cmd = to_command(UpdateCompany, _changes(body, CLEARABLE_COMPANY), company_id=company_id)
        handlers.update_company(principal, cmd, _correlation(request))
        return _company(svc, principal, company_id)

    @router.post("/{company_id}/withdraw", response_model=CompanyOut)
    def withdraw_company(company_id: str, body: WithdrawIn, principal: Coordinator, request: Request) -> Any:
        """The company withdraws."""
        cmd = WithdrawCompany(company_id=company_id, reason=body.reason)
        handlers.withdraw_company(principal, cmd, _correlation(request))
        return _company(svc, principal, company_id)

    return router


def _imports(svc: RegistrationService) -> APIRouter:
    router = APIRouter(prefix="/imports", tags=["imports"])

    @router.post("/candidates", response_model=ImportReportOut, responses=IMPORT_REFUSALS)
    def import_candidates(
        principal: Follower,
        request: Request,
        file: CandidateFile,
        dry_run: bool = False,
    ) -> Response:
        """Import candidates from a spreadsheet; one report line per row; re-importing creates nothing twice."""  # noqa: E501 (the OpenAPI description, kept on one line)
        table = _read(file)
        report = importing.import_candidates(
            svc, table, principal, dry_run=dry_run, correlation_id=_correlation(request)
        )
        # Encoded by msgspec: a 100,000-row report would take pydantic seconds to validate again.
        return Response(msgspec.json.encode(report), media_type="application/json")

    @router.post("/companies", response_model=ImportReportOut, responses=IMPORT_REFUSALS)
    def import_companies(
        principal: Coordinator,
        request: Request,
        file: Annotated[
            UploadFile, File(description="CSV or XLSX; one row per position, rows share a SIRET")
        ],
        dry_run: bool = False,
    ) -> Response:
        """Import companies from a spreadsheet."""
        table = _read(file)
        report = importing.import_companies(
            svc, table, principal, dry_run=dry_run, correlation_id=_correlation(request)
        )
        return Response(msgspec.json.encode(report), media_type="application/json")

    return router


def _reference(svc: RegistrationService) -> APIRouter:
    router = APIRouter(tags=["reference"])

    @router.get("/sites", response_model=list[SiteOut])
    def list_sites(_: Caller, open_only: bool = False) -> Any:
        """Sites published by the sites service; candidates choose among the open ones."""
        return [msgspec.to_builtins(s) for s in queries.sites(svc.store, open_only=open_only)]

    @router.get("/statistics", response_model=StatisticsOut)
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


def _correlation(request: Request) -> str:
    correlation_id: str = request.state.correlation_id
    return correlation_id


def _candidate(svc: RegistrationService, principal: Principal, candidate_id: str) -> Any:
    view = queries.candidate(svc.store, principal, candidate_id)
    if view is None:
        raise Rejected([NotFound("candidate_id", "candidat inconnu")])
    return msgspec.to_builtins(view)


def _company(svc: RegistrationService, principal: Principal, company_id: str) -> Any:
    view = queries.company(svc.store, principal, company_id)
    if view is None:
        raise Rejected([NotFound("company_id", "entreprise inconnue")])
    return msgspec.to_builtins(view)


def _changes(body: BaseModel, clearable: frozenset[str]) -> dict[str, Any]:
    """The fields a PATCH sent; `null` only where a field may be emptied."""
    changes = body.model_dump(include=body.model_fields_set)
    cleared = [name for name, value in changes.items() if value is None and name not in clearable]
    if cleared:
        raise Rejected([DomainError(name, "ce champ ne peut pas être vidé") for name in sorted(cleared)])
    return changes


def _size(file: UploadFile) -> int:
    if file.size is not None:
        return file.size
    file.file.seek(0, 2)  # to the end, to measure it
    size = file.file.tell()
    file.file.seek(0)
    return size


def _read(file: UploadFile) -> Table:
    if _size(file) > MAX_IMPORT_BYTES:
        reason = (
            f"fichier trop volumineux : {MAX_IMPORT_BYTES // 2**20} Mo au plus "
            "(découpez-le en plusieurs fichiers)"
        )
        raise Refused([FieldError("file", reason)], status.HTTP_413_CONTENT_TOO_LARGE)
    try:
        return read_table(file.file, file.filename)
    except UnreadableFile as exc:
        raise Rejected([DomainError("file", str(exc))]) from None
