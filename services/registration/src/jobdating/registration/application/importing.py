"""Bulk import of the spreadsheets partners keep, with one report line per row.

- Headers are matched loosely (`import_columns`): `Prénom`, `PRENOM` and `prénom ` are one column.
- Every row gets a status: created, already imported, or rejected with each refused field and why, named
  by the column header as written in the file.
- Re-importing a file creates nothing twice: each row has an import key, an HMAC (keyed by an instance
  secret, so it cannot be recomputed from a phone number) of the organisation and the normalised phone
  (candidates) or SIRET (companies), recorded with the registration event.
- Rows are written in batches (`import_batches`), many new streams and their projection rows per
  transaction, so that 100,000 candidates import at thousands per second.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import time
from pathlib import Path
from typing import Any, Final, TypeVar

import msgspec

from jobdating.contracts.registration import Wish
from jobdating.registration.application import queries
from jobdating.registration.application.handlers import meta_for
from jobdating.registration.application.import_batches import (
    LINE,
    BatchWriter,
    Claims,
    ImportReport,
    Pending,
    RowError,
    RowReport,
    Status,
    chunks,
    import_key,
    summarise,
)
from jobdating.registration.application.import_columns import (
    CANDIDATE_COLUMNS,
    CANDIDATE_FIELDS,
    CANDIDATE_REQUIRED,
    COMPANY_COLUMNS,
    COMPANY_FIELDS,
    COMPANY_REQUIRED,
    Columns,
    accessibility_needs,
    match_columns,
    parse_count,
    parse_day,
    parse_time,
    require_columns,
    split_list,
    yes_no,
)
from jobdating.registration.application.import_table import Row, Table
from jobdating.registration.application.ports import DuplicateKey
from jobdating.registration.application.queries import held_by
from jobdating.registration.application.service import RegistrationService
from jobdating.registration.domain import decide as rules
from jobdating.registration.domain.commands import PositionRequest, RegisterCandidate, RegisterCompany
from jobdating.registration.domain.errors import DomainError, Rejected
from jobdating.registration.domain.personal import candidate_personal, company_contact
from jobdating.registration.domain.state import CandidateFacts, CandidateState, CompanyFacts, CompanyState
from jobdating.registration.domain.validation import search_key, validate_candidate, validate_company
from jobdating.runtime.auth import Principal
from jobdating.runtime.commands import Meta

__all__ = ["ImportReport", "RowError", "RowReport", "import_candidates", "import_companies"]

Source = Path | str | Table | Iterable[Mapping[str, Any]]
T = TypeVar("T")
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
    run = _CandidateImport(service, principal, columns, meta_for(service, principal, correlation_id), dry_run)
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
    run = _CompanyImport(service, principal, columns, meta_for(service, principal, correlation_id), dry_run)
    return summarise("companies", dry_run, run.all(list(table.rows)), columns)


class _CandidateImport(BatchWriter):
    def __init__(
        self, svc: RegistrationService, principal: Principal, columns: Columns, meta: Meta, dry_run: bool
    ) -> None:
        super().__init__(svc, principal, columns, meta, dry_run)
        self.open_sites = queries.open_site_ids(svc.store)
        self.site_names = {search_key(s.name): s.site_id for s in queries.sites(svc.store, open_only=True)}
        rows = queries.registered_companies(svc.store)
        partners = queries.live_partner_company_ids(svc.store)
        self.live_companies = frozenset(r[0] for r in rows) | partners
        self.company_names = {r[1]: r[0] for r in rows}
        self.company_sirets = {r[2]: r[0] for r in rows}

    def batch(self, chunk: list[Row]) -> list[RowReport]:
        reports: dict[int, RowReport] = {}
        refusals: dict[int, str] = {}
        ready: list[tuple[int, RegisterCandidate, list[str]]] = []
        for number, cells in chunk:
            cmd, wish_columns, errors = self.command(cells)
            try:
                cmd = validate_candidate(cmd)
            except Rejected as exc:
                errors += [self.error(e, wish_columns) for e in exc.errors]
            if errors:
                reports[number] = RowReport(row=number, status="rejected", errors=tuple(errors))
                continue
            key = import_key(self.secret, "candidate", self.principal.org, cmd.phone)
            ready.append((number, msgspec.structs.replace(cmd, import_key=key), wish_columns))
        # A concurrent import may take a phone or an import key between our look-up and our commit:
        # look up again and redo the batch once, then such rows report as duplicates.
        for attempt in range(2):
            try:
                claims, decided = self.write(ready)
                break
            except DuplicateKey:
                if attempt == 1:
                    raise
        self.claims.merge(claims)
        for number, report, kind in decided:
            reports[number] = report
            if kind:
                refusals[number] = kind
        out = [reports[n] for n in sorted(reports)]
        self.count("RegisterCandidate", out, refusals)
        return out

    def write(
        self, ready: list[tuple[int, RegisterCandidate, list[str]]]
    ) -> tuple[Claims, list[tuple[int, RowReport, str]]]:
        store = self.svc.store
        held_keys = held_by(store, "import_keys", (c.import_key or "" for _, c, _ in ready))
        held_phones = held_by(store, "candidate_phones", (c.phone for _, c, _ in ready))
        held_emails = held_by(store, "candidate_emails", (c.email for _, c, _ in ready if c.email))
        claims = Claims()
        pending: list[Pending] = []
        decided: list[tuple[int, RowReport, str]] = []
        now = self.svc.bus.clock.now()
        keyring = self.svc.keyring
        for number, cmd, wish_columns in ready:
            ik = cmd.import_key or ""
            already = self.claims.keys.get(ik) or claims.keys.get(ik) or held_keys.get(ik)
            if already is not None:
                decided.append((number, RowReport(row=number, status="already_imported", id=already), ""))
                continue
            email = cmd.email or ""
            facts = CandidateFacts(
                open_sites=self.open_sites,
                live_companies=self.live_companies,
                phone_owner=self.claims.phones.get(cmd.phone)
                or claims.phones.get(cmd.phone)
                or held_phones.get(cmd.phone),
                email_owner=(
                    self.claims.emails.get(email) or claims.emails.get(email) or held_emails.get(email)
                )
                if email
                else None,
            )
            key = keyring.new_key(cmd.candidate_id)
            plaintext = _encode(candidate_personal(cmd))
            sealed = keyring.seal(key, plaintext)
            try:
                (event,) = rules.register_candidate(cmd, CandidateState(), sealed, facts)
            except Rejected as exc:
                errors = tuple(self.error(e, wish_columns) for e in exc.errors)
                decided.append((number, RowReport(row=number, status="rejected", errors=errors), exc.kind))
                continue
            pending.append(self.pending(event, cmd.candidate_id, now, key, sealed, plaintext))
            claims.keys[ik] = cmd.candidate_id
            claims.phones[cmd.phone] = cmd.candidate_id
            if email:
                claims.emails[email] = cmd.candidate_id
            decided.append((number, RowReport(row=number, status="created", id=cmd.candidate_id), ""))
        self.commit(pending)
        return claims, decided

    def command(self, cells: Sequence[str]) -> tuple[RegisterCandidate, list[str], list[RowError]]:
        """The row as a registration (not yet validated), the wish column of each wish, and parse errors."""
        col = self.columns
        errors: list[RowError] = []
        wishes: list[Wish] = []
        wish_columns: list[str] = []
        for index, header in col.wishes:
            text = cells[index].strip() if index < len(cells) else ""
            if not text:
                continue
            # Ranks follow the columns, gaps closed: an empty "souhait 1" makes "souhait 2" the first wish.
            wish, problem = self.wish(len(wishes) + 1, text)
            if problem is not None:
                errors.append(RowError(header, problem))
                continue
            wishes.append(wish)
            wish_columns.append(header)
        consents: list[bool] = []
        for key in ("consent_data", "consent_sms", "consent_email"):
            value = yes_no(col.cell(cells, key))
            if value is None:
                errors.append(RowError(col.name(key), "oui ou non attendu"))
            consents.append(bool(value))
        accessibility, problem = accessibility_needs(col.cell(cells, "accessibility"))
        if problem is not None:
            errors.append(RowError(col.name("accessibility"), problem))
        site = col.cell(cells, "site").strip()
        site_id = site if site in self.open_sites else self.site_names.get(search_key(site), site)
        if site and site_id not in self.open_sites:
            # Checked here too, so that a row with other mistakes reports this one as well.
            errors.append(RowError(col.name("site"), rules.UNKNOWN_SITE))
        postcode = col.cell(cells, "postcode").strip()
        if len(postcode) == 4 and postcode.isdigit():
            # Spreadsheets store 01000-09999 as numbers and drop the leading zero.
            postcode = "0" + postcode
        cmd = RegisterCandidate(
            candidate_id=self.svc.bus.ids(),
            referring_org=self.principal.org,
            counsellor_id=col.cell(cells, "counsellor").strip() or self.principal.actor_id,
            first_name=col.cell(cells, "first_name"),
            last_name=col.cell(cells, "last_name"),
            phone=col.cell(cells, "phone"),
            email=col.cell(cells, "email") or None,
            address=col.cell(cells, "address") or None,
            postcode=postcode,
            commune=col.cell(cells, "commune"),
            site_id=site_id,
            sectors=split_list(col.cell(cells, "sectors")),
            wishes=tuple(wishes),
            accessibility=accessibility,
            consent_data=consents[0],
            consent_sms=consents[1],
            consent_email=consents[2],
        )
        return cmd, wish_columns, errors

    def wish(self, rank: int, text: str) -> tuple[Wish, str | None]:
        """A wish cell: a SIRET or a company name of a live company, otherwise a sector."""
        digits = "".join(text.split())
        if len(digits) == 14 and digits.isdigit():
            company = self.company_sirets.get(digits)
            if company is None:
                return Wish(rank=rank), "aucune entreprise inscrite au job dating avec ce SIRET"
            return Wish(rank=rank, company_id=company), None
        company = self.company_names.get(search_key(text))
        if company is not None:
            return Wish(rank=rank, company_id=company), None
        return Wish(rank=rank, sector=text), None

    def error(self, error: DomainError, wish_columns: Sequence[str]) -> RowError:
        name = error.field
        if name.startswith("wishes["):
            i = int(name[len("wishes[") : name.index("]")])
            return RowError(wish_columns[i] if i < len(wish_columns) else "souhaits", error.reason)
        if name == "wishes":
            return RowError("souhaits", error.reason)
        key = CANDIDATE_FIELDS.get(name.split("[")[0], name.split("[")[0])
        if key in ("candidate_id", "import_key"):
            return RowError(LINE, error.reason)
        return RowError(self.columns.name(key), error.reason)


class _CompanyImport(BatchWriter):
    def all(self, rows: list[Row]) -> list[RowReport]:
        groups: dict[str, list[Row]] = {}
        for number, cells in rows:
            digits = "".join(self.columns.cell(cells, "siret").split())
            groups.setdefault(digits or f"row-{number}", []).append((number, cells))
        reports: dict[int, RowReport] = {}
        refusals: dict[int, str] = {}
        ready: list[tuple[list[int], RegisterCompany]] = []
        for group in groups.values():
            cmd, errors = self.command(group)
            try:
                cmd = validate_company(cmd)
            except Rejected as exc:
                errors += [self.error(e, group) for e in exc.errors]
            numbers = [n for n, _ in group]
            if errors:
                self.reject(reports, numbers, errors)
                continue
            key = import_key(self.secret, "company", self.principal.org, cmd.siret)
            ready.append((numbers, msgspec.structs.replace(cmd, import_key=key)))
        for attempt in range(2):
            try:
                decided = self.write(ready)
                break
            except DuplicateKey:
                if attempt == 1:
                    raise
        for numbers, status, company_id, errors, kind in decided:
            if status == "rejected":
                self.reject(reports, numbers, errors)
                refusals.update(dict.fromkeys(numbers, kind))
            else:
                reports.update({n: RowReport(row=n, status=status, id=company_id) for n in numbers})
        out = [reports[n] for n in sorted(reports)]
        self.count("RegisterCompany", out, refusals)
        return out

    def write(
        self, ready: list[tuple[list[int], RegisterCompany]]
    ) -> list[tuple[list[int], Status, str | None, list[tuple[int, RowError]], str]]:
        store = self.svc.store
        held_keys = held_by(store, "import_keys", (c.import_key or "" for _, c in ready))
        held_sirets = held_by(store, "company_sirets", (c.siret for _, c in ready))
        claims = Claims()
        pending: list[Pending] = []
        decided: list[tuple[list[int], Status, str | None, list[tuple[int, RowError]], str]] = []
        now = self.svc.bus.clock.now()
        for numbers, cmd in ready:
            ik = cmd.import_key or ""
            already = claims.keys.get(ik) or held_keys.get(ik)
            if already is not None:
                decided.append((numbers, "already_imported", already, [], ""))
                continue
            facts = CompanyFacts(siret_owner=claims.sirets.get(cmd.siret) or held_sirets.get(cmd.siret))
            key = self.svc.keyring.new_key(cmd.company_id)
            plaintext = _encode(company_contact(cmd))
            sealed = self.svc.keyring.seal(key, plaintext)
            try:
                (event,) = rules.register_company(cmd, CompanyState(), sealed, facts)
            except Rejected as exc:
                errors = [(numbers[0], RowError(self.columns.name(e.field), e.reason)) for e in exc.errors]
                decided.append((numbers, "rejected", None, errors, exc.kind))
                continue
            pending.append(self.pending(event, cmd.company_id, now, key, sealed, plaintext))
            claims.keys[ik] = claims.sirets[cmd.siret] = cmd.company_id
            decided.append((numbers, "created", cmd.company_id, [], ""))
        self.commit(pending)
        return decided

    def command(self, group: list[Row]) -> tuple[RegisterCompany, list[tuple[int, RowError]]]:
        """The group's first row gives the company; every row gives one position."""
        col = self.columns
        first = group[0][1]
        errors: list[tuple[int, RowError]] = []

        def parsed(
            key: str,
            parse: Callable[[str], T],
            default: T,
            row: Row = group[0],
            required: bool = True,
        ) -> T:
            text = col.cell(row[1], key).strip()
            try:
                if required and not text:
                    raise ValueError("valeur obligatoire")
                return parse(text)
            except ValueError as exc:
                errors.append((row[0], RowError(col.name(key), str(exc))))
                return default

        positions = tuple(
            PositionRequest(
                title=col.cell(row[1], "title"),
                contract=col.cell(row[1], "contract"),
                count=parsed("count", parse_count, 1, row),
            )
            for row in group
        )
        cmd = RegisterCompany(
            company_id=self.svc.bus.ids(),
            registering_org=self.principal.org,
            name=col.cell(first, "name"),
            siret=col.cell(first, "siret"),
            sector=col.cell(first, "sector"),
            positions=positions,
            parallel_recruiters=parsed("recruiters", parse_count, 1),
            window_start=parsed("start", parse_time, time(0)),
            window_end=parsed("end", parse_time, time(23, 59)),
            day=parsed("day", parse_day, None, required=False),
            contact_name=col.cell(first, "contact_name"),
            contact_phone=col.cell(first, "contact_phone") or None,
            contact_email=col.cell(first, "contact_email") or None,
        )
        return cmd, errors

    def error(self, error: DomainError, group: list[Row]) -> tuple[int, RowError]:
        name = error.field
        if name.startswith("positions["):
            i = int(name[len("positions[") : name.index("]")])
            part = name.rsplit(".", 1)[-1]
            return group[min(i, len(group) - 1)][0], RowError(self.columns.name(part), error.reason)
        key = COMPANY_FIELDS.get(name, name)
        if key in ("company_id", "import_key"):
            return group[0][0], RowError(LINE, error.reason)
        return group[0][0], RowError(self.columns.name("title" if key == "positions" else key), error.reason)

    def reject(
        self, reports: dict[int, RowReport], numbers: list[int], errors: Sequence[tuple[int, RowError]]
    ) -> None:
        by_row: dict[int, list[RowError]] = {}
        for number, error in errors:
            by_row.setdefault(number, []).append(error)
        culprit = min(by_row) if by_row else numbers[0]
        for n in numbers:
            own = by_row.get(n) or [
                RowError(LINE, f"une autre ligne de cette entreprise est refusée (ligne {culprit})")
            ]
            reports[n] = RowReport(row=n, status="rejected", errors=tuple(own))


_encode = msgspec.json.Encoder().encode


def _table(svc: RegistrationService, source: Source) -> Table:
    if isinstance(source, Table):
        return source
    if isinstance(source, (str, Path)):
        return svc.read_table(source)
    return Table.from_mappings(source)
