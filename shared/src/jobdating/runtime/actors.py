"""The caller as a service's rules see them: an org and roles, with no token and no framework attached, so
that pure domain code (scheduling's, sites') can check permissions on it."""

from __future__ import annotations

import dataclasses


@dataclasses.dataclass(frozen=True, kw_only=True)
class Actor:
    """The caller as the rules see them: their organisation and their roles (a person may hold several;
    `Actor(org=..., role=...)` builds a single-role caller)."""

    org: str
    roles: frozenset[str] = frozenset()
    role: dataclasses.InitVar[str | None] = None

    def __post_init__(self, role: str | None) -> None:
        object.__setattr__(self, "roles", frozenset(self.roles) | ({role} if role is not None else set()))

    def has(self, *roles: str) -> bool:
        """Whether the caller holds any of `roles`."""
        return not self.roles.isdisjoint(roles)


@dataclasses.dataclass(frozen=True)
class RoleGate:
    """The roles a permission rule can ever let through, and what it tells everyone else: the API checks it
    before it reads a request's body; the rule itself (this site's organisation, this company's slot) then
    decides with the facts."""

    roles: tuple[str, ...]
    refusal: str

    def lets(self, actor: Actor) -> bool:
        """Whether `actor` holds one of the roles (the rule may still refuse them)."""
        return actor.has(*self.roles)
