"""What the decisions need to know about an organisation or an account, folded from its stream."""

from __future__ import annotations

from typing import Literal

import msgspec

from jobdating.contracts.identity import AccountRole, OrganisationKind

AccountStatus = Literal["none", "invited", "active", "disabled"]


class OrganisationState(msgspec.Struct, frozen=True, kw_only=True):
    """An organisation as its stream tells it; `registered` is False until OrganisationRegistered."""

    organisation_id: str = ""
    registered: bool = False
    kind: OrganisationKind = "association"
    name: str = ""


class AccountState(msgspec.Struct, frozen=True, kw_only=True):
    """An account as its stream tells it; `status` is "none" until AccountInvited."""

    account_id: str = ""
    organisation_id: str = ""
    status: AccountStatus = "none"
    roles: tuple[AccountRole, ...] = ()
    second_factor: bool = False
