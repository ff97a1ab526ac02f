"""`/imports`: candidates and companies from the spreadsheets partners keep."""

from __future__ import annotations

from typing import Annotated, Any, Final, Protocol

import msgspec
from fastapi import APIRouter, File, Request, Response, UploadFile, status

from jobdating.registration.adapters.files import UnreadableFile, read_table
from jobdating.registration.adapters.http_common import Coordinator, Follower, correlation
from jobdating.registration.adapters.schemas import (
    ImportReportOut,
)
from jobdating.registration.application import importing
from jobdating.registration.application.import_batches import ImportReport
from jobdating.registration.application.import_table import Table
from jobdating.registration.application.service import RegistrationService
from jobdating.registration.domain.errors import DomainError, Rejected
from jobdating.runtime.auth import Principal
from jobdating.runtime.http import FieldError, Refused

# A 100,000-row CSV of candidates weighs about 15 MB; past this, the file is more likely a mistake.
MAX_IMPORT_BYTES: Final = 32 * 2**20
IMPORT_REFUSALS: Final[dict[int | str, dict[str, Any]]] = {
    413: {"description": f"the file is over {MAX_IMPORT_BYTES // 2**20} MB"}
}


class Import(Protocol):
    """`importing.import_candidates` or `importing.import_companies`."""

    def __call__(
        self,
        service: RegistrationService,
        rows_or_path: Table,
        principal: Principal,
        *,
        dry_run: bool = False,
        correlation_id: str | None = None,
    ) -> ImportReport: ...


CandidateFile = Annotated[UploadFile, File(description="CSV or XLSX with the partner's usual French headers")]
CompanyFile = Annotated[UploadFile, File(description="CSV or XLSX; one row per position, rows share a SIRET")]


def imports_router(svc: RegistrationService) -> APIRouter:
    router = APIRouter(prefix="/imports", tags=["imports"])

    @router.post(
        "/candidates",
        response_model=ImportReportOut,
        responses=IMPORT_REFUSALS,
        summary="Importer des candidats depuis un tableur",
        description=(
            "Un conseiller (ou la coordination) envoie un fichier CSV ou XLSX avec les en-têtes habituels ; "
            "la réponse donne une ligne de compte rendu par ligne du fichier, et un nouvel envoi ne crée "
            "personne deux fois."
        ),
    )
    def import_candidates(
        principal: Follower,
        request: Request,
        file: CandidateFile,
        dry_run: bool = False,
    ) -> Response:
        """Import candidates from a spreadsheet; one report line per row; re-importing creates nothing twice."""  # noqa: E501 (the OpenAPI description, kept on one line)
        return imported(importing.import_candidates, file, principal, request, dry_run)

    @router.post(
        "/companies",
        response_model=ImportReportOut,
        responses=IMPORT_REFUSALS,
        summary="Importer des entreprises depuis un tableur",
        description=(
            "La coordination envoie un fichier CSV ou XLSX, une ligne par poste ; les lignes d'un même SIRET"
            " forment une entreprise."
        ),
    )
    def import_companies(
        principal: Coordinator, request: Request, file: CompanyFile, dry_run: bool = False
    ) -> Response:
        """Import companies from a spreadsheet."""
        return imported(importing.import_companies, file, principal, request, dry_run)

    def imported(
        run: Import, file: UploadFile, principal: Principal, request: Request, dry_run: bool
    ) -> Response:
        report = run(svc, _read(file), principal, dry_run=dry_run, correlation_id=correlation(request))
        # Encoded by msgspec: a 100,000-row report would take pydantic seconds to validate again.
        return Response(msgspec.json.encode(report), media_type="application/json")

    return router


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
