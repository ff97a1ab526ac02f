"""The identity service's commands about organisations and roles: fold, decide, append, in one transaction.

Each handler returns the events it stored. A refused command raises an `IdentityRefusal` and stores nothing.
Invitations and their acceptance, which also write identity's private tables, are in `invitations.py`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from jobdating.contracts.envelope import Event
from jobdating.eventstore.base import StoredEvent
from jobdating.identity.domain import decide
from jobdating.identity.domain.commands import DisableAccount, GrantRole, RegisterOrganisation, RevokeRole
from jobdating.identity.domain.evolve import evolve_account, evolve_organisation
from jobdating.identity.domain.permissions import Actor
from jobdating.identity.domain.state import AccountState, OrganisationState
from jobdating.runtime.commands import Aggregate, CommandBus, Meta, UnitOfWork
from jobdating.runtime.logging import log_recorded

ORGANISATIONS: Aggregate[OrganisationState] = Aggregate(OrganisationState, evolve_organisation)
ACCOUNTS: Aggregate[AccountState] = Aggregate(AccountState, evolve_account)


class IdentityHandlers:
    """Runs the commands on organisations and accounts through the command bus."""

    def __init__(self, bus: CommandBus, log: Any = None) -> None:
        self.bus = bus
        self.log = log

    def register_organisation(
        self, command: RegisterOrganisation, actor: Actor, meta: Meta
    ) -> list[StoredEvent]:
        return self._logged(
            self.bus.execute(
                ORGANISATIONS,
                command.organisation_id,
                lambda org: decide.register_organisation(command, org, actor),
                meta,
            )
        )

    def grant_role(self, command: GrantRole, actor: Actor, meta: Meta) -> list[StoredEvent]:
        return self._on_account(
            command.account_id, lambda account, org: decide.grant_role(command, account, org, actor), meta
        )

    def revoke_role(self, command: RevokeRole, actor: Actor, meta: Meta) -> list[StoredEvent]:
        return self._on_account(
            command.account_id, lambda account, org: decide.revoke_role(command, account, org, actor), meta
        )

    def disable_account(self, command: DisableAccount, actor: Actor, meta: Meta) -> list[StoredEvent]:
        return self._logged(
            self.bus.execute(
                ACCOUNTS,
                command.account_id,
                lambda account: decide.disable_account(command, account, actor),
                meta,
            )
        )

    def _on_account(
        self,
        account_id: str,
        decision: Callable[[AccountState, OrganisationState], list[Event]],
        meta: Meta,
    ) -> list[StoredEvent]:
        """Decide on an account knowing its organisation (an empty one while the account is unknown)."""

        def work(w: UnitOfWork) -> list[StoredEvent]:
            account = w.fold(ACCOUNTS, account_id)
            organisation = w.fold(ORGANISATIONS, account.organisation_id) if account.organisation_id else None
            return w.append(account_id, decision(account, organisation or OrganisationState()), meta)

        return self._logged(self.bus.run(work))

    def _logged(self, stored: list[StoredEvent]) -> list[StoredEvent]:
        log_recorded(self.log, stored)
        return stored
