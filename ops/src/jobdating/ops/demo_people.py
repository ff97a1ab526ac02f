"""Who the demo's people are: the organisations identity registers, and one account per demo role with the
address it is invited at and who invites it (see `demo_accounts`, which creates them).

The coordination (a machine token) registers the organisations and invites the coordinator, each partner's
admin and each company's first recruiter; each partner's admin, signed in with its second factor, invites its
own counsellor and the hosts of the sites its organisation lends.
"""

from __future__ import annotations

from typing import Final

import msgspec

from jobdating.testing.demo_data import COMPANIES, COORDINATOR_ORG, PARTNERS, SITES

KINDS: Final[dict[str, str]] = {
    "departement-nord": "departement",
    "france-travail": "employment_service",
    "mission-locale": "mission_locale",
    "plie-lille-sud": "plie",
    "asso-reussir": "association",
}
"""Each demo partner's kind of organisation, as identity names them."""

ROLE_LABELS: Final[dict[str, str]] = {
    "coordinator": "coordination",
    "partner_admin": "administration",
    "counsellor": "conseil",
    "site_manager": "accueil de site",
    "recruiter": "recrutement",
}
SECOND_FACTOR: Final[frozenset[str]] = frozenset({"coordinator", "partner_admin"})
"""The roles identity asks a TOTP code of at sign-in."""


class Organisation(msgspec.Struct, frozen=True, kw_only=True):
    organisation_id: str
    kind: str
    name: str


class Person(msgspec.Struct, frozen=True, kw_only=True):
    """A demo account to be: its role in its organisation, its address, who invites it (`by`: None for
    the coordination's machine token, else the `key` of the partner admin who does)."""

    key: str
    role: str
    org: str
    email: str
    where: str  # what the printed table shows next to the role: the organisation, the site or the company
    by: str | None = None


def company_org(key: str) -> str:
    """The organisation id of a demo company in identity (ids are subject tokens: no SIRET needed)."""
    return f"entreprise-{key}"


def organisations() -> list[Organisation]:
    partners = [Organisation(organisation_id=o, kind=KINDS[o], name=n) for o, n in PARTNERS.items()]
    companies = [
        Organisation(organisation_id=company_org(c.key), kind="company", name=c.name) for c in COMPANIES
    ]
    return partners + companies


def people() -> list[Person]:
    """Every demo account, in the order they are created (an inviter before those it invites)."""
    found = [
        Person(
            key="coordinator",
            role="coordinator",
            org=COORDINATOR_ORG,
            email=f"coordination@{COORDINATOR_ORG}.exemple.fr",
            where=PARTNERS[COORDINATOR_ORG],
        )
    ]
    for org, name in PARTNERS.items():
        found.append(
            Person(
                key=f"admin-{org}", role="partner_admin", org=org, email=f"admin@{org}.exemple.fr", where=name
            )
        )
    for company in COMPANIES:
        found.append(
            Person(
                key=f"recruiter-{company.key}",
                role="recruiter",
                org=company_org(company.key),
                # The company's contact registration knows: invited as its first recruiter.
                email=f"recrutement@{company.key}.exemple.fr",
                where=company.name,
            )
        )
    for org, name in PARTNERS.items():
        found.append(
            Person(
                key=f"counsellor-{org}",
                role="counsellor",
                org=org,
                email=f"conseiller1@{org}.exemple.fr",
                where=name,
                by=f"admin-{org}",
            )
        )
    for site in SITES:
        found.append(
            Person(
                key=f"host-{site.key}",
                role="site_manager",
                org=site.host_org,
                email=f"accueil-{site.key}@{site.host_org}.exemple.fr",
                where=site.name,
                by=f"admin-{site.host_org}",
            )
        )
    return found
