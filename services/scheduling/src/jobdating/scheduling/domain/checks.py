"""Small field checks shared by the decisions; reasons in plain French."""

from __future__ import annotations

from datetime import datetime

from jobdating.runtime.text import required_problem, subject_id
from jobdating.scheduling.domain.errors import Problem


def identifier(field: str, value: str) -> list[Problem]:
    """An id that can travel in a NATS subject (letters, digits, - and _)."""
    if subject_id(value):
        return []
    return [Problem(field, "identifiant invalide : lettres, chiffres, - et _ seulement (64 au plus)")]


def text(field: str, value: str, what: str, longest: int = 120) -> list[Problem]:
    """A required text of reasonable length."""
    said = required_problem(value, longest, f"indiquez {what}", f"{longest} caractères au plus")
    return [] if said is None else [Problem(field, said)]


def aware(field: str, value: datetime | None) -> list[Problem]:
    """A date and time with its time zone (or offset)."""
    if value is not None and value.tzinfo is None:
        return [Problem(field, "précisez le fuseau horaire (par exemple 2026-12-03T09:30+01:00)")]
    return []


def between(field: str, value: int, low: int, high: int, unit: str) -> list[Problem]:
    """An integer in [low, high]."""
    if low <= value <= high:
        return []
    return [Problem(field, f"entre {low} et {high} {unit}")]
