"""The rows of candidates and companies as their events change them.

Personal columns are opened with the person's key (or taken from what the command just sealed), and the
phone, e-mail, SIRET and import-key look-ups are held or dropped with their holder (`lookup_holds`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

import msgspec

from jobdating.contracts.registration import (
    CandidateProfile,
    CandidateRegistered,
    CandidateUpdated,
    CompanyProfile,
    CompanyRegistered,
    CompanyUpdated,
    InClearBefore,
)
from jobdating.contracts.sealed import Sealed
from jobdating.eventstore.base import Transaction
from jobdating.registration.adapters.lookup_holds import (
    Hold,
    check_holder,
    drop_candidate_lookups,
    hold,
    hold_all,
    hold_candidate_lookups,
)
from jobdating.registration.application.lookups import LOOKUPS
from jobdating.registration.application.ports import NOTHING_JUST_SEALED, Keys
from jobdating.registration.application.queries import REGISTERED
from jobdating.registration.application.rows import Db
from jobdating.registration.domain.fields import search_key
from jobdating.registration.domain.personal import CandidatePersonal, CompanyContact

P = TypeVar("P", CandidatePersonal, CompanyContact)

_personal = msgspec.json.Decoder(CandidatePersonal)
_contact = msgspec.json.Decoder(CompanyContact)
_json = msgspec.json.Encoder()


def open_personal(
    db: Db, keyring: Keys, sealed: Sealed, just_sealed: Mapping[Sealed, bytes] = NOTHING_JUST_SEALED
) -> CandidatePersonal | None:
    """A candidate's personal fields, or None when their key is gone."""
    return _opened(_personal, db, keyring, sealed, just_sealed)


def open_contact(
    db: Db, keyring: Keys, sealed: Sealed, just_sealed: Mapping[Sealed, bytes] = NOTHING_JUST_SEALED
) -> CompanyContact | None:
    """A company contact, or None when its key is gone."""
    return _opened(_contact, db, keyring, sealed, just_sealed)


def _opened(
    decoder: msgspec.json.Decoder[P],
    db: Db,
    keyring: Keys,
    sealed: Sealed,
    just_sealed: Mapping[Sealed, bytes],
) -> P | None:
    plaintext = just_sealed.get(sealed) or keyring.open(db, sealed)
    return None if plaintext is None else decoder.decode(plaintext)


def profile_json(profile: CandidateProfile | CompanyProfile) -> str:
    """How a profile is stored in its row."""
    return _json.encode(profile).decode()


@dataclass(frozen=True)
class Recording:
    """What every row write of one event needs beside the event: the keyring that opens its sealed fields
    (unless the command just sealed them: `just_sealed` holds their plaintext), and the stream version and
    time the row then carries."""

    keyring: Keys
    version: int
    at: str
    just_sealed: Mapping[Sealed, bytes]


def _sealed_place(person: CandidatePersonal | None, legacy: InClearBefore | None) -> tuple[str, str, str]:
    """The counsellor, postcode and commune: sealed since `CandidateRegistered` v3, in clear (`legacy`)
    before; empty once the key is gone (an erased candidate rebuilt from the log)."""
    return (
        (person and person.counsellor_id) or (legacy and legacy.counsellor_id) or "",
        (person and person.postcode) or (legacy and legacy.postcode) or "",
        (person and person.commune) or (legacy and legacy.commune) or "",
    )


_INSERT_CANDIDATE = (
    "INSERT INTO candidates (candidate_id, version, referring_org, counsellor_id, site_id, postcode, "
    "commune, profile, status, withdrawal_reason, erased, first_name, last_name, phone, email, address, "
    "registered_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, 0, ?, ?, ?, ?, ?, ?, ?)"
)


def candidate_registered(tx: Transaction, e: CandidateRegistered, r: Recording) -> None:
    row, holds = _registered(tx, e, r)
    if tx.dialect.name == "postgresql":
        _insert_holding(tx, row, holds)
        return
    tx.execute(_INSERT_CANDIDATE, row)
    for table, value, owner in holds:
        hold(tx, table, value, owner)


def _insert_holding(tx: Transaction, row: tuple[object, ...], holds: Sequence[Hold]) -> None:
    """PostgreSQL: the candidates row and its look-ups in one statement (CTEs that write always run, each
    once), each look-up's insert counted, then checked as `hold` does. On PostgreSQL each statement is a
    round trip and client CPU in psycopg: this takes a registration from 8 statements to 6, and its key
    row with it, one more."""
    ctes = [f"candidate AS ({_INSERT_CANDIDATE})"]
    params: list[object] = list(row)
    counts: list[str] = []
    for n, (table, value, owner) in enumerate(holds):
        column, owner_column = LOOKUPS[table]
        ctes.append(
            f"held{n} AS (INSERT INTO {table} ({column}, {owner_column}) VALUES (?, ?) "
            f"ON CONFLICT ({column}) DO NOTHING RETURNING 1)"
        )
        params += [value, owner]
        counts.append(f"(SELECT count(*) FROM held{n})")
    # The key a registration just deferred (`Keyring.save`) goes with it: this statement reads no key.
    statement = f"WITH {', '.join(ctes)} SELECT {', '.join(counts) or '0'}"
    inserted = tx.execute_with_deferred(statement, params).fetchone()
    for (table, value, owner), count in zip(holds, inserted, strict=False):
        if count == 0:
            check_holder(tx, table, value, owner)


def candidates_registered(
    tx: Transaction, registered: Sequence[tuple[CandidateRegistered, Recording]]
) -> None:
    """Many registrations at once (an import batch): one statement per table for all the rows, and one
    look-up check per table, instead of four or five statements per candidate. On PostgreSQL each
    statement is a round trip to the server, which made an import several times slower than on SQLite."""
    built = [_registered(tx, e, r) for e, r in registered]
    tx.executemany(_INSERT_CANDIDATE, [row for row, _ in built])
    by_table: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for _, holds in built:
        for table, value, owner in holds:
            by_table[table].append((value, owner))
    for table, pairs in by_table.items():
        hold_all(tx, table, pairs)


def _registered(
    tx: Transaction, e: CandidateRegistered, r: Recording
) -> tuple[tuple[object, ...], list[Hold]]:
    """The candidates row of a registration, and the look-ups it holds."""
    p = e.profile
    person = open_personal(tx, r.keyring, e.personal, r.just_sealed)
    counsellor_id, postcode, commune = _sealed_place(person, e.legacy)
    row = (
        e.candidate_id,
        r.version,
        p.referring_org,
        counsellor_id,
        p.site_id,
        postcode,
        commune,
        profile_json(p),
        REGISTERED,
        *_personal_columns(person),
        r.at,
        r.at,
    )
    holds: list[Hold] = []
    if person is not None:
        holds.append(("candidate_phones", person.phone, e.candidate_id))
        if person.email is not None:
            holds.append(("candidate_emails", person.email, e.candidate_id))
    if e.import_key is not None:
        holds.append(("import_keys", e.import_key, e.candidate_id))
    return row, holds


def candidate_updated(tx: Transaction, e: CandidateUpdated, r: Recording) -> None:
    if e.profile is not None:
        p = e.profile
        tx.execute(
            "UPDATE candidates SET site_id = ?, profile = ? WHERE candidate_id = ?",
            (p.site_id, profile_json(p), e.candidate_id),
        )
    if e.legacy is not None:
        tx.execute(
            "UPDATE candidates SET counsellor_id = ?, postcode = ?, commune = ? WHERE candidate_id = ?",
            (e.legacy.counsellor_id, e.legacy.postcode, e.legacy.commune, e.candidate_id),
        )
    if e.personal is not None:
        r.keyring.protect(tx)
        person = open_personal(tx, r.keyring, e.personal, r.just_sealed)
        drop_candidate_lookups(tx, e.candidate_id)
        tx.execute(
            "UPDATE candidates SET first_name = ?, last_name = ?, phone = ?, email = ?, address = ? "
            "WHERE candidate_id = ?",
            (*_personal_columns(person), e.candidate_id),
        )
        # Sealed since v3; a payload sealed before has them None: those of the registration stay.
        tx.execute(
            "UPDATE candidates SET counsellor_id = COALESCE(?, counsellor_id), "
            "postcode = COALESCE(?, postcode), commune = COALESCE(?, commune) WHERE candidate_id = ?",
            (
                person and person.counsellor_id,
                person and person.postcode,
                person and person.commune,
                e.candidate_id,
            ),
        )
        if person is not None:
            hold_candidate_lookups(tx, e.candidate_id, person)
    tx.execute(
        "UPDATE candidates SET version = ?, updated_at = ? WHERE candidate_id = ?",
        (r.version, r.at, e.candidate_id),
    )


def company_registered(tx: Transaction, e: CompanyRegistered, r: Recording) -> None:
    p = e.profile
    contact = open_contact(tx, r.keyring, e.contact, r.just_sealed)
    tx.execute(
        "INSERT INTO companies (company_id, version, registering_org, name, name_key, siret, sector, "
        "profile, status, withdrawal_reason, contact_name, contact_phone, contact_email, registered_at, "
        "updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?, ?, ?, ?)",
        (
            e.company_id,
            r.version,
            e.registering_org,
            p.name,
            search_key(p.name),
            p.siret,
            p.sector,
            profile_json(p),
            REGISTERED,
            *_contact_columns(contact),
            r.at,
            r.at,
        ),
    )
    hold(tx, "company_sirets", p.siret, e.company_id)
    if e.import_key is not None:
        hold(tx, "import_keys", e.import_key, e.company_id)


def company_updated(tx: Transaction, e: CompanyUpdated, r: Recording) -> None:
    if e.profile is not None:
        p = e.profile
        tx.execute("DELETE FROM company_sirets WHERE company_id = ?", (e.company_id,))
        hold(tx, "company_sirets", p.siret, e.company_id)
        tx.execute(
            "UPDATE companies SET name = ?, name_key = ?, siret = ?, sector = ?, profile = ? "
            "WHERE company_id = ?",
            (p.name, search_key(p.name), p.siret, p.sector, profile_json(p), e.company_id),
        )
    if e.contact is not None:
        r.keyring.protect(tx)
        contact = open_contact(tx, r.keyring, e.contact, r.just_sealed)
        tx.execute(
            "UPDATE companies SET contact_name = ?, contact_phone = ?, contact_email = ? "
            "WHERE company_id = ?",
            (*_contact_columns(contact), e.company_id),
        )
    tx.execute(
        "UPDATE companies SET version = ?, updated_at = ? WHERE company_id = ?",
        (r.version, r.at, e.company_id),
    )


def _personal_columns(person: CandidatePersonal | None) -> tuple[str | None, ...]:
    if person is None:
        return (None, None, None, None, None)
    return (person.first_name, person.last_name, person.phone, person.email, person.address)


def _contact_columns(contact: CompanyContact | None) -> tuple[str | None, ...]:
    if contact is None:
        return (None, None, None)
    return (contact.name, contact.phone, contact.email)
