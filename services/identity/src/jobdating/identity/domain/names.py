"""Who may read the names of accounts (for the audit's "who did what"), and what a name may be.

Names are personal data: the coordination, which answers for the whole job dating, reads every account's
name; a partner's admin reads those of its own organisation's people; nobody else reads any.
"""

from __future__ import annotations

from typing import Final

from jobdating.identity.domain.errors import Forbidden, Invalid
from jobdating.identity.domain.permissions import Actor
from jobdating.runtime.text import text_problem

NAMES_REFUSED: Final = (
    "seules la coordination et l'administration d'un partenaire peuvent lire les noms des comptes"
)
NAME_MAX: Final = 200


def may_read_names(actor: Actor) -> None:
    """Refuses anyone who may read no name at all."""
    if not (actor.has("coordinator") or actor.has("partner_admin")):
        raise Forbidden.on("account_ids", NAMES_REFUSED)


def name_visible(actor: Actor, organisation_id: str) -> bool:
    """Whether `actor` may read the name of an account of `organisation_id`."""
    if actor.has("coordinator"):
        return True
    return actor.has("partner_admin") and organisation_id == actor.org


def display_name(field: str, value: str | None) -> str | None:
    """A person's name as the inviter typed it, spaces tidied; None when none was given."""
    if value is None:
        return None
    name = " ".join(value.split())
    if not name:
        return None
    problem = text_problem(name)
    if problem is not None:
        raise Invalid.on(field, problem)
    if len(name) > NAME_MAX:
        raise Invalid.on(field, f"nom trop long : {NAME_MAX} caractères au plus")
    return name
