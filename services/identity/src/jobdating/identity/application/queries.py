"""Questions asked of the identity read model: organisations, accounts, and the revocation list."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import msgspec

from jobdating.eventstore.base import EventStore
from jobdating.identity.domain.permissions import Actor

_roles = msgspec.json.Decoder(tuple[str, ...])


@dataclass(frozen=True, kw_only=True)
class OrganisationView:
    organisation_id: str
    kind: str
    name: str


@dataclass(frozen=True, kw_only=True)
class AccountView:
    """An account as the people managing it see it; `email` only for the caller's own organisation."""

    account_id: str
    organisation_id: str
    roles: tuple[str, ...]
    status: str
    second_factor: bool
    email: str | None = None


@dataclass(frozen=True, kw_only=True)
class Revocations:
    """The disabled accounts, each with when it was disabled: their tokens are refused from then on.

    The shape every service's verifier reads (`jobdating.runtime.identity_lists`): account id to instant."""

    accounts: dict[str, datetime]


_ACCOUNT = (
    "SELECT a.account_id, a.organisation_id, a.roles, a.status, a.second_factor, l.email "
    "FROM identity_account a LEFT JOIN identity_login l ON l.account_id = a.account_id"
)


class IdentityQueries:
    """Reads the identity read model (and, for a caller's own colleagues, their addresses)."""

    def __init__(self, store: EventStore) -> None:
        self.store = store

    def organisations(self) -> list[OrganisationView]:
        rows = self.store.query(
            "SELECT organisation_id, kind, name FROM identity_organisation ORDER BY name, organisation_id"
        )
        return [OrganisationView(organisation_id=r[0], kind=r[1], name=r[2]) for r in rows]

    def organisation(self, organisation_id: str) -> OrganisationView | None:
        rows = self.store.query(
            "SELECT organisation_id, kind, name FROM identity_organisation WHERE organisation_id = ?",
            (organisation_id,),
        )
        return (
            OrganisationView(organisation_id=rows[0][0], kind=rows[0][1], name=rows[0][2]) if rows else None
        )

    def accounts(self, caller: Actor, organisation_id: str | None = None) -> list[AccountView]:
        """The coordination sees every account, anyone else those of their own organisation."""
        if not caller.has("coordinator"):
            organisation_id = caller.org
        if organisation_id is None:
            rows = self.store.query(f"{_ACCOUNT} ORDER BY a.organisation_id, a.account_id")
        else:
            rows = self.store.query(
                f"{_ACCOUNT} WHERE a.organisation_id = ? ORDER BY a.account_id", (organisation_id,)
            )
        return [_account(r, caller) for r in rows]

    def account(self, account_id: str, caller: Actor | None = None) -> AccountView | None:
        rows = self.store.query(f"{_ACCOUNT} WHERE a.account_id = ?", (account_id,))
        return _account(rows[0], caller) if rows else None

    def is_disabled(self, account_id: str) -> bool:
        rows = self.store.query("SELECT status FROM identity_account WHERE account_id = ?", (account_id,))
        return bool(rows) and rows[0][0] == "disabled"

    def revocations(self) -> Revocations:
        rows = self.store.query(
            "SELECT account_id, disabled_at FROM identity_account WHERE status = 'disabled' "
            "ORDER BY disabled_at, account_id"
        )
        return Revocations(accounts={r[0]: _instant(r[1]) for r in rows})


def _account(row: tuple[object, ...] | list[object], caller: Actor | None) -> AccountView:
    organisation_id = str(row[1])
    own = caller is not None and caller.org == organisation_id
    return AccountView(
        account_id=str(row[0]),
        organisation_id=organisation_id,
        roles=_roles.decode(str(row[2])),
        status=str(row[3]),
        second_factor=bool(row[4]),
        email=str(row[5]) if own and row[5] is not None else None,
    )


def _instant(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))
