"""Who calls: a principal (an org, roles and an actor id, never a name), from a bearer token.

Two kinds of bearer token are accepted:
- machine tokens (scripts, imports, the demo) from a JSON file, see `jobdating.runtime.machine_tokens`;
- people's short-lived access tokens signed by the identity service, verified offline, see
  `jobdating.runtime.access_tokens` (only where the service's settings name an identity service).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from jobdating.runtime.access_tokens import AccessTokenVerifier
from jobdating.runtime.actors import RoleGate
from jobdating.runtime.machine_tokens import MachineTokens
from jobdating.runtime.principals import ROLES, Principal, Role, Unauthenticated

__all__ = ["ROLES", "Caller", "Principal", "Role", "TokenTable", "current_principal", "only", "require"]


class TokenTable:
    """The authenticator of a service: machine tokens, then (when configured) identity's access tokens.

    `TokenTable({"<token>": Principal(...)})` is a fixed table of machine tokens (tests);
    `TokenTable.from_file(path)` reads (and re-reads when it changes) a tokens file.
    """

    def __init__(
        self,
        tokens: Mapping[str, Principal] | MachineTokens,
        access_tokens: AccessTokenVerifier | None = None,
    ) -> None:
        self.machine = tokens if isinstance(tokens, MachineTokens) else MachineTokens(tokens)
        self.access_tokens = access_tokens

    @classmethod
    def from_file(cls, path: str | Path, access_tokens: AccessTokenVerifier | None = None) -> TokenTable:
        return cls(MachineTokens.from_file(path), access_tokens)

    def lookup(self, token: str) -> Principal | None:
        """The caller named by a machine token, or None."""
        return self.machine.lookup(token)

    def authenticate(self, token: str) -> Principal:
        """The caller named by `token`, or `Unauthenticated` with the reason."""
        principal = self.machine.lookup(token)
        if principal is not None:
            return principal
        # A JWT has two dots; a machine token (any string in a file) is looked up first, so that a file's
        # token shaped like a JWT still works.
        if self.access_tokens is not None and token.count(".") == 2:
            return self.access_tokens.verify(token)
        raise Unauthenticated("jeton d'accès inconnu")


_bearer = HTTPBearer(auto_error=False)


def _refused(reason: str) -> list[dict[str, str]]:
    # The shape of every refusal (`jobdating.runtime.http`), naming the header at fault.
    return [{"field": "Authorization", "reason": reason}]


def current_principal(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    """FastAPI dependency: the caller, or 401.

    A plain function: FastAPI runs it in its thread pool, where refreshing identity's lists (a blocking
    HTTP call, rare) does not hold up the event loop.
    """
    table: TokenTable = request.app.state.tokens
    if credentials is None:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            detail=_refused("jeton d'accès manquant (en-tête Authorization: Bearer ...)"),
            headers={"WWW-Authenticate": "Bearer"},
        )
    try:
        return table.authenticate(credentials.credentials)
    except Unauthenticated as refused:
        raise HTTPException(
            refused.status_code,
            detail=_refused(refused.reason),
            headers={"WWW-Authenticate": "Bearer"},
        ) from None


def require(*roles: Role) -> Callable[[Principal], Principal]:
    """FastAPI dependency factory: the caller must have one of `roles`, or 403."""
    allowed: Iterable[str] = roles

    def check(principal: Annotated[Principal, Depends(current_principal)]) -> Principal:
        if not principal.has(*allowed):
            held = ", ".join(repr(r) for r in sorted(principal.roles)) or "aucun"
            raise HTTPException(
                status.HTTP_403_FORBIDDEN,
                detail=_refused(f"rôle {held} non autorisé pour cette action"),
            )
        return principal

    return check


def only(gate: RoleGate) -> list[Any]:
    """A route's `dependencies`: the caller must hold one of the gate's roles, or 403 with its refusal.

    FastAPI runs a route's dependencies before it validates the body, so someone who may never do this is
    told so, not which field their body lacks. The domain's rule still decides the rest.
    """
    unknown = set(gate.roles) - ROLES
    if unknown:  # a misspelt role would lock everyone out of the route
        raise ValueError(f"unknown roles: {sorted(unknown)}")

    def check(principal: Annotated[Principal, Depends(current_principal)]) -> Principal:
        if not principal.has(*gate.roles):
            raise HTTPException(status.HTTP_403_FORBIDDEN, detail=_refused(gate.refusal))
        return principal

    return [Depends(check)]


Caller = Annotated[Principal, Depends(current_principal)]
