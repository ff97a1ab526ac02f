"""The caller as every service sees it: an org, roles and an opaque actor id (never a name)."""

from __future__ import annotations

import dataclasses
from typing import Literal, get_args

from fastapi import status

# `site_manager` is the site host (reception); `partner_admin` and `coach` come with people's accounts.
Role = Literal["coordinator", "partner_admin", "counsellor", "coach", "site_manager", "recruiter", "viewer"]
ROLES: frozenset[str] = frozenset(get_args(Role))


@dataclasses.dataclass(frozen=True, kw_only=True)
class Principal:
    """Who is calling: their org, their roles, and an opaque actor id for the audit trail.

    `Principal(org=..., role="counsellor", actor_id=...)` builds a single-role caller (machine tokens,
    tests); `roles=` gives several.
    """

    org: str
    actor_id: str
    roles: frozenset[Role] = frozenset()
    role: dataclasses.InitVar[Role | None] = None

    def __post_init__(self, role: Role | None) -> None:
        roles = frozenset(self.roles) | ({role} if role is not None else set())
        object.__setattr__(self, "roles", roles)

    def has(self, *roles: str) -> bool:
        """Whether the caller holds any of `roles`."""
        return not self.roles.isdisjoint(roles)


class Unauthenticated(Exception):
    """A bearer token that names nobody (unknown, forged, expired, revoked): its French reason, for a 401."""

    status_code = status.HTTP_401_UNAUTHORIZED

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class IdentityUnavailable(Unauthenticated):
    """An access token that cannot be checked now (identity's lists out of reach for too long): a 503."""

    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
