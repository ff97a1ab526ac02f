"""Who is calling identity's API: a person with an access token identity signed, or a machine token.

Identity verifies its own tokens directly with its key ring (and its read model for disabled accounts);
machine tokens (`tokens_file`, shared by every service) let scripts and the operators' first invitation in.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from jobdating.identity.adapters.keys import InvalidToken, KeyRing
from jobdating.identity.application.queries import IdentityQueries
from jobdating.identity.domain.permissions import Actor
from jobdating.runtime.actors import RoleGate
from jobdating.runtime.auth import TokenTable

_bearer = HTTPBearer(auto_error=False)


def _unauthorized(reason: str) -> HTTPException:
    return HTTPException(
        status.HTTP_401_UNAUTHORIZED,
        detail=[{"field": "Authorization", "reason": reason}],
        headers={"WWW-Authenticate": "Bearer"},
    )


class Callers:
    """Resolves a bearer token to an `Actor`, or answers 401."""

    def __init__(self, keys: KeyRing, queries: IdentityQueries, machines: TokenTable) -> None:
        self.keys = keys
        self.queries = queries
        self.machines = machines

    def resolve(self, token: str) -> Actor:
        machine = self.machines.lookup(token)
        if machine is not None:
            return Actor(account_id=machine.actor_id, org=machine.org, roles=tuple(sorted(machine.roles)))
        try:
            claims = self.keys.verify(token)
        except InvalidToken:
            raise _unauthorized("jeton d'accès invalide ou expiré : reconnectez-vous") from None
        if self.queries.is_disabled(str(claims["sub"])):
            raise _unauthorized("ce compte est désactivé")
        return Actor(
            account_id=str(claims["sub"]),
            org=str(claims["org"]),
            roles=tuple(str(r) for r in claims["roles"]),
        )


def current_actor(
    request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
) -> Actor:
    """FastAPI dependency: the caller, or 401."""
    if credentials is None:
        raise _unauthorized("jeton d'accès manquant (en-tête Authorization: Bearer ...)")
    callers: Callers = request.app.state.callers
    return callers.resolve(credentials.credentials)


Caller = Annotated[Actor, Depends(current_actor)]


def only(gate: RoleGate) -> list[Any]:
    """A route's `dependencies`: the caller must hold one of the gate's roles, or 403 with its refusal,
    before the body is read (see `jobdating.runtime.auth.only`, the same for the other services)."""

    def check(actor: Caller) -> Actor:
        if not any(actor.has(role) for role in gate.roles):
            raise HTTPException(
                status.HTTP_403_FORBIDDEN, detail=[{"field": "Authorization", "reason": gate.refusal}]
            )
        return actor

    return [Depends(check)]
