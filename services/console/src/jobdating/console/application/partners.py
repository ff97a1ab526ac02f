"""Partners and invitations: the organisations identity knows and their accounts, and an invitation sent by
e-mail. The coordination sees every organisation and invites each partner's admin; a partner's admin sees
their own organisation and invites its staff. Identity decides who may invite whom and checks the address:
its French reasons are shown as they come.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Final
from urllib.parse import quote

from jobdating.console.application.ports import Services
from jobdating.console.domain.permissions import COORDINATION, ROLE_NAMES
from jobdating.contracts.identity import ORGANISATION_KIND_NAMES

STATUS_NAMES: Final[dict[str, str]] = {
    "invited": "invitation envoyée",
    "active": "actif",
    "disabled": "désactivé",
}
# Who invites which roles: the coordination a partner's admin, an admin their own staff.
COORDINATION_INVITES: Final[tuple[str, ...]] = ("partner_admin",)
ADMIN_INVITES: Final[tuple[str, ...]] = ("counsellor", "coach", "site_manager", "viewer", "partner_admin")
NO_NAME = "Indiquez le nom de la personne."
NO_EMAIL = "Indiquez l'adresse e-mail de la personne."
NO_ROLE = "Choisissez un rôle dans la liste."
NO_ORGANISATION = "Choisissez une organisation dans la liste."


@dataclass(frozen=True)
class Account:
    account_id: str
    name: str | None
    email: str | None
    roles: str
    status: str


@dataclass(frozen=True)
class Organisation:
    organisation_id: str
    name: str
    kind: str
    accounts: list[Account] = field(default_factory=list)


@dataclass(frozen=True)
class Invitation:
    """What the form holds: kept as typed when it is refused, so nothing is lost."""

    organisation_id: str = ""
    name: str = ""
    email: str = ""
    role: str = ""


@dataclass(frozen=True)
class Partners:
    # Those the person sees are those they may invite into (an admin: their own), with these roles.
    organisations: list[Organisation]
    roles: list[tuple[str, str]]


def roles_to_invite(roles: tuple[str, ...]) -> tuple[str, ...]:
    return COORDINATION_INVITES if COORDINATION in roles else ADMIN_INVITES


def partners(services: Services, token: str, org: str, roles: tuple[str, ...]) -> Partners:
    """Organisations (companies left out: they are the recruiters' business) with their accounts."""
    coordinates = COORDINATION in roles
    known = [o for o in services.get("identity", "/organisations", token) if o.get("kind") != "company"]
    if not coordinates:
        known = [o for o in known if o["organisation_id"] == org]
    accounts = services.get("identity", "/accounts", token)
    ids = [a["account_id"] for a in accounts]
    names: dict[str, Any] = services.post("identity", "/accounts/names", token, {"account_ids": ids}) or {}
    by_org: dict[str, list[Account]] = {}
    for a in accounts:
        by_org.setdefault(a["organisation_id"], []).append(
            Account(
                account_id=a["account_id"],
                name=(names.get(a["account_id"]) or {}).get("name"),
                email=a.get("email"),
                roles=", ".join(ROLE_NAMES.get(r, r) for r in a.get("roles", [])),
                status=STATUS_NAMES.get(a.get("status", ""), a.get("status", "")),
            )
        )
    organisations = [
        Organisation(
            organisation_id=o["organisation_id"],
            name=o["name"],
            kind=ORGANISATION_KIND_NAMES.get(o.get("kind", ""), o.get("kind", "")),
            accounts=sorted(
                by_org.get(o["organisation_id"], []), key=lambda a: (a.name or "", a.email or "")
            ),
        )
        for o in known
    ]
    organisations.sort(key=lambda o: (o.organisation_id != org, o.name.casefold()))
    choices = [(r, ROLE_NAMES.get(r, r)) for r in roles_to_invite(roles)]
    return Partners(organisations=organisations, roles=choices)


def problems(invitation: Invitation, allowed_roles: tuple[str, ...], organisations: list[str]) -> list[str]:
    """What is missing from the form, in French, before identity is asked."""
    found = []
    if invitation.organisation_id not in organisations:
        found.append(NO_ORGANISATION)
    if not invitation.name.strip():
        found.append(NO_NAME)
    if not invitation.email.strip():
        found.append(NO_EMAIL)
    if invitation.role not in allowed_roles:
        found.append(NO_ROLE)
    return found


def invite(services: Services, token: str, invitation: Invitation) -> None:
    services.post(
        "identity",
        f"/organisations/{quote(invitation.organisation_id, safe='')}/invitations",
        token,
        {"email": invitation.email.strip(), "roles": [invitation.role], "name": invitation.name.strip()},
    )
