"""What decisions are checked against, read from the projections: open sites, live companies, and who
holds a phone, an e-mail, a SIRET or an import key (the look-up tables)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Final

from jobdating.contracts.registration import Wish
from jobdating.eventstore.sql import STREAM_VERSION
from jobdating.registration.application.queries import REGISTERED
from jobdating.registration.application.rows import Db, fetch_all, fetch_one, placeholders
from jobdating.registration.domain.state import CandidateFacts, CompanyFacts

LOOKUPS: Final[dict[str, tuple[str, str]]] = {
    "candidate_phones": ("phone", "candidate_id"),
    "candidate_emails": ("email", "candidate_id"),
    "company_sirets": ("siret", "company_id"),
    "import_keys": ("import_key", "stream_id"),
}
"""Lookup table -> (held value column, holder column)."""


def open_site_ids(db: Db) -> frozenset[str]:
    """Sites a candidate may choose now."""
    return frozenset(r[0] for r in fetch_all(db, "SELECT site_id FROM known_sites WHERE open = 1"))


def live_company_ids(db: Db, company_ids: Iterable[str]) -> frozenset[str]:
    """Those of `company_ids` that are registered and not withdrawn, here or at another instance."""
    wanted = list(dict.fromkeys(company_ids))
    if not wanted:
        return frozenset()
    marks = placeholders(len(wanted))
    rows = fetch_all(
        db,
        f"SELECT company_id FROM companies WHERE status = ? AND company_id IN ({marks}) "
        f"UNION SELECT company_id FROM partner_companies WHERE live = 1 AND company_id IN ({marks})",
        [REGISTERED, *wanted, *wanted],
    )
    return frozenset(r[0] for r in rows)


def candidate_facts(
    db: Db,
    *,
    site_id: str | None = None,
    wishes: Iterable[Wish] = (),
    phone: str | None = None,
    email: str | None = None,
    opening: tuple[str, Callable[[str], None]] | None = None,
) -> CandidateFacts:
    """What a registration or an update is checked against, read just before deciding.

    Site, phone and e-mail in one statement: each statement is a round trip (and, on SQLite, a release of
    the GIL that the other request threads take), and this read precedes every registration. `opening`: a
    registration's stream and what to tell when that stream has no event yet (`UnitOfWork.new_stream`),
    read by the same statement (`STREAM_VERSION`), so that the registration's fold need not read it.
    """
    sql = (
        "SELECT (SELECT open FROM known_sites WHERE site_id = ?), "
        "(SELECT candidate_id FROM candidate_phones WHERE phone = ?), "
        "(SELECT candidate_id FROM candidate_emails WHERE email = ?)"
    )
    params: tuple[object, ...] = (site_id, phone, email)
    if opening is not None:
        sql, params = f"{sql}, {STREAM_VERSION}", (*params, opening[0])
    row = fetch_one(db, sql, params)
    site_open, phone_owner, email_owner, *version = row if row is not None else (None, None, None)
    if opening is not None and version[0] is None:
        stream_id, new_stream = opening
        new_stream(stream_id)
    return CandidateFacts(
        open_sites=frozenset({site_id}) if site_id is not None and site_open else frozenset(),
        live_companies=live_company_ids(db, (w.company_id for w in wishes if w.company_id is not None)),
        phone_owner=phone_owner,
        email_owner=email_owner,
    )


def company_facts(db: Db, siret: str | None) -> CompanyFacts:
    """Who already holds a SIRET among live companies."""
    if siret is None:
        return CompanyFacts()
    return CompanyFacts(siret_owner=held_by(db, "company_sirets", [siret]).get(siret))


def held_by(db: Db, table: str, values: Iterable[str]) -> dict[str, str]:
    """Who holds each of `values` in a lookup table (values nobody holds are absent)."""
    column, owner = LOOKUPS[table]
    wanted = list(dict.fromkeys(values))
    found: dict[str, str] = {}
    # Chunks keep the IN list under every backend's limit on bound parameters.
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        marks = ", ".join("?" * len(chunk))
        for value, holder in fetch_all(
            db, f"SELECT {column}, {owner} FROM {table} WHERE {column} IN ({marks})", chunk
        ):
            found[value] = holder
    return found


def registered_companies(db: Db) -> list[tuple[str, str, str]]:
    """Every registered company here as (company_id, name_key, siret)."""
    rows = fetch_all(db, "SELECT company_id, name_key, siret FROM companies WHERE status = ?", (REGISTERED,))
    return [(str(r[0]), str(r[1]), str(r[2])) for r in rows]


def live_partner_company_ids(db: Db) -> frozenset[str]:
    """The companies other organisations' instances registered and that have not withdrawn."""
    return frozenset(r[0] for r in fetch_all(db, "SELECT company_id FROM partner_companies WHERE live = 1"))


def site_host(db: Db, site_id: str) -> str | None:
    """The organisation hosting a known site (None when the site is unknown here)."""
    row = fetch_one(db, "SELECT host_org FROM known_sites WHERE site_id = ?", (site_id,))
    return None if row is None else str(row[0])
