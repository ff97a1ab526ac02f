"""Who may do what in scheduling.

- The coordination (role `coordinator`) plans, adjusts, publishes and repairs, and may record anything on
  behalf of others (an outcome phoned in by a recruiter, a check-in at a site without its manager).
- A site manager checks candidates in and marks no-shows at the sites their organisation hosts.
- A recruiter's token names their company as its organisation (`org` = the company id, `role` =
  `recruiter`): they record outcomes and book second interviews for their own company's slots only, and
  read only their company's agenda.
- A counsellor (a coach) enrols the candidates their organisation refers in workshops, and records the
  attendance of sessions that a coach of their organisation runs; so does a coach (role `coach`) of one of
  the session's two organisations.
- The individual interview: a counsellor of the referring organisation books it as themselves, its
  administrator (`partner_admin`) for any of its counsellors (`domain/counselling.py` says why not the
  candidate's own counsellor).
- Everyone else with a token (viewer, counsellor, site manager) reads plans.
"""

from __future__ import annotations

from collections.abc import Collection
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
NOTE_WRITERS: Final = RoleGate(
    ("coordinator", "counsellor", "recruiter"),
    "seuls la coordination, les conseillers et les recruteurs écrivent et lisent des notes d'entretien",
)
WORKSHOP_RUNNERS: Final = RoleGate(
    ("coordinator", "counsellor", "coach"),
    "seuls la coordination et les structures qui animent cet atelier le peuvent",
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


def coordination_or(actor: Actor, role: str, orgs: Collection[str], field: str, refusal: str) -> None:
    """The coordination, or an actor with `role` in one of `orgs`; anyone else is refused with `refusal`."""
    if actor.has("coordinator"):
        return
    if not actor.has(role) or actor.org not in orgs:
        raise Forbidden.on(field, refusal)


def must_coordinate(actor: Actor, field: str) -> None:
    """Only the coordination plans, adjusts, publishes and repairs a job dating."""
    if not COORDINATION.lets(actor):
        raise Forbidden.on(field, COORDINATION.refusal)


def may_run_site(actor: Actor, host_org: str, field: str) -> None:
    """The coordination, or a manager of the organisation hosting the site."""
    coordination_or(actor, "site_manager", (host_org,), field, SITE_RUNNERS.refusal)


def may_act_for_company(actor: Actor, company_id: str, field: str) -> None:
    """The coordination, or a recruiter of this very company."""
    coordination_or(actor, "recruiter", (company_id,), field, COMPANY_ACTORS.refusal)


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
    refusal = "seuls la coordination et la structure qui accompagne ce candidat peuvent l'inscrire"
    coordination_or(actor, "counsellor", (referring_org,), field, refusal)


def may_record_attendance(actor: Actor, coach_orgs: tuple[str, ...], field: str) -> None:
    """Who says who came to a session: those who may run it, and the coaches of its two organisations, who
    run it in the room."""
    if actor.has("coach") and actor.org in coach_orgs:
        return
    may_run_workshop(actor, coach_orgs, field)


def may_run_workshop(actor: Actor, coach_orgs: tuple[str, ...], field: str) -> None:
    """The coordination, or a counsellor of one of the two organisations running the session."""
    refusal = "seuls la coordination et les structures qui animent cet atelier le peuvent"
    coordination_or(actor, "counsellor", coach_orgs, field, refusal)
