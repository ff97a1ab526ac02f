"""What the routers share: who may call, the request's correlation id, the fields a PATCH sent."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request
from pydantic import BaseModel

from jobdating.registration.domain.errors import DomainError, Rejected
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
