"""Tables fed by other services' events rather than by this log, so `rebuild` leaves them alone.

- `known_sites`: sites candidates may choose, from the sites service.
- `partner_companies`: companies registered at other organisations' registration instances.
- `partner_blind_index`: other organisations' blind index entries (`blind_index_tables`).

This module is the `FedTables` the policies write through.
"""

from __future__ import annotations

from typing import Final

from jobdating.contracts.sites import SiteOpened
from jobdating.eventstore.base import Transaction
from jobdating.registration.adapters.blind_index_tables import record_partner_index as record_partner_index
from jobdating.registration.domain.fields import search_key

SITES_SCHEMA: Final = """CREATE TABLE IF NOT EXISTS known_sites (
    site_id TEXT PRIMARY KEY, name TEXT NOT NULL, name_key TEXT NOT NULL, host_org TEXT NOT NULL,
    commune TEXT NOT NULL, postcode TEXT NOT NULL, open INTEGER NOT NULL, version INTEGER NOT NULL)"""
PARTNER_COMPANIES_SCHEMA: Final = """CREATE TABLE IF NOT EXISTS partner_companies (
    company_id TEXT PRIMARY KEY, org TEXT NOT NULL, live INTEGER NOT NULL, version INTEGER NOT NULL)"""


def record_site_opened(tx: Transaction, site: SiteOpened, version: int) -> None:
    """A site candidates may choose; an older event than the one already applied changes nothing."""
    tx.execute(
        "INSERT INTO known_sites (site_id, name, name_key, host_org, commune, postcode, open, version) "
        "VALUES (?, ?, ?, ?, ?, ?, 1, ?) ON CONFLICT (site_id) DO UPDATE SET name = excluded.name, "
        "name_key = excluded.name_key, host_org = excluded.host_org, commune = excluded.commune, "
        "postcode = excluded.postcode, open = 1, version = excluded.version "
        "WHERE known_sites.version < excluded.version",
        (site.site_id, site.name, search_key(site.name), site.host_org, site.commune, site.postcode, version),
    )


def record_partner_company(tx: Transaction, company_id: str, org: str, live: bool, version: int) -> None:
    """A company of another instance registered (live) or withdrew. The stream version orders them: a
    withdrawal delivered before the registration stays a withdrawal."""
    tx.execute(
        "INSERT INTO partner_companies (company_id, org, live, version) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (company_id) DO UPDATE SET org = excluded.org, live = excluded.live, "
        "version = excluded.version WHERE partner_companies.version < excluded.version",
        (company_id, org, 1 if live else 0, version),
    )


def record_site_open(tx: Transaction, site_id: str, open: bool, version: int) -> bool:
    """Close or reopen a known site; False when the site was never seen opened (its SiteOpened is still to
    come). An older event than the one already applied changes nothing."""
    if tx.execute("SELECT 1 FROM known_sites WHERE site_id = ?", (site_id,)).fetchone() is None:
        return False
    tx.execute(
        "UPDATE known_sites SET open = ?, version = ? WHERE site_id = ? AND version < ?",
        (1 if open else 0, version, site_id, version),
    )
    return True
