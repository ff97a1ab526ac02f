"""Who may do what in scheduling.

- The coordination (role `coordinator`) plans, adjusts, publishes and repairs, and may record anything on
  behalf of others (an outcome phoned in by a recruiter, a check-in at a site without its manager).
- A site manager checks candidates in and marks no-shows at the sites their organisation hosts.
- A recruiter's token names their company as its organisation (`org` = the company id, `role` =
  `recruiter`): they record outcomes and book second interviews for their own company's slots only, and
  read only their company's agenda.
- A counsellor (a coach) enrols the candidates their organisation refers in workshops, and records the
  attendance of sessions that a coach of their organisation runs.
- Everyone else with a token (viewer, counsellor, site manager) reads plans.
"""

from __future__ import annotations

import msgspec

from jobdating.scheduling.domain.errors import Forbidden


class Actor(msgspec.Struct, frozen=True, kw_only=True):
    """The caller as the rules see them: their organisation and their role."""

    org: str
    role: str


def must_coordinate(actor: Actor, field: str) -> None:
    """Only the coordination plans, adjusts, publishes and repairs a job dating."""
    if actor.role != "coordinator":
        raise Forbidden.on(field, "seule la coordination de l'événement peut faire cela")


def may_run_site(actor: Actor, host_org: str, field: str) -> None:
    """The coordination, or a manager of the organisation hosting the site."""
    if actor.role == "coordinator":
        return
    if actor.role != "site_manager" or actor.org != host_org:
        raise Forbidden.on(
            field, "seuls la coordination et les responsables de ce site enregistrent les arrivées"
        )


def may_act_for_company(actor: Actor, company_id: str, field: str) -> None:
    """The coordination, or a recruiter of this very company."""
    if actor.role == "coordinator":
        return
    if actor.role != "recruiter" or actor.org != company_id:
        raise Forbidden.on(
            field, "seuls la coordination et les recruteurs de cette entreprise peuvent le faire"
        )


def may_read_company(actor: Actor, company_id: str, field: str) -> None:
    """A recruiter reads only their own company's agenda; other roles read every plan."""
    if actor.role == "recruiter" and actor.org != company_id:
        raise Forbidden.on(field, "un recruteur ne consulte que le planning de son entreprise")


def may_read_plans(actor: Actor, field: str) -> None:
    """Whole plans (every site, every company) are not for recruiters."""
    if actor.role == "recruiter":
        raise Forbidden.on(field, "un recruteur ne consulte que le planning de son entreprise")


def may_enrol(actor: Actor, referring_org: str, field: str) -> None:
    """The coordination, or a counsellor of the organisation that referred the candidate."""
    if actor.role == "coordinator":
        return
    if actor.role != "counsellor" or actor.org != referring_org:
        raise Forbidden.on(
            field, "seuls la coordination et la structure qui accompagne ce candidat peuvent l'inscrire"
        )


def may_run_workshop(actor: Actor, coach_orgs: tuple[str, ...], field: str) -> None:
    """The coordination, or a counsellor of one of the two organisations running the session."""
    if actor.role == "coordinator":
        return
    if actor.role != "counsellor" or actor.org not in coach_orgs:
        raise Forbidden.on(
            field, "seuls la coordination et les structures qui animent cet atelier le peuvent"
        )
