"""The names of accounts, for those allowed to read them (`domain/names.py`): what `jobdating audit --who`
asks to show people rather than ids. An account the caller may not see is left out, exactly as an unknown
one: the answer tells a partner admin nothing about other organisations' accounts."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Protocol

from jobdating.eventstore.base import EventStore, Transaction
from jobdating.identity.domain import validation as check
from jobdating.identity.domain.names import may_read_names, name_visible
from jobdating.identity.domain.permissions import Actor


class NameTable(Protocol):
    """Where invitations keep the name given for a person (identity's private table)."""

    def set_name(self, tx: Transaction, account_id: str, name: str) -> None: ...


@dataclass(frozen=True, kw_only=True)
class AccountName:
    """An account's name (None when it was invited without one) and organisation."""

    name: str | None
    organisation_id: str


class AccountNames:
    """Reads names from the read model's accounts and the private names table."""

    def __init__(self, store: EventStore) -> None:
        self.store = store

    def names(self, caller: Actor, account_ids: Collection[str]) -> dict[str, AccountName]:
        """The names of the accounts among `account_ids` that `caller` may see; `Forbidden` for a caller
        who may see none."""
        may_read_names(caller)
        # Ids no account can have are not asked of the store (which may refuse a NUL, say).
        wanted = sorted({i for i in account_ids if check.is_account_id(i)})
        found: dict[str, AccountName] = {}
        for start in range(0, len(wanted), 500):
            for account_id, organisation_id, name in self._rows(wanted[start : start + 500]):
                if name_visible(caller, organisation_id):
                    found[account_id] = AccountName(name=name, organisation_id=organisation_id)
        return found

    def _rows(self, ids: Sequence[str]) -> list[tuple[str, str, str | None]]:
        marks = ", ".join("?" for _ in ids)
        rows = self.store.query(
            "SELECT a.account_id, a.organisation_id, n.name FROM identity_account a "
            "LEFT JOIN identity_account_name n ON n.account_id = a.account_id "
            f"WHERE a.account_id IN ({marks})",
            tuple(ids),
        )
        return [(str(r[0]), str(r[1]), None if r[2] is None else str(r[2])) for r in rows]
