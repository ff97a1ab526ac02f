"""Who may see or change what, beyond the role checks at the HTTP edge.

Personal data of a candidate (names, phone, e-mail, address) is for the people following them:

- the coordinators of their referring organisation;
- their own counsellor: the counsellor of the referring organisation whose account id is the candidate's
  `counsellor_id`. Another counsellor of the same organisation gets the anonymous profile only;
- the host of the site they chose (`site_manager` of the site's hosting organisation) sees their names,
  nothing else, for the day they are expected there (`expected`);
- a coordinator of another organisation may open their contact for one of `CONTACT_PURPOSES` (the HTTP
  edge lets only coordinators ask), and each opening is recorded (`CandidateContactOpened`) for the
  referring organisation to see (`may_read_openings`).

Everyone else who may read (viewers, other organisations) gets the anonymous profile only, which is what the
schedule and the statistics need. A company's contact person stays with the registering organisation's
coordinators and counsellors: a work contact, not a person followed by anyone.
"""

from __future__ import annotations

from typing import Final, Protocol

from jobdating.contracts.registration import ContactPurpose

FOLLOWING_ROLES = frozenset({"coordinator", "counsellor"})

CONTACT_PURPOSES: Final[dict[ContactPurpose, str]] = {
    "convocation_failed": "la convocation n'a pas pu être envoyée",
    "day_of_change": "changement le jour même",
    "duplicate_check": "vérification de doublon",
}
"""Why another organisation's coordinator may open a candidate's contact, and what it means in French."""


class Caller(Protocol):
    """The caller as the rules see them (the edge's authenticated principal fits): organisation, roles and
    their opaque account id."""

    @property
    def org(self) -> str: ...

    @property
    def actor_id(self) -> str: ...

    def has(self, *roles: str) -> bool:
        """Whether the caller holds any of `roles`."""
        ...


def may_see_personal(principal: Caller, referring_org: str, counsellor_id: str) -> bool:
    """Names and contacts: the referring organisation's coordinators, and the candidate's own counsellor."""
    if principal.org != referring_org:
        return False
    if principal.has("coordinator"):
        return True
    return principal.has("counsellor") and principal.actor_id == counsellor_id


def may_see_company_contact(principal: Caller, registering_org: str) -> bool:
    """A company's contact person: the registering organisation's coordinators and counsellors."""
    return principal.org == registering_org and principal.has(*FOLLOWING_ROLES)


def may_greet(principal: Caller, host_org: str) -> bool:
    """The names of the candidates expected at a site: its hosts (site managers of its organisation)."""
    return principal.org == host_org and principal.has("site_manager")


def may_read_openings(principal: Caller, referring_org: str) -> bool:
    """Who opened a candidate's contact, and why: the referring organisation's coordinators and counsellors
    (the list holds account ids and purposes, no personal data)."""
    return principal.org == referring_org and principal.has(*FOLLOWING_ROLES)


def may_change_candidate(principal: Caller, referring_org: str) -> bool:
    """Updates and withdrawals: the referring organisation's coordinators and counsellors."""
    return principal.org == referring_org and principal.has(*FOLLOWING_ROLES)


def may_erase_candidate(principal: Caller, referring_org: str) -> bool:
    """Erasure: any coordinator (they answer GDPR requests), or a counsellor of the referring organisation."""
    return principal.has("coordinator") or (principal.has("counsellor") and principal.org == referring_org)


def may_change_company(principal: Caller, registering_org: str) -> bool:
    """Company updates and withdrawals: the registering organisation's coordinators."""
    return principal.has("coordinator") and principal.org == registering_org


def may_register_walk_in(principal: Caller, host_org: str) -> bool:
    """A candidate registered on the spot, on the day: the coordinators and counsellors who may register
    anyone, and the hosts of the site where they are (site managers of its organisation)."""
    return principal.has(*FOLLOWING_ROLES) or may_greet(principal, host_org)


def may_resolve_duplicates(principal: Caller, referring_org: str) -> bool:
    """Suspected duplicates of a candidate (ids and kinds, never the other organisation's data): the
    coordinators of the organisation following them, who see and resolve them."""
    return principal.org == referring_org and principal.has("coordinator")
