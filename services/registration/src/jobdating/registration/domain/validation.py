"""Whole commands checked, pure: the rules of `fields` applied, with wishes, availability and positions.

`validate_*` checks a whole command, collects every refused field and returns it normalised, or raises
`Rejected` with every reason.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, Final, ParamSpec, TypeVar, cast

import msgspec
from msgspec import UNSET, UnsetType

from jobdating.contracts.registration import Availability, Position, Wish
from jobdating.registration.domain.commands import (
    PositionRequest,
    RegisterCandidate,
    RegisterCompany,
    UpdateCandidate,
    UpdateCompany,
)
from jobdating.registration.domain.errors import DomainError, reject_if
from jobdating.registration.domain.fields import (
    MAX_TEXT,
    MAX_WISHES,
    InvalidValue,
    check_accessibility,
    check_contract,
    check_count,
    check_note,
    check_postcode,
    check_sector,
    check_sectors,
    check_siret,
    check_window,
    normalise_phone,
    optional_email,
    optional_text,
    required_text,
)

T = TypeVar("T")
P = ParamSpec("P")


def wish_errors(wishes: Sequence[Wish]) -> tuple[tuple[Wish, ...], list[DomainError]]:
    """Wishes ranked 1..n without gaps, each naming one company or one sector, none twice."""
    errors: list[DomainError] = []
    out: list[Wish] = []
    if len(wishes) > MAX_WISHES:
        errors.append(DomainError("wishes", f"{MAX_WISHES} souhaits au plus"))
    ranks = sorted(w.rank for w in wishes)
    if ranks != list(range(1, len(wishes) + 1)):
        errors.append(
            DomainError(
                "wishes", f"les rangs des souhaits doivent aller de 1 à {len(wishes)}, sans trou ni doublon"
            )
        )
    seen: set[tuple[str, str]] = set()
    for i, wish in enumerate(wishes):
        company = (wish.company_id or "").strip()
        sector_text = (wish.sector or "").strip()
        if bool(company) == bool(sector_text):
            errors.append(
                DomainError(f"wishes[{i}]", "un souhait désigne soit une entreprise, soit un secteur")
            )
            continue
        try:
            target = ("company", company) if company else ("sector", check_sector(sector_text))
        except InvalidValue as exc:
            errors.append(DomainError(f"wishes[{i}].sector", exc.reason))
            continue
        if target in seen:
            errors.append(DomainError(f"wishes[{i}]", "ce souhait figure déjà à un autre rang"))
            continue
        seen.add(target)
        if target[0] == "company":
            out.append(Wish(rank=wish.rank, company_id=company))
        else:
            out.append(Wish(rank=wish.rank, sector=target[1]))
    return tuple(out), errors


def availability_errors(slots: Sequence[Availability]) -> list[DomainError]:
    """Each availability window ends after it starts."""
    errors: list[DomainError] = []
    for i, slot in enumerate(slots):
        try:
            check_window(slot.start, slot.end)
        except InvalidValue as exc:
            errors.append(DomainError(f"availability[{i}].end", exc.reason))
    return errors


def positions_of(requests: Sequence[PositionRequest]) -> tuple[tuple[Position, ...], list[DomainError]]:
    """Positions with a title, a known contract and a count above zero; at least one."""
    errors: list[DomainError] = []
    out: list[Position] = []
    if not requests:
        errors.append(DomainError("positions", "au moins un poste est nécessaire"))
    for i, req in enumerate(requests):
        title = _field(errors, f"positions[{i}].title", required_text, req.title, "l'intitulé", MAX_TEXT)
        contract = _field(errors, f"positions[{i}].contract", check_contract, req.contract)
        count = _field(errors, f"positions[{i}].count", check_count, req.count, "le nombre de postes")
        if title is not None and contract is not None and count is not None:
            out.append(Position(title=title, contract=contract, count=count))
    return tuple(out), errors


def _field(
    errors: list[DomainError], name: str, check: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs
) -> T | None:
    """Run one field rule; a refusal is collected under `name` instead of stopping the others."""
    try:
        return check(*args, **kwargs)
    except InvalidValue as exc:
        errors.append(DomainError(name, exc.reason))
        return None


def _set(errors: list[DomainError], name: str, value: T | UnsetType, check: Callable[[T], object]) -> object:
    """Check a field of an update only when it is set; UNSET stays UNSET."""
    if isinstance(value, UnsetType):
        return UNSET
    return _field(errors, name, check, value)


CANDIDATE_RULES: Final[dict[str, Callable[[Any], object]]] = {
    "first_name": lambda v: required_text(v, "le prénom"),
    "last_name": lambda v: required_text(v, "le nom"),
    "phone": normalise_phone,
    "email": optional_email,
    "address": lambda v: optional_text(v, "l'adresse"),
    "postcode": check_postcode,
    "commune": lambda v: required_text(v, "la commune"),
    "site_id": lambda v: required_text(v, "le site"),
    "counsellor_id": lambda v: required_text(v, "le conseiller"),
    "sectors": check_sectors,
    "accessibility": check_accessibility,
    "note": check_note,
}
"""The rule of each plain field of a candidate, for a registration and an update alike (in the order their
refusals are listed)."""


def _checked(
    errors: list[DomainError], rules: Mapping[str, Callable[[Any], object]], cmd: object
) -> dict[str, object]:
    """The fields of `cmd` that `rules` check, normalised (refusals collected in `errors`); the fields an
    update leaves UNSET are left out."""
    return {
        name: _field(errors, name, rule, value)
        for name, rule in rules.items()
        if (value := getattr(cmd, name)) is not UNSET
    }


def validate_candidate(cmd: RegisterCandidate) -> RegisterCandidate:
    """Check every field of a registration; returns it normalised or raises `Rejected` with every reason."""
    errors: list[DomainError] = []
    changes = _checked(errors, CANDIDATE_RULES, cmd)
    changes["wishes"], wish_problems = wish_errors(cmd.wishes)
    errors += wish_problems
    errors += availability_errors(cmd.availability)
    reject_if(errors)
    return msgspec.structs.replace(cmd, **changes)


def validate_candidate_update(cmd: UpdateCandidate) -> UpdateCandidate:
    """Check the fields an update sets; returns it normalised or raises `Rejected` with every reason."""
    errors: list[DomainError] = []
    changes = _checked(errors, CANDIDATE_RULES, cmd)
    if not isinstance(cmd.wishes, UnsetType):
        changes["wishes"], wish_problems = wish_errors(cmd.wishes)
        errors += wish_problems
    if not isinstance(cmd.availability, UnsetType):
        errors += availability_errors(cmd.availability)
    reject_if(errors)
    return msgspec.structs.replace(cmd, **{k: v for k, v in changes.items() if v is not UNSET})


def validate_company(cmd: RegisterCompany) -> RegisterCompany:
    """Check every field of a company sign-up; returns it normalised or raises `Rejected`."""
    errors: list[DomainError] = []
    name = _field(errors, "name", required_text, cmd.name, "la raison sociale", MAX_TEXT)
    siret = _field(errors, "siret", check_siret, cmd.siret)
    sector = _field(errors, "sector", check_sector, cmd.sector)
    positions, position_problems = positions_of(cmd.positions)
    errors += position_problems
    _field(errors, "parallel_recruiters", check_count, cmd.parallel_recruiters, "le nombre de recruteurs")
    _field(errors, "window_end", check_window, cmd.window_start, cmd.window_end)
    contact_name = _field(errors, "contact_name", required_text, cmd.contact_name, "le nom du contact")
    contact_phone = _field(errors, "contact_phone", _optional_phone, cmd.contact_phone)
    contact_email = _field(errors, "contact_email", optional_email, cmd.contact_email)
    if not (cmd.contact_phone or "").strip() and not (cmd.contact_email or "").strip():
        errors.append(DomainError("contact_phone", "un téléphone ou un e-mail du contact est nécessaire"))
    reject_if(errors)
    return msgspec.structs.replace(
        cmd,
        name=cast(str, name),
        siret=cast(str, siret),
        sector=cast(str, sector),
        positions=tuple(
            PositionRequest(title=p.title, contract=p.contract, count=p.count) for p in positions
        ),
        contact_name=cast(str, contact_name),
        contact_phone=contact_phone,
        contact_email=contact_email,
    )


def validate_company_update(cmd: UpdateCompany) -> UpdateCompany:
    """Check the fields a company update sets (the window once merged is checked by `decide`)."""
    errors: list[DomainError] = []
    changes: dict[str, object] = {
        "name": _set(errors, "name", cmd.name, lambda v: required_text(v, "la raison sociale", MAX_TEXT)),
        "siret": _set(errors, "siret", cmd.siret, check_siret),
        "sector": _set(errors, "sector", cmd.sector, check_sector),
        "parallel_recruiters": _set(
            errors,
            "parallel_recruiters",
            cmd.parallel_recruiters,
            lambda v: check_count(v, "le nombre de recruteurs"),
        ),
        "contact_name": _set(
            errors, "contact_name", cmd.contact_name, lambda v: required_text(v, "le nom du contact")
        ),
        "contact_phone": _set(errors, "contact_phone", cmd.contact_phone, _optional_phone),
        "contact_email": _set(errors, "contact_email", cmd.contact_email, optional_email),
    }
    if not isinstance(cmd.positions, UnsetType):
        positions, position_problems = positions_of(cmd.positions)
        errors += position_problems
        changes["positions"] = tuple(
            PositionRequest(title=p.title, contract=p.contract, count=p.count) for p in positions
        )
    reject_if(errors)
    return msgspec.structs.replace(cmd, **{k: v for k, v in changes.items() if v is not UNSET})


def _optional_phone(raw: str | None) -> str | None:
    if raw is None or not raw.strip():
        return None
    return normalise_phone(raw)
