"""The look-ups a candidate or a company holds (its phone, e-mail, SIRET, import key): each value held
by one holder only, taken with the holder's row, checked when already there, dropped with it."""

from __future__ import annotations

from collections.abc import Sequence

from jobdating.eventstore.base import Transaction
from jobdating.registration.application.lookups import LOOKUPS
from jobdating.registration.application.ports import DuplicateKey
from jobdating.registration.domain.personal import CandidatePersonal

Hold = tuple[str, str, str]
"""A look-up a row holds: (table, value, holder)."""


def hold_candidate_lookups(tx: Transaction, candidate_id: str, person: CandidatePersonal) -> None:
    hold(tx, "candidate_phones", person.phone, candidate_id)
    if person.email is not None:
        hold(tx, "candidate_emails", person.email, candidate_id)


def drop_candidate_lookups(tx: Transaction, candidate_id: str) -> None:
    row = tx.execute("SELECT phone, email FROM candidates WHERE candidate_id = ?", (candidate_id,)).fetchone()
    if row is None:
        return
    phone, email = row
    if phone is not None:
        tx.execute("DELETE FROM candidate_phones WHERE phone = ? AND candidate_id = ?", (phone, candidate_id))
    if email is not None:
        tx.execute("DELETE FROM candidate_emails WHERE email = ? AND candidate_id = ?", (email, candidate_id))


def hold(tx: Transaction, table: str, value: str, owner: str) -> None:
    column, owner_column = LOOKUPS[table]
    # ON CONFLICT DO NOTHING rather than a caught error: PostgreSQL aborts a transaction on any error.
    cur = tx.execute(
        f"INSERT INTO {table} ({column}, {owner_column}) VALUES (?, ?) ON CONFLICT ({column}) DO NOTHING",
        (value, owner),
    )
    if cur.rowcount == 0:
        check_holder(tx, table, value, owner)


def check_holder(tx: Transaction, table: str, value: str, owner: str) -> None:
    """A look-up value already held: fine when by `owner` itself, a `DuplicateKey` otherwise."""
    column, owner_column = LOOKUPS[table]
    held = tx.execute(f"SELECT {owner_column} FROM {table} WHERE {column} = ?", (value,)).fetchone()
    if held is None or held[0] != owner:
        raise DuplicateKey(column)


_CHECKED_AT_ONCE = 500  # values per look-up check: well under SQLite's 32,766 bound parameters


def hold_all(tx: Transaction, table: str, pairs: Sequence[tuple[str, str]]) -> None:
    """`hold` for many values: insert them all, then check in a few queries that each is held by its own
    holder (a value already held by someone else, or twice in the batch, raises DuplicateKey)."""
    column, owner_column = LOOKUPS[table]
    tx.executemany(
        f"INSERT INTO {table} ({column}, {owner_column}) VALUES (?, ?) ON CONFLICT ({column}) DO NOTHING",
        pairs,
    )
    wanted = dict(pairs)
    if len(wanted) != len(pairs):
        raise DuplicateKey(column)
    values = list(wanted)
    for start in range(0, len(values), _CHECKED_AT_ONCE):
        chunk = values[start : start + _CHECKED_AT_ONCE]
        marks = ", ".join("?" * len(chunk))
        held = tx.execute(
            f"SELECT {column}, {owner_column} FROM {table} WHERE {column} IN ({marks})", chunk
        ).fetchall()
        if len(held) != len(chunk) or any(wanted[value] != owner for value, owner in held):
            raise DuplicateKey(column)
