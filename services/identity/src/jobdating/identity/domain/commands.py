"""What people ask the identity service to do: imperative, small, frozen."""

from __future__ import annotations

import msgspec

from jobdating.contracts.identity import AccountRole, OrganisationKind


class RegisterOrganisation(msgspec.Struct, frozen=True, kw_only=True):
    """The coordination registers an organisation taking part in its job datings."""

    organisation_id: str
    kind: OrganisationKind
    name: str


class _AccountCommand(msgspec.Struct, frozen=True, kw_only=True):
    """A command about one account, which it names first."""

    account_id: str


class InviteAccount(_AccountCommand, frozen=True, kw_only=True):
    """Invite a person to an organisation with these roles (the address stays in identity's tables)."""

    organisation_id: str
    roles: tuple[AccountRole, ...]


class ActivateAccount(_AccountCommand, frozen=True, kw_only=True):
    """The invited person chose a password; `second_factor` when a TOTP secret was enrolled with it."""

    second_factor: bool


class GrantRole(_AccountCommand, frozen=True, kw_only=True):
    role: AccountRole


class RevokeRole(_AccountCommand, frozen=True, kw_only=True):
    role: AccountRole


class DisableAccount(_AccountCommand, frozen=True, kw_only=True):
    """The account signs in no more; `account_id` is all it says."""
