"""Who may see or change what, beyond the role checks at the HTTP edge.

Personal data of a candidate is for the people following them: the coordinators and counsellors of their
referring organisation. Everyone else who may read (other organisations, viewers) gets the anonymous
profile only, which is what the schedule and the statistics need.
"""

from __future__ import annotations

from jobdating.runtime.auth import Principal

FOLLOWING_ROLES = frozenset({"coordinator", "counsellor"})


def may_see_personal(principal: Principal, owner_org: str) -> bool:
    """Names and contacts: only the owning organisation's coordinators and counsellors."""
    return principal.org == owner_org and principal.role in FOLLOWING_ROLES


def may_change_candidate(principal: Principal, referring_org: str) -> bool:
    """Updates and withdrawals: the referring organisation's coordinators and counsellors."""
    return principal.org == referring_org and principal.role in FOLLOWING_ROLES


def may_erase_candidate(principal: Principal, referring_org: str) -> bool:
    """Erasure: any coordinator (they answer GDPR requests), or a counsellor of the referring organisation."""
    return principal.role == "coordinator" or (
        principal.role == "counsellor" and principal.org == referring_org
    )


def may_change_company(principal: Principal, registering_org: str) -> bool:
    """Company updates and withdrawals: the registering organisation's coordinators."""
    return principal.role == "coordinator" and principal.org == registering_org
