"""Who may change what: the coordination changes anything, a site manager only what their org lends."""

from __future__ import annotations

from typing import Final

from jobdating.runtime.actors import Actor, RoleGate
from jobdating.sites.domain.errors import Forbidden

__all__ = ["WRITERS", "Actor", "may_manage_computer", "may_manage_site"]

WRITERS: Final = RoleGate(
    ("coordinator", "site_manager"),
    "seuls la coordination et les responsables de site modifient les sites et les ordinateurs",
)
"""Who may change sites and computers at all (the API refuses the others before reading a body)."""


def may_manage_site(actor: Actor, host_org: str, field: str) -> None:
    """A coordinator manages every site; a site manager only the sites their organisation hosts."""
    _may_write(actor, field)
    if not actor.has("coordinator") and actor.org != host_org:
        raise Forbidden.on(field, "ce site est accueilli par une autre organisation : elle seule le gère")


def may_manage_computer(actor: Actor, lending_org: str, field: str) -> None:
    """A coordinator manages every computer; a site manager only the computers their organisation lends."""
    _may_write(actor, field)
    if not actor.has("coordinator") and actor.org != lending_org:
        raise Forbidden.on(field, "cet ordinateur est prêté par une autre organisation : elle seule le gère")


def _may_write(actor: Actor, field: str) -> None:
    if not WRITERS.lets(actor):
        raise Forbidden.on(field, WRITERS.refusal)
