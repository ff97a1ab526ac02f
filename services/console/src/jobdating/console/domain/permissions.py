"""Which pages a signed-in person is offered. The console decides only what to show: every read and every
command goes to the owning service with the person's own token, and that service decides what they may do
(a site host of site A asking for site B's candidates is refused by registration, not by the console)."""

from __future__ import annotations

from collections.abc import Collection
from typing import Final

RECEPTION: Final = "site_manager"
COORDINATION: Final = "coordinator"
COUNSEL: Final = "counsellor"
COACH: Final = "coach"
PARTNER_ADMIN: Final = "partner_admin"
RECRUITMENT: Final = "recruiter"

ROLE_NAMES: Final[dict[str, str]] = {
    "coordinator": "coordination",
    "partner_admin": "administration du partenaire",
    "counsellor": "conseil",
    "coach": "accompagnement",
    "site_manager": "accueil de site",
    "recruiter": "recrutement",
    "viewer": "consultation",
}


def may_receive(roles: Collection[str]) -> bool:
    """The reception pages (today's candidates, check-in) are for site hosts."""
    return RECEPTION in roles


def may_coordinate(roles: Collection[str]) -> bool:
    """The live day and the other pages of the whole job dating are for the coordination."""
    return COORDINATION in roles


def may_counsel(roles: Collection[str]) -> bool:
    """« Mes candidats » and the call list are for counsellors (registration shows coaches no candidate)."""
    return COUNSEL in roles


def may_coach(roles: Collection[str]) -> bool:
    """The workshops and individual interviews to run: coaches and counsellors."""
    return COUNSEL in roles or COACH in roles


def may_invite(roles: Collection[str]) -> bool:
    """Partners and invitations: the coordination invites partner admins, who invite their own staff."""
    return COORDINATION in roles or PARTNER_ADMIN in roles


def may_recruit(roles: Collection[str]) -> bool:
    """The agenda, profiles and outcomes of a company are for its recruiters."""
    return RECRUITMENT in roles


def first_page(roles: Collection[str]) -> str | None:
    """The page a person lands on after signing in: their first role's in this order (a coordinator who
    also receives lands on the live day), or none when no page is theirs."""
    for may, page in (
        (may_coordinate, "/coordination/direct"),
        (may_receive, "/accueil"),
        (may_recruit, "/recrutement"),
        (may_counsel, "/conseil"),
        (may_coach, "/conseil/ateliers"),
        (may_invite, "/partenaires"),
    ):
        if may(roles):
            return page
    return None


def role_words(roles: Collection[str]) -> str:
    """The person's roles in French, for the page header."""
    return ", ".join(ROLE_NAMES.get(role, role) for role in roles)
