"""Builders of real registration commands, sites and principals, for tests and benchmarks."""

from __future__ import annotations

import itertools
import random
from datetime import time
from typing import Any

import msgspec

from jobdating.contracts.catalog import REGISTRY
from jobdating.contracts.sites import SiteClosed, SiteOpened
from jobdating.registration.adapters import fed_tables
from jobdating.registration.application.policies import on_site_event
from jobdating.registration.application.service import RegistrationService
from jobdating.registration.domain.commands import PositionRequest, RegisterCandidate, RegisterCompany
from jobdating.runtime.auth import Principal, Role, TokenTable
from jobdating.runtime.checksums import luhn_valid
from jobdating.runtime.ids import new_id
from jobdating.testing.events import envelope

_numbers = itertools.count(1)
# A random start so that runs against one long-lived store rarely collide; a process never repeats.
_phone_base = random.randrange(10**6)


def principal(org: str = "mel", role: Role = "counsellor", actor_id: str | None = None) -> Principal:
    """A caller of an organisation with a role and an opaque actor id."""
    return Principal(org=org, role=role, actor_id=actor_id or f"{role}-{new_id()[-8:]}")


def unique_phone() -> str:
    """A valid French mobile number (06 12 xx xx xx), different at each call within a process."""
    n = (_phone_base + next(_numbers)) % 10**6
    return f"06 12 {n // 10000:02d} {n // 100 % 100:02d} {n % 100:02d}"


def unique_siret() -> str:
    """A SIRET with a valid Luhn key, different at each call within a process."""
    base = f"{next(_numbers) + int(new_id().replace('-', '')[-6:], 16):013d}"[-13:]
    for last in "0123456789":
        siret = base + last
        if luhn_valid(siret[:9]) and luhn_valid(siret):
            return siret
    # The SIREN part failed its own key: change it and try again.
    return unique_siret()


def candidate(site_id: str, **changes: Any) -> RegisterCandidate:
    """A valid registration on `site_id` with a fresh id, phone and e-mail; `changes` override fields."""
    candidate_id = new_id()
    base = RegisterCandidate(
        candidate_id=candidate_id,
        referring_org="mel",
        counsellor_id="counsellor-42",
        first_name="Samia",
        last_name="Benali",
        phone=unique_phone(),
        email=f"samia.{candidate_id[-12:]}@exemple.fr",
        address="12 rue des Tisserands",
        postcode="59113",
        commune="Seclin",
        site_id=site_id,
        sectors=("logistique",),
        consent_data=True,
        consent_sms=True,
    )
    return msgspec.structs.replace(base, **changes)


def company(**changes: Any) -> RegisterCompany:
    """A valid company sign-up with a fresh id and SIRET; `changes` override fields."""
    base = RegisterCompany(
        company_id=new_id(),
        registering_org="mel",
        name=f"Logistique du Nord {new_id()[-6:]}",
        siret=unique_siret(),
        sector="logistique",
        positions=(PositionRequest(title="Préparateur de commandes", contract="CDI", count=3),),
        parallel_recruiters=2,
        window_start=time(9, 0),
        window_end=time(12, 0),
        contact_name="Paul Durand",
        contact_phone=unique_phone(),
        contact_email="recrutement@logistique-nord.fr",
    )
    return msgspec.structs.replace(base, **changes)


def open_site(
    service: RegistrationService, site_id: str | None = None, name: str | None = None, host_org: str = "mel"
) -> str:
    """Feed a real SiteOpened through the sites policy, as the consumer would; returns the site id."""
    site_id = site_id or f"site-{new_id()}"
    opened = SiteOpened(
        site_id=site_id,
        name=name or f"Site {site_id[-6:]}",
        host_org=host_org,
        commune="Seclin",
        postcode="59113",
    )
    with service.store.transaction() as tx:
        on_site_event(tx, REGISTRY.decode(envelope(opened, site_id, 1)), fed_tables)
    return site_id


def close_site(service: RegistrationService, site_id: str, version: int = 2) -> None:
    """Feed a real SiteClosed through the sites policy."""
    with service.store.transaction() as tx:
        on_site_event(
            tx,
            REGISTRY.decode(envelope(SiteClosed(site_id=site_id, reason="travaux"), site_id, version)),
            fed_tables,
        )


CALLERS: dict[str, Principal] = {
    "mel-counsellor": principal("mel", "counsellor", "actor-mel-counsellor"),
    "mel-counsellor-2": principal("mel", "counsellor", "actor-mel-counsellor-2"),
    "mel-coordinator": principal("mel", "coordinator", "actor-mel-coordinator"),
    "mel-partner-admin": principal("mel", "partner_admin", "actor-mel-partner-admin"),
    "mel-coach": principal("mel", "coach", "actor-mel-coach"),
    "mel-site-manager": principal("mel", "site_manager", "actor-mel-site-manager"),
    "mel-viewer": principal("mel", "viewer", "actor-mel-viewer"),
    "mel-recruiter": principal("mel", "recruiter", "actor-mel-recruiter"),
    "ml-counsellor": principal("mission-locale", "counsellor", "actor-ml-counsellor"),
    "ml-coordinator": principal("mission-locale", "coordinator", "actor-ml-coordinator"),
    "ml-site-manager": principal("mission-locale", "site_manager", "actor-ml-site-manager"),
}
"""Callers of two partner organisations with every role, by short name (`mel-counsellor-2` is a counsellor
of the same organisation as `mel-counsellor`, following other candidates)."""


def tokens() -> TokenTable:
    """A token table where `token-of-<name>` is the caller `CALLERS[name]`."""
    return TokenTable({f"token-of-{name}": who for name, who in CALLERS.items()})


def bearer(name: str) -> dict[str, str]:
    """The Authorization header of `CALLERS[name]`."""
    return {"Authorization": f"Bearer token-of-{name}"}
