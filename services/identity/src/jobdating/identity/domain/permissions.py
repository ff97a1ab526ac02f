"""Who creates whom, and which roles fit which organisation.

The chain of trust: the coordination registers organisations and invites each partner's admin and each
company's first recruiter; a partner admin invites its own organisation's staff; a recruiter invites
colleagues of its own company. The coordination also runs its own organisation (the département). The same
rule says who may grant or revoke a role: whoever could have invited someone with it.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Final

import msgspec

from jobdating.contracts.identity import ORGANISATION_KIND_NAMES, AccountRole, OrganisationKind
from jobdating.identity.domain.errors import Forbidden, Invalid
from jobdating.identity.domain.state import AccountState, OrganisationState
from jobdating.runtime.actors import RoleGate

SECOND_FACTOR_ROLES: Final[frozenset[str]] = frozenset({"coordinator", "partner_admin"})
"""Roles that may see personal data of other organisations' candidates: they sign in with a TOTP code."""

STAFF: Final[tuple[AccountRole, ...]] = ("partner_admin", "counsellor", "coach", "site_manager", "viewer")
ROLES_BY_KIND: Final[dict[OrganisationKind, tuple[AccountRole, ...]]] = {
    "departement": ("coordinator", *STAFF),
    "employment_service": STAFF,
    "mission_locale": STAFF,
    "plie": STAFF,
    "association": STAFF,
    "company": ("recruiter",),
}
"""The roles a person of each kind of organisation may hold (only the département coordinates)."""

ROLE_NAMES: Final[dict[str, str]] = {
    "coordinator": "coordination",
    "partner_admin": "administration du partenaire",
    "counsellor": "conseil",
    "coach": "accompagnement (coach)",
    "site_manager": "accueil de site",
    "recruiter": "recrutement",
    "viewer": "consultation",
}


class Actor(msgspec.Struct, frozen=True, kw_only=True):
    """The caller as the rules see them: their account, their organisation and their roles."""

    account_id: str
    org: str
    roles: tuple[str, ...]

    def has(self, role: str) -> bool:
        return role in self.roles


def requires_second_factor(roles: Collection[str]) -> bool:
    """Whether an account holding `roles` must sign in with a TOTP code."""
    return any(role in SECOND_FACTOR_ROLES for role in roles)


# The roles each rule below can ever let through: the API refuses the others before reading a body.
REGISTRARS: Final = RoleGate(("coordinator",), "seule la coordination enregistre les organisations")
ASSIGNERS: Final = RoleGate(
    ("coordinator", "partner_admin", "recruiter"),
    "votre rôle ne permet pas d'inviter des personnes ni de changer leurs rôles",
)


def may_register_organisation(actor: Actor) -> None:
    """Only the coordination registers organisations."""
    if not actor.has("coordinator"):
        raise Forbidden.on("organisation_id", REGISTRARS.refusal)


def role_fits(role: AccountRole, organisation: OrganisationState, field: str) -> None:
    """A role is held only in a kind of organisation it makes sense in (a recruiter in a company...)."""
    if role not in ROLES_BY_KIND[organisation.kind]:
        kind = ORGANISATION_KIND_NAMES[organisation.kind]
        raise Invalid.on(
            field, f"le rôle « {ROLE_NAMES[role]} » n'existe pas dans une organisation de type {kind}"
        )


def may_assign(actor: Actor, organisation: OrganisationState, role: AccountRole, field: str) -> None:
    """Whether `actor` may give (invite with, grant, revoke) `role` to a person of `organisation`."""
    own = organisation.organisation_id == actor.org
    if actor.has("coordinator"):
        if own or role == ("recruiter" if organisation.kind == "company" else "partner_admin"):
            return
        raise Forbidden.on(
            field,
            "la coordination invite l'administrateur d'un partenaire ou le premier recruteur d'une "
            "entreprise ; les autres personnes sont invitées par leur propre organisation",
        )
    if actor.has("partner_admin") and organisation.kind != "company":
        if not own:
            raise Forbidden.on(field, "vous ne gérez que les personnes de votre propre organisation")
        if role in STAFF:
            return
    if actor.has("recruiter") and organisation.kind == "company":
        if not own:
            raise Forbidden.on(field, "vous n'invitez que des collègues de votre propre entreprise")
        if role == "recruiter":
            return
    if not (actor.has("partner_admin") or actor.has("recruiter")):
        raise Forbidden.on(field, ASSIGNERS.refusal)
    raise Forbidden.on(field, f"vous ne pouvez pas donner le rôle « {ROLE_NAMES[role]} »")


def may_disable(actor: Actor, account: AccountState) -> None:
    """The coordination disables any account; a partner admin the accounts of its own organisation."""
    if actor.has("coordinator"):
        return
    if actor.has("partner_admin") and account.organisation_id == actor.org:
        return
    raise Forbidden.on(
        "account_id",
        "seules la coordination et l'administration de l'organisation de ce compte peuvent le désactiver",
    )
