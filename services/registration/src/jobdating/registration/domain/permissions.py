"""Who may see or change what, beyond the role checks at the HTTP edge.

Personal data of a candidate is for the people following them: the coordinators and counsellors of their
referring organisation. Everyone else who may read (other organisations, viewers) gets the anonymous
profile only, which is what the schedule and the statistics need.
"""

from __future__ import annotations

from typing import Protocol

FOLLOWING_ROLES = frozenset({"coordinator", "counsellor"})


class Caller(Protocol):
    """The caller as the rules see them (the edge's authenticated principal fits): organisation and roles."""

    @property
    def org(self) -> str: ...

    def has(self, *roles: str) -> bool:
        """Whether the caller holds any of `roles`."""
        ...


def may_see_personal(principal: Caller, owner_org: str) -> bool:
    """Names and contacts: only the owning organisation's coordinators and counsellors."""
    return principal.org == owner_org and principal.has(*FOLLOWING_ROLES)


def may_change_candidate(principal: Caller, referring_org: str) -> bool:
    """Updates and withdrawals: the referring organisation's coordinators and counsellors."""
    return principal.org == referring_org and principal.has(*FOLLOWING_ROLES)


def may_erase_candidate(principal: Caller, referring_org: str) -> bool:
    """Erasure: any coordinator (they answer GDPR requests), or a counsellor of the referring organisation."""
    return principal.has("coordinator") or (principal.has("counsellor") and principal.org == referring_org)


def may_change_company(principal: Caller, registering_org: str) -> bool:
    """Company updates and withdrawals: the registering organisation's coordinators."""
    return principal.has("coordinator") and principal.org == registering_org
