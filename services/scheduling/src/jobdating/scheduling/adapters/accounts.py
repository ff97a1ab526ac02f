"""The accounts scheduling keeps from identity's events: who may coach a workshop or counsel a candidate.

Only ids, organisations, roles and whether the account is disabled: identity keeps names and addresses.
An account's events are applied in order: an older one is a redelivery (skipped), one that comes before the
event it follows makes the consumer wait (`NotYet`).
"""

from __future__ import annotations

import msgspec

from jobdating.bus.consumer import NotYet
from jobdating.contracts import identity
from jobdating.contracts.envelope import RecordedEvent
from jobdating.eventstore.base import Transaction

_FOLLOWING = (
    identity.AccountActivated,
    identity.RoleGranted,
    identity.RoleRevoked,
    identity.AccountDisabled,
)
_json = msgspec.json.Encoder()
_roles = msgspec.json.Decoder(list[str])


def apply_account(tx: Transaction, event: RecordedEvent) -> bool:
    """Apply an identity event to the accounts; returns whether it changed anything."""
    data = event.data
    version = event.envelope.stream_version
    if isinstance(data, identity.AccountInvited):
        if tx.execute("SELECT 1 FROM sched_account WHERE account_id = ?", (data.account_id,)).fetchone():
            return False
        tx.execute(
            "INSERT INTO sched_account (account_id, org, roles, disabled, version) VALUES (?, ?, ?, 0, ?)",
            (data.account_id, data.organisation_id, _json.encode(sorted(data.roles)).decode(), version),
        )
        return True
    if not isinstance(data, _FOLLOWING):
        return False
    row = tx.execute(
        "SELECT roles, version FROM sched_account WHERE account_id = ?", (data.account_id,)
    ).fetchone()
    if row is None or version > int(row[1]) + 1:
        raise NotYet(f"sched_account {data.account_id} v{version}")
    if version <= int(row[1]):
        return False
    roles = set(_roles.decode(row[0]))
    disabled = 0
    match data:
        case identity.RoleGranted():
            roles.add(data.role)
        case identity.RoleRevoked():
            roles.discard(data.role)
        case identity.AccountDisabled():
            disabled = 1
    tx.execute(
        # No event enables an account again: once disabled, it stays so (CASE: PostgreSQL has no 2-arg MAX).
        "UPDATE sched_account SET roles = ?, disabled = CASE WHEN ? = 1 THEN 1 ELSE disabled END, "
        "version = ? WHERE account_id = ?",
        (_json.encode(sorted(roles)).decode(), disabled, version, data.account_id),
    )
    return True
