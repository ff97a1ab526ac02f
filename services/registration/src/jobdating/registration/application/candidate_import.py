"""Importing candidates: a row becomes a registration, checked against the file so far and the projections."""

from __future__ import annotations

from collections.abc import Sequence

import msgspec

from jobdating.contracts.registration import Wish
from jobdating.registration.application import lookups, queries
from jobdating.registration.application.import_batches import (
    BatchWriter,
    Claims,
    Pending,
    RowError,
    RowReport,
    import_key,
)
from jobdating.registration.application.import_columns import (
    CANDIDATE_FIELDS,
    accessibility_needs,
    split_list,
    yes_no,
)
from jobdating.registration.application.import_table import Row
from jobdating.registration.application.lookups import held_by
from jobdating.registration.domain import decide as rules
from jobdating.registration.domain.commands import RegisterCandidate
from jobdating.registration.domain.errors import DomainError, Rejected
from jobdating.registration.domain.fields import search_key
from jobdating.registration.domain.personal import candidate_personal
from jobdating.registration.domain.state import CandidateFacts, CandidateState
from jobdating.registration.domain.validation import validate_candidate


class CandidateImport(BatchWriter):
    def __post_init__(self) -> None:
        super().__post_init__()
        svc = self.svc
        self.open_sites = lookups.open_site_ids(svc.store)
        self.site_names = {search_key(s.name): s.site_id for s in queries.sites(svc.store, open_only=True)}
        rows = lookups.registered_companies(svc.store)
        partners = lookups.live_partner_company_ids(svc.store)
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
        claims, decided = self.retried(lambda: self.write(ready))
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
            key, sealed, plaintext = self.seal(cmd.candidate_id, candidate_personal(cmd))
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
        return RowError(self.column(key), error.reason)
