"""Who is asking, as a route needs it: the caller from the bearer token, the same caller as the service's
permission rules see them (an `Actor`), and the `Meta` stamped on every event the request writes (this
service's organisation, the caller's id, the request's correlation id).

Every route that writes repeated `request: Request, caller: Caller` and then built both from them; one
FastAPI dependency does it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from fastapi import Request

from jobdating.runtime.actors import Actor
from jobdating.runtime.auth import Caller, Principal
from jobdating.runtime.commands import Meta

A = TypeVar("A", bound=Actor)


@dataclass(frozen=True)
class Asking(Generic[A]):
    """The caller of a request, as the rules see them (`actor`), and what their writes are stamped with."""

    caller: Principal
    actor: A
    meta: Meta


def meta_of(request: Request, caller: Principal) -> Meta:
    """Who asks, for which organisation (the service's own, set by `create_app`), in which correlation."""
    org: str = request.app.state.org
    return Meta(org=org, actor_id=caller.actor_id, correlation_id=request.state.correlation_id)


def asking(actor: type[A]) -> Callable[[Request, Principal], Asking[A]]:
    """A FastAPI dependency: who is asking, their roles and organisation as an `actor` (a service's own
    `Actor` type, which may add what its rules ask of a caller)."""

    def dependency(request: Request, caller: Caller) -> Asking[A]:
        return Asking(caller, actor(org=caller.org, roles=frozenset(caller.roles)), meta_of(request, caller))

    return dependency
