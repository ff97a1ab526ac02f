"""Names a command-line tool asks a service for with the caller's own access token (identity's account names,
registration's candidate names): what the service answered, and notes in French for the reader about what it
did not. Whatever is not answered stays an id, never a guessed name."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Generic, NamedTuple, TypeVar

import httpx

T = TypeVar("T")
TIMEOUT = 10.0  # seconds, for each request to the service


@dataclass
class AskedNames(Generic[T]):
    """The names a service gave, by id, and notes (French) about the rest."""

    names: dict[str, T] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


class Asking(NamedTuple):
    """Where to ask and with which token."""

    url: str
    token: str


def asking(token: str | None, url: str | None, service: str, url_option: str, ids_only: str) -> Asking | str:
    """Where and how to ask, or why nothing can be asked (no token, or no address of `service`) as a note."""
    if not token:
        return f"pas de jeton d'accès (--token ou JOBDATING_TOKEN) : {ids_only}"
    if not url:
        return f"adresse du {service} inconnue ({url_option}) : {ids_only}"
    return Asking(url, token)


def refusal_reason(response: httpx.Response) -> str:
    """The first reason of a refusal, as every service words them (`{detail: [{field, reason}]}`); the
    HTTP status when the body says nothing readable."""
    try:
        body: Any = response.json()
        return str(body["detail"][0]["reason"])
    except (ValueError, KeyError, IndexError, TypeError):
        return response.reason_phrase or str(response.status_code)
