"""How each event changes an organisation or an account: pure folds, unknown events change nothing."""

from __future__ import annotations

import msgspec

from jobdating.contracts import identity as events
from jobdating.contracts.envelope import Event
from jobdating.identity.domain.state import AccountState, OrganisationState

replace = msgspec.structs.replace


def evolve_organisation(state: OrganisationState, event: Event) -> OrganisationState:
    """The organisation after `event`."""
    match event:
        case events.OrganisationRegistered():
            return OrganisationState(
                organisation_id=event.organisation_id, registered=True, kind=event.kind, name=event.name
            )
    return state


def evolve_account(state: AccountState, event: Event) -> AccountState:
    """The account after `event`."""
    match event:
        case events.AccountInvited():
            return AccountState(
                account_id=event.account_id,
                organisation_id=event.organisation_id,
                status="invited",
                roles=event.roles,
            )
        case events.AccountActivated():
            return replace(state, status="active", second_factor=event.second_factor)
        case events.RoleGranted():
            return replace(state, roles=(*state.roles, event.role))
        case events.RoleRevoked():
            return replace(state, roles=tuple(r for r in state.roles if r != event.role))
        case events.AccountDisabled():
            return replace(state, status="disabled")
    return state
