"""Bulk import of the spreadsheets partners keep, with one report line per row.

- Headers are matched loosely (`import_columns`): `Prénom`, `PRENOM` and `prénom ` are one column.
- Every row gets a status: created, already imported, or rejected with each refused field and why, named
  by the column header as written in the file.
- Re-importing a file creates nothing twice: each row has an import key, an HMAC (keyed by an instance
  secret, so it cannot be recomputed from a phone number) of the organisation and the normalised phone
  (candidates) or SIRET (companies), recorded with the registration event.
- Rows are written in batches (`import_batches`), many new streams and their projection rows per
  transaction, so that 100,000 candidates import at thousands per second.
- Turning a row into a registration is each kind's own: `candidate_import`, `company_import`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, Final

from jobdating.registration.application.candidate_import import CandidateImport
from jobdating.registration.application.company_import import CompanyImport
from jobdating.registration.application.handlers import meta_for
from jobdating.registration.application.import_batches import (
    ImportReport,
    RowError,
    RowReport,
    chunks,
    summarise,
)
from jobdating.registration.application.import_columns import (
    CANDIDATE_COLUMNS,
    CANDIDATE_REQUIRED,
    COMPANY_COLUMNS,
    COMPANY_REQUIRED,
    match_columns,
    require_columns,
)
from jobdating.registration.application.import_table import Table
from jobdating.registration.application.service import RegistrationService
from jobdating.runtime.auth import Principal

__all__ = ["ImportReport", "RowError", "RowReport", "import_candidates", "import_companies"]

Source = Path | str | Table | Iterable[Mapping[str, Any]]
DEFAULT_BATCH: Final = 1000


def import_candidates(
    service: RegistrationService,
    rows_or_path: Source,
    principal: Principal,
    *,
    dry_run: bool = False,
    batch_size: int = DEFAULT_BATCH,
    correlation_id: str | None = None,
) -> ImportReport:
    """Import candidates referred by the caller's organisation from a CSV/XLSX path, a `Table` or dicts.

    Raises `Rejected` (nothing stored) when a required column is missing.
    """
    table = _table(service, rows_or_path)
    columns = match_columns(table.headers, CANDIDATE_COLUMNS, wishes=True)
    require_columns(columns, CANDIDATE_REQUIRED, CANDIDATE_COLUMNS)
    run = CandidateImport(service, principal, columns, meta_for(service, principal, correlation_id), dry_run)
    reports: list[RowReport] = []
    for chunk in chunks(table.rows, batch_size):
        reports += run.batch(chunk)
    return summarise("candidates", dry_run, reports, columns)


def import_companies(
    service: RegistrationService,
    rows_or_path: Source,
    principal: Principal,
    *,
    dry_run: bool = False,
    correlation_id: str | None = None,
) -> ImportReport:
    """Import companies signed up by the caller's organisation; rows sharing a SIRET form one company
    with one position per row. Raises `Rejected` when a required column is missing."""
    table = _table(service, rows_or_path)
    columns = match_columns(table.headers, COMPANY_COLUMNS)
    require_columns(columns, COMPANY_REQUIRED, COMPANY_COLUMNS)
    run = CompanyImport(service, principal, columns, meta_for(service, principal, correlation_id), dry_run)
    return summarise("companies", dry_run, run.all(list(table.rows)), columns)


def _table(svc: RegistrationService, source: Source) -> Table:
    if isinstance(source, Table):
        return source
    if isinstance(source, (str, Path)):
        return svc.read_table(source)
    return Table.from_mappings(source)
