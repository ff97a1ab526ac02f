"""Events published by the identity service: organisations, people's accounts and their roles.

Two stream types:
- `organisation`: one stream per organisation (a partner, a company, the département itself);
- `account`: one stream per person's account, its id opaque (`acc-<uuid>`).

Nothing here names or reaches a person: e-mail addresses, names, password hashes, second-factor secrets
and invitation tokens stay in identity's own private tables. An account is known on the bus by its id, its
organisation and its roles only, which is what other services need to check who did what.
"""

from __future__ import annotations

from typing import ClassVar, Final, Literal

from jobdating.contracts.envelope import Event
from jobdating.contracts.registry import REGISTRY

SERVICE = "identity"
ORGANISATION = "organisation"
ACCOUNT = "account"

OrganisationKind = Literal[
    "departement", "employment_service", "mission_locale", "plie", "association", "company"
]
AccountRole = Literal[
    "coordinator", "partner_admin", "counsellor", "coach", "site_manager", "recruiter", "viewer"
]
ORGANISATION_KINDS: Final[tuple[OrganisationKind, ...]] = (
    "departement",
    "employment_service",
    "mission_locale",
    "plie",
    "association",
    "company",
)
# Each kind in French, as the console's pages and identity's refusals name it.
ORGANISATION_KIND_NAMES: Final[dict[OrganisationKind, str]] = {
    "departement": "département",
    "employment_service": "service public de l'emploi",
    "mission_locale": "Mission Locale",
    "plie": "PLIE",
    "association": "association",
    "company": "entreprise",
}
ACCOUNT_ROLES: Final[tuple[AccountRole, ...]] = (
    "coordinator",
    "partner_admin",
    "counsellor",
    "coach",
    "site_manager",
    "recruiter",
    "viewer",
)


class _OrganisationEvent(Event, frozen=True, kw_only=True):
    """An event of an organisation's stream."""

    stream_type: ClassVar[str] = ORGANISATION

    organisation_id: str


class _AccountEvent(Event, frozen=True, kw_only=True):
    """An event of an account's stream."""

    stream_type: ClassVar[str] = ACCOUNT

    account_id: str


@REGISTRY.register
class OrganisationRegistered(_OrganisationEvent, frozen=True, kw_only=True):
    """The coordination registered an organisation taking part (a partner, a company): its people may be
    invited."""

    kind: OrganisationKind
    name: str


@REGISTRY.register
class AccountInvited(_AccountEvent, frozen=True, kw_only=True):
    """A person was invited to an organisation with these roles; the account waits for its activation.
    The person's address and the invitation's link are identity's own, never on the bus."""

    organisation_id: str
    roles: tuple[AccountRole, ...]


@REGISTRY.register
class AccountActivated(_AccountEvent, frozen=True, kw_only=True):
    """The person accepted the invitation and chose a password; `second_factor` when a TOTP was enrolled."""

    second_factor: bool


@REGISTRY.register
class RoleGranted(_AccountEvent, frozen=True, kw_only=True):
    """An account was given one more role."""

    role: AccountRole


@REGISTRY.register
class RoleRevoked(_AccountEvent, frozen=True, kw_only=True):
    """An account lost a role."""

    role: AccountRole


@REGISTRY.register
class AccountDisabled(_AccountEvent, frozen=True, kw_only=True):
    """An account may no longer sign in; the access tokens it holds are refused from now on."""
