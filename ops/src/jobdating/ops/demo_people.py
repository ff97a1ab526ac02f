"""Who the demo's people are: the organisations identity registers, and one account per demo role with the
address it is invited at and who invites it (see `demo_accounts`, which creates them).

The coordination (a machine token) registers the organisations and invites the coordinator, each partner's
admin and each company's first recruiter; each partner's admin, signed in with its second factor, invites its
own counsellor and the hosts of the sites its organisation lends.

A company's organisation in identity is its id in registration (a UUIDv7, a valid organisation id): the
services accept a recruiter for the company its token's organisation names. So the recruiters come once the
demo is loaded, from the company ids registration gave (`company_ids`: demo company key -> company id).
"""

from __future__ import annotations

from collections.abc import Mapping
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
    "coach": "animation des ateliers",
    "recruiter": "recrutement",
}
STAFF_ROLES: Final[frozenset[str]] = frozenset(ROLE_LABELS) - {"recruiter"}
"""The roles whose accounts exist before the demo is loaded (the recruiters' need the companies' ids)."""
COACH_ORGS: Final[tuple[str, str]] = ("mission-locale", "asso-reussir")
"""The two organisations whose coaches run the demo's workshops together (a workshop needs two coaches of
two organisations): those hosting the Seclin and Wattignies sites, where the workshops are held."""
SECOND_FACTOR: Final[frozenset[str]] = frozenset({"coordinator", "partner_admin"})
"""The roles identity asks a TOTP code of at sign-in."""


class Organisation(msgspec.Struct, frozen=True, kw_only=True):
    organisation_id: str
    kind: str
    name: str


class Holder(msgspec.Struct, kw_only=True):
    """Who holds a demo account, as the plan names them (`Person`) and `demo-accounts.json` keeps them
    (`DemoAccount`). Not frozen, nor are its subclasses: the kept account is filled in as it is activated."""

    key: str
    role: str
    org: str
    email: str
    where: str  # what the printed table shows next to the role: the organisation, the site or the company


class Person(Holder, kw_only=True):
    """A demo account to be: its role in its organisation, its address, who invites it (`by`: None for
    the coordination's machine token, else the `key` of the partner admin who does)."""

    by: str | None = None
    name: str = ""  # the person's name, kept by identity only (the audit's "who" for those allowed)


def organisations(company_ids: Mapping[str, str] | None = None) -> list[Organisation]:
    """The partners, and the companies of `company_ids` under their registration ids."""
    ids = company_ids or {}
    partners = [Organisation(organisation_id=o, kind=KINDS[o], name=n) for o, n in PARTNERS.items()]
    companies = [
        Organisation(organisation_id=ids[c.key], kind="company", name=c.name)
        for c in COMPANIES
        if c.key in ids
    ]
    return partners + companies


# The demo's staff, one name each in the order `people` lists them (invented, like the candidates').
_NAMES = (
    "Claire Vasseur",
    "Martine Delattre",
    "Hugo Lefebvre",
    "Nadia Bouzid",
    "Julien Carpentier",
    "Sophie Dewitte",
    "Karim Haddad",
    "Élodie Lemaire",
    "Thomas Vandamme",
    "Aurélie Delcourt",
    "Mehdi Benali",
    "Pauline Verhaeghe",
    "Laurent Dubus",
    "Inès Maréchal",
    "Antoine Decroix",
    "Céline Dumortier",
    "Yassine Amrani",
    "Marion Caudron",
    "Olivier Desmet",
    "Fatima Ouali",
    "Nicolas Lenglet",
    "Lucie Dhaussy",
    "Samir Kaci",
    "Justine Vermeulen",
    "Bruno Leclercq",
    "Amandine Cousin",
    "Rachid Meziane",
    "Hélène Ducrocq",
    "Damien Flament",
    "Sarah Mouton",
    "Vincent Lambin",
    "Chloé Deram",
)


def people(company_ids: Mapping[str, str] | None = None) -> list[Person]:
    """Every demo account, in the order they are created (an inviter before those it invites), each with
    a name of its own; a company's recruiter only when `company_ids` gives the company's id."""
    ids = company_ids or {}
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
                org=ids.get(company.key, ""),
                # The company's contact registration knows: invited as its first recruiter.
                email=f"recrutement@{company.key}.exemple.fr",
                where=company.name,
            )
        )
    # Invited by their organisation's admin: each partner's counsellor, each site's host, the coaches.
    invited = [(f"counsellor-{o}", "counsellor", o, f"conseiller1@{o}", n) for o, n in PARTNERS.items()]
    invited += [
        (f"host-{s.key}", "site_manager", s.host_org, f"accueil-{s.key}@{s.host_org}", s.name) for s in SITES
    ]
    invited += [(f"coach-{o}", "coach", o, f"ateliers@{o}", PARTNERS[o]) for o in COACH_ORGS]
    for key, role, org, mailbox, where in invited:
        found.append(
            Person(key=key, role=role, org=org, email=f"{mailbox}.exemple.fr", where=where, by=f"admin-{org}")
        )
    # Named before the recruiters without a company id are left out: each person keeps their name.
    named = [msgspec.structs.replace(person, name=name) for person, name in zip(found, _NAMES, strict=True)]
    return [person for person in named if person.org]


def account_key(org: str, role: str) -> str:
    """The demo account acting for `org` in `role`: the coordinator, a partner's admin or counsellor, the
    host of the one site `org` lends (the demo's host organisations lend one site each)."""
    if role == "coordinator" and org == COORDINATOR_ORG:
        return "coordinator"
    if role == "partner_admin" and org in PARTNERS:
        return f"admin-{org}"
    if role == "counsellor" and org in PARTNERS:
        return f"counsellor-{org}"
    if role == "coach" and org in COACH_ORGS:
        return f"coach-{org}"
    hosted = [site.key for site in SITES if site.host_org == org]
    if role == "site_manager" and len(hosted) == 1:
        return f"host-{hosted[0]}"
    raise KeyError(f"no demo account acts for {org} as {role}")
