"""Who may run a workshop or meet a candidate: people with accounts, as identity announces them.

Scheduling keeps a small read model of identity's accounts (id, organisation, roles, disabled): never a
name. A coach is an account holding the role `coach`; a counsellor one holding `counsellor`. A person is
never booked twice at once: the clashes (another workshop they run, another individual interview) are found
by the application and refused here, named.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import msgspec

from jobdating.scheduling.domain.commands import Coach
from jobdating.scheduling.domain.errors import Conflict, Invalid, Problem, refuse_if


class AccountFacts(msgspec.Struct, frozen=True, kw_only=True):
    """A person's account as scheduling knows it: no name, only what the rules check."""

    account_id: str
    org: str
    roles: tuple[str, ...] = ()
    disabled: bool = False

    def can_act_as(self, role: str) -> bool:
        """Holds `role` and may still sign in (an invitation not yet accepted still names a real person
        of that organisation, so it counts)."""
        return not self.disabled and role in self.roles


def coach_pair(coaches: Sequence[Coach], accounts: Mapping[str, AccountFacts]) -> tuple[Coach, Coach]:
    """The two coaches of a session with their organisations from their accounts; refused (422, on
    `coaches`) unless they are two coach accounts of two different organisations."""
    if len(coaches) != 2:
        raise Invalid.on("coaches", "un atelier est animé par deux animateurs, ni plus ni moins")
    problems: list[Problem] = []
    resolved: list[Coach] = []
    for coach in coaches:
        account = accounts.get(coach.coach_id)
        if account is None:
            problems.append(
                Problem("coaches", f"{coach.coach_id} n'a pas de compte : un animateur doit avoir un compte")
            )
        elif not account.can_act_as("coach"):
            reason = "est désactivé" if account.disabled else "n'a pas le rôle d'animateur"
            problems.append(Problem("coaches", f"le compte {coach.coach_id} {reason}"))
        elif coach.org and coach.org != account.org:
            problems.append(Problem("coaches", f"le compte {coach.coach_id} n'appartient pas à {coach.org}"))
        else:
            resolved.append(Coach(coach_id=account.account_id, org=account.org))
    refuse_if(problems)
    first, second = resolved
    if first.coach_id == second.coach_id:
        raise Invalid.on("coaches", "indiquez deux animateurs différents")
    if first.org == second.org:
        raise Invalid.on(
            "coaches", "les deux animateurs doivent venir de deux structures partenaires différentes"
        )
    return first, second


def refuse_clashes(field: str, clashes: Sequence[str]) -> None:
    """A person already busy at that time: 409 naming each clash."""
    if clashes:
        raise Conflict.on(field, "déjà pris à ce moment-là : " + " ; ".join(clashes))
