"""Importing companies: the rows sharing a SIRET become one registration with one position per row."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import time
from typing import TypeVar

import msgspec

from jobdating.registration.application.import_batches import (
    LINE,
    BatchWriter,
    Claims,
    Pending,
    RowError,
    RowReport,
    Status,
    import_key,
)
from jobdating.registration.application.import_columns import (
    COMPANY_FIELDS,
    parse_count,
    parse_day,
    parse_time,
)
from jobdating.registration.application.import_table import Row
from jobdating.registration.application.lookups import held_by
from jobdating.registration.domain import decide as rules
from jobdating.registration.domain.commands import PositionRequest, RegisterCompany
from jobdating.registration.domain.errors import DomainError, Rejected
from jobdating.registration.domain.personal import company_contact
from jobdating.registration.domain.state import CompanyFacts, CompanyState
from jobdating.registration.domain.validation import validate_company

T = TypeVar("T")


class CompanyImport(BatchWriter):
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
        decided = self.retried(lambda: self.write(ready))
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
            key, sealed, plaintext = self.seal(cmd.company_id, company_contact(cmd))
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
        return group[0][0], RowError(self.column("title" if key == "positions" else key), error.reason)

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
