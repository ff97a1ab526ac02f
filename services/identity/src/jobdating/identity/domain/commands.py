"""What people ask the identity service to do: imperative, small, frozen."""

from __future__ import annotations

import msgspec

from jobdating.contracts.identity import AccountRole, OrganisationKind


class RegisterOrganisation(msgspec.Struct, frozen=True, kw_only=True):
    """The coordination registers an organisation taking part in its job datings."""

    organisation_id: str
    kind: OrganisationKind
    name: str


class InviteAccount(msgspec.Struct, frozen=True, kw_only=True):
    """Invite a person to an organisation with these roles (the address stays in identity's tables)."""

    account_id: str
    organisation_id: str
    roles: tuple[AccountRole, ...]


class ActivateAccount(msgspec.Struct, frozen=True, kw_only=True):
    """The invited person chose a password; `second_factor` when a TOTP secret was enrolled with it."""

    account_id: str
    second_factor: bool


class GrantRole(msgspec.Struct, frozen=True, kw_only=True):
    account_id: str
    role: AccountRole


class RevokeRole(msgspec.Struct, frozen=True, kw_only=True):
    account_id: str
    role: AccountRole


class DisableAccount(msgspec.Struct, frozen=True, kw_only=True):
    account_id: str
