"""Bearer tokens mapped to an org, a role and an actor id (never a name).

Tokens come from a JSON file (`{"<token>": {"org": "...", "role": "...", "actor_id": "..."}}`) whose
path is in the service's settings; in production each partner keeps its own file.
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Annotated, Literal

import msgspec
from fastapi import Depends, HTTPException, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

Role = Literal["coordinator", "counsellor", "site_manager", "recruiter", "viewer"]


class Principal(msgspec.Struct, frozen=True, kw_only=True):
    """Who is calling: their org, their role, and an opaque actor id for the audit trail."""

    org: str
    role: Role
    actor_id: str


class TokenTable:
    """Looks tokens up in constant time per comparison, so timing leaks nothing about valid tokens."""

    def __init__(self, tokens: Mapping[str, Principal]) -> None:
        self._tokens = dict(tokens)

    @classmethod
    def from_file(cls, path: str | Path) -> TokenTable:
        raw = json.loads(Path(path).read_text())
        return cls({tok: msgspec.convert(p, Principal) for tok, p in raw.items()})

    def lookup(self, token: str) -> Principal | None:
        found = None
        for known, principal in self._tokens.items():
            if hmac.compare_digest(known.encode(), token.encode()):
                found = principal
        return found


_bearer = HTTPBearer(auto_error=False)


def _refused(reason: str) -> list[dict[str, str]]:
    # The shape of every refusal (`jobdating.runtime.http`), naming the header at fault.
    return [{"field": "Authorization", "reason": reason}]


def current_principal(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    """FastAPI dependency: the caller, or 401."""
    table: TokenTable = request.app.state.tokens
    if credentials is None:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            detail=_refused("jeton d'accès manquant (en-tête Authorization: Bearer ...)"),
            headers={"WWW-Authenticate": "Bearer"},
        )
    principal = table.lookup(credentials.credentials)
    if principal is None:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            detail=_refused("jeton d'accès inconnu"),
            headers={"WWW-Authenticate": "Bearer"},
        )
    return principal


def require(*roles: Role) -> Callable[[Principal], Principal]:
    """FastAPI dependency factory: the caller must have one of `roles`, or 403."""
    allowed: Iterable[str] = roles

    def check(principal: Annotated[Principal, Depends(current_principal)]) -> Principal:
        if principal.role not in allowed:
            raise HTTPException(
                status.HTTP_403_FORBIDDEN,
                detail=_refused(f"rôle {principal.role!r} non autorisé pour cette action"),
            )
        return principal

    return check


Caller = Annotated[Principal, Depends(current_principal)]
