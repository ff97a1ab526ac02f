"""The decisions of the identity service: a command and the current state in, the events that follow out.

Every function raises an `IdentityRefusal` instead of returning events when the command cannot be done.
"""

from __future__ import annotations

from jobdating.contracts import identity as events
from jobdating.contracts.envelope import Event
from jobdating.contracts.identity import AccountRole
from jobdating.identity.domain import validation as check
from jobdating.identity.domain.commands import (
    ActivateAccount,
    DisableAccount,
    GrantRole,
    InviteAccount,
    RegisterOrganisation,
    RevokeRole,
)
from jobdating.identity.domain.errors import AlreadyExists, Conflict, Gone, Invalid, NotFound
from jobdating.identity.domain.permissions import (
    ROLE_NAMES,
    SECOND_FACTOR_ROLES,
    Actor,
    may_assign,
    may_disable,
    may_register_organisation,
    requires_second_factor,
    role_fits,
)
from jobdating.identity.domain.state import AccountState, OrganisationState

UNKNOWN_ORGANISATION = "organisation inconnue"
UNKNOWN_ACCOUNT = "compte inconnu"


def register_organisation(
    command: RegisterOrganisation, organisation: OrganisationState, actor: Actor
) -> list[Event]:
    """Register an organisation: the coordination only, with a fresh id."""
    may_register_organisation(actor)
    check.organisation_id("organisation_id", command.organisation_id)
    name = check.name("name", command.name)
    if organisation.registered:
        raise AlreadyExists.on("organisation_id", "une organisation porte déjà cet identifiant")
    return [
        events.OrganisationRegistered(organisation_id=command.organisation_id, kind=command.kind, name=name)
    ]


def invite_account(
    command: InviteAccount, account: AccountState, organisation: OrganisationState, actor: Actor
) -> list[Event]:
    """Invite a person with roles that fit the organisation and that the caller may give."""
    if not organisation.registered:
        raise NotFound.on("organisation_id", UNKNOWN_ORGANISATION)
    if not command.roles:
        raise Invalid.on("roles", "indiquez au moins un rôle")
    if len(set(command.roles)) != len(command.roles):
        raise Invalid.on("roles", "un même rôle est indiqué deux fois")
    for role in command.roles:
        may_assign(actor, organisation, role, "roles")
        role_fits(role, organisation, "roles")
    if account.status != "none":
        raise AlreadyExists.on("account_id", "un compte porte déjà cet identifiant")
    return [
        events.AccountInvited(
            account_id=command.account_id, organisation_id=organisation.organisation_id, roles=command.roles
        )
    ]


def activate_account(command: ActivateAccount, account: AccountState) -> list[Event]:
    """Activate an invited account; roles that see other organisations' people need a second factor."""
    if account.status == "none":
        raise NotFound.on("token", "lien d'invitation inconnu")
    if account.status == "disabled":
        raise Gone.on("token", "ce compte a été désactivé : l'invitation ne vaut plus")
    if account.status == "active":
        raise Gone.on("token", "ce lien d'invitation a déjà servi : connectez-vous avec votre mot de passe")
    if requires_second_factor(account.roles) and not command.second_factor:
        raise Invalid.on("code", "ces rôles exigent un second facteur (application d'authentification)")
    return [events.AccountActivated(account_id=account.account_id, second_factor=command.second_factor)]


def grant_role(
    command: GrantRole, account: AccountState, organisation: OrganisationState, actor: Actor
) -> list[Event]:
    """Give an account one more role, under the same rule as an invitation."""
    _may_change_role(account, organisation, actor, command.role)
    role_fits(command.role, organisation, "role")
    if command.role in account.roles:
        raise Conflict.on("role", f"ce compte a déjà le rôle « {ROLE_NAMES[command.role]} »")
    if command.role in SECOND_FACTOR_ROLES and account.status == "active" and not account.second_factor:
        raise Conflict.on(
            "role",
            "ce rôle exige un second facteur que ce compte n'a pas : invitez la personne à nouveau "
            "avec ce rôle, elle l'activera à l'ouverture de son compte",
        )
    return [events.RoleGranted(account_id=account.account_id, role=command.role)]


def revoke_role(
    command: RevokeRole, account: AccountState, organisation: OrganisationState, actor: Actor
) -> list[Event]:
    """Take a role away from an account; its last role stays (disable the account instead)."""
    _may_change_role(account, organisation, actor, command.role)
    if command.role not in account.roles:
        raise Conflict.on("role", f"ce compte n'a pas le rôle « {ROLE_NAMES[command.role]} »")
    if account.roles == (command.role,):
        raise Conflict.on("role", "c'est le dernier rôle de ce compte : désactivez plutôt le compte")
    return [events.RoleRevoked(account_id=account.account_id, role=command.role)]


def disable_account(command: DisableAccount, account: AccountState, actor: Actor) -> list[Event]:
    """Disable an account: it signs in no more and its tokens are refused from now on."""
    if account.status == "none":
        raise NotFound.on("account_id", UNKNOWN_ACCOUNT)
    may_disable(actor, account)
    if account.status == "disabled":
        raise Conflict.on("account_id", "ce compte est déjà désactivé")
    return [events.AccountDisabled(account_id=command.account_id)]


def _may_change_role(
    account: AccountState, organisation: OrganisationState, actor: Actor, role: AccountRole
) -> None:
    if account.status == "none":
        raise NotFound.on("account_id", UNKNOWN_ACCOUNT)
    if account.status == "disabled":
        raise Conflict.on("account_id", "ce compte est désactivé : ses rôles ne changent plus")
    may_assign(actor, organisation, role, "role")
