"""Who may do what in scheduling.

- The coordination (role `coordinator`) plans, adjusts, publishes and repairs, and may record anything on
  behalf of others (an outcome phoned in by a recruiter, a check-in at a site without its manager).
- A site manager checks candidates in and marks no-shows at the sites their organisation hosts.
- A recruiter's token names their company as its organisation (`org` = the company id, `role` =
  `recruiter`): they record outcomes and book second interviews for their own company's slots only, and
  read only their company's agenda.
- A counsellor (a coach) enrols the candidates their organisation refers in workshops, and records the
  attendance of sessions that a coach of their organisation runs.
- The individual interview: a counsellor of the referring organisation books it as themselves, its
  administrator (`partner_admin`) for any of its counsellors (`domain/counselling.py` says why not the
  candidate's own counsellor).
- Everyone else with a token (viewer, counsellor, site manager) reads plans.
"""

from __future__ import annotations

from typing import Final

from jobdating.runtime.actors import Actor as RuleActor
from jobdating.runtime.actors import RoleGate
from jobdating.scheduling.domain.errors import Forbidden

# The roles each rule below can ever let through: the API refuses the others before reading a body.
COORDINATION: Final = RoleGate(("coordinator",), "seule la coordination de l'événement peut faire cela")
SITE_RUNNERS: Final = RoleGate(
    ("coordinator", "site_manager"),
    "seuls la coordination et les responsables de ce site enregistrent les arrivées",
)
COMPANY_ACTORS: Final = RoleGate(
    ("coordinator", "recruiter"),
    "seuls la coordination et les recruteurs de cette entreprise peuvent le faire",
)
COUNSELLORS: Final = RoleGate(
    ("coordinator", "counsellor"),
    "seuls la coordination et les conseillers des structures partenaires le peuvent",
)
BOOKERS: Final = RoleGate(
    ("coordinator", "partner_admin", "counsellor"),
    "seuls la coordination et la structure du candidat fixent son entretien individuel",
)


class Actor(RuleActor):
    """The caller as scheduling's rules see them (see `jobdating.runtime.actors.Actor`)."""

    @property
    def recruiter_only(self) -> bool:
        """A recruiter and nothing else: a recruiter's limits hold unless another role lifts them."""
        return self.has("recruiter") and self.roles <= {"recruiter"}


def must_coordinate(actor: Actor, field: str) -> None:
    """Only the coordination plans, adjusts, publishes and repairs a job dating."""
    if not COORDINATION.lets(actor):
        raise Forbidden.on(field, COORDINATION.refusal)


def may_run_site(actor: Actor, host_org: str, field: str) -> None:
    """The coordination, or a manager of the organisation hosting the site."""
    if actor.has("coordinator"):
        return
    if not actor.has("site_manager") or actor.org != host_org:
        raise Forbidden.on(field, SITE_RUNNERS.refusal)


def may_act_for_company(actor: Actor, company_id: str, field: str) -> None:
    """The coordination, or a recruiter of this very company."""
    if actor.has("coordinator"):
        return
    if not actor.has("recruiter") or actor.org != company_id:
        raise Forbidden.on(field, COMPANY_ACTORS.refusal)


def may_read_company(actor: Actor, company_id: str, field: str) -> None:
    """A recruiter reads only their own company's agenda; other roles read every plan."""
    if actor.recruiter_only and actor.org != company_id:
        raise Forbidden.on(field, "un recruteur ne consulte que le planning de son entreprise")


def may_read_plans(actor: Actor, field: str) -> None:
    """Whole plans (every site, every company) are not for recruiters."""
    if actor.recruiter_only:
        raise Forbidden.on(field, "un recruteur ne consulte que le planning de son entreprise")


def may_enrol(actor: Actor, referring_org: str, field: str) -> None:
    """The coordination, or a counsellor of the organisation that referred the candidate."""
    if actor.has("coordinator"):
        return
    if not actor.has("counsellor") or actor.org != referring_org:
        raise Forbidden.on(
            field, "seuls la coordination et la structure qui accompagne ce candidat peuvent l'inscrire"
        )


def may_run_workshop(actor: Actor, coach_orgs: tuple[str, ...], field: str) -> None:
    """The coordination, or a counsellor of one of the two organisations running the session."""
    if actor.has("coordinator"):
        return
    if not actor.has("counsellor") or actor.org not in coach_orgs:
        raise Forbidden.on(
            field, "seuls la coordination et les structures qui animent cet atelier le peuvent"
        )
