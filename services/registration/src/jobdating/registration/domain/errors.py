"""Why a command is refused: the field at fault and a reason in plain French for the person who typed it."""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar, Final, Literal

Kind = Literal["invalid", "conflict", "not_found", "not_allowed"]


class DomainError(Exception):
    """One refused field: `field` names it as the caller sent it, `reason` says what to do, in French."""

    kind: ClassVar[Kind] = "invalid"

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason

    def __eq__(self, other: object) -> bool:
        return isinstance(other, DomainError) and (self.kind, self.field, self.reason) == (
            other.kind,
            other.field,
            other.reason,
        )

    def __hash__(self) -> int:
        return hash((self.kind, self.field, self.reason))

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.field!r}, {self.reason!r})"


class Conflict(DomainError):
    """The command clashes with what is already recorded (a duplicate, a candidate already withdrawn)."""

    kind: ClassVar[Kind] = "conflict"


class NotFound(DomainError):
    """The command names a candidate or a company that was never registered."""

    kind: ClassVar[Kind] = "not_found"


class NotAllowed(DomainError):
    """The caller's organisation or role may not do this to this record."""

    kind: ClassVar[Kind] = "not_allowed"


# The most specific refusal decides the answer: no point fixing fields of a record you may not touch.
_PRECEDENCE: dict[Kind, int] = {"not_found": 0, "not_allowed": 1, "conflict": 2, "invalid": 3}


class Rejected(Exception):
    """A command refused for one or more reasons; nothing of it was recorded."""

    def __init__(self, errors: Iterable[DomainError]) -> None:
        self.errors = tuple(errors)
        if not self.errors:
            raise ValueError("a rejection needs at least one reason")
        super().__init__("; ".join(str(e) for e in self.errors))

    @property
    def kind(self) -> Kind:
        """The kind that decides how the refusal is reported (not found before conflict before invalid)."""
        return min((e.kind for e in self.errors), key=_PRECEDENCE.__getitem__)


def reject_if(errors: list[DomainError]) -> None:
    """Raise `Rejected` when any reason was collected."""
    if errors:
        raise Rejected(errors)


# The reason does not name the other record: it may be followed by another organisation.
DUPLICATE_REASONS: Final = {
    "phone": "un candidat est déjà inscrit avec ce numéro de téléphone",
    "email": "un candidat est déjà inscrit avec cette adresse e-mail",
    "siret": "une entreprise est déjà inscrite avec ce SIRET",
    "import_key": "cette ligne a déjà été importée",
}


def duplicate(field: str) -> Conflict:
    """The refusal of a phone, e-mail, SIRET or import key another record holds: found by the facts before
    the decision, or by the store's unique key when a concurrent command won the race."""
    return Conflict(field, DUPLICATE_REASONS[field])
