"""Who may change what: the coordination changes anything, a site manager only what their org lends."""

from __future__ import annotations

import msgspec

from jobdating.sites.domain.errors import Forbidden


class Actor(msgspec.Struct, frozen=True, kw_only=True):
    """The caller as the rules see them: their organisation and their role."""

    org: str
    role: str


def may_manage_site(actor: Actor, host_org: str, field: str) -> None:
    """A coordinator manages every site; a site manager only the sites their organisation hosts."""
    _may_write(actor, field)
    if actor.role == "site_manager" and actor.org != host_org:
        raise Forbidden.on(field, "ce site est accueilli par une autre organisation : elle seule le gère")


def may_manage_computer(actor: Actor, lending_org: str, field: str) -> None:
    """A coordinator manages every computer; a site manager only the computers their organisation lends."""
    _may_write(actor, field)
    if actor.role == "site_manager" and actor.org != lending_org:
        raise Forbidden.on(field, "cet ordinateur est prêté par une autre organisation : elle seule le gère")


def _may_write(actor: Actor, field: str) -> None:
    if actor.role not in ("coordinator", "site_manager"):
        raise Forbidden.on(
            field, "seuls la coordination et les responsables de site modifient les sites et les ordinateurs"
        )
