"""What the routers share: who may call, the request's correlation id, the fields a PATCH sent, and how a
view or a page of views is answered.

A route's docstring is the description its OpenAPI shows, so it is written once, in French, for the
partners who call the API (FastAPI's default); notes for the code's readers are comments."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Annotated, Any

import msgspec
from fastapi import Depends, Request
from pydantic import BaseModel

from jobdating.registration.domain.errors import DomainError, NotFound, Rejected
from jobdating.runtime.auth import Principal, require

READERS = require("coordinator", "counsellor", "viewer")
FOLLOWERS = require("coordinator", "counsellor")
COORDINATORS = require("coordinator")


Reader = Annotated[Principal, Depends(READERS)]
Follower = Annotated[Principal, Depends(FOLLOWERS)]
Coordinator = Annotated[Principal, Depends(COORDINATORS)]


def correlation(request: Request) -> str:
    correlation_id: str = request.state.correlation_id
    return correlation_id


def changes(body: BaseModel, clearable: frozenset[str]) -> dict[str, Any]:
    """The fields a PATCH sent; `null` only where a field may be emptied."""
    changes = body.model_dump(include=body.model_fields_set)
    cleared = [name for name, value in changes.items() if value is None and name not in clearable]
    if cleared:
        raise Rejected([DomainError(name, "ce champ ne peut pas être vidé") for name in sorted(cleared)])
    return changes


def found(view: object | None, field: str, unknown: str) -> Any:
    """A view as the API answers it; none is refused as not found on `field`, saying `unknown`."""
    if view is None:
        raise Rejected([NotFound(field, unknown)])
    return msgspec.to_builtins(view)


def page(items: Iterable[object], total: int) -> dict[str, Any]:
    """A page of views as the API answers it, with the total count of the list it is a page of."""
    return {"total": total, "items": [msgspec.to_builtins(v) for v in items]}
