"""One shape for a page that reads: the person signed in, their role checked, the view read from the
services with their token, the services' refusals shown as French pages."""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import Any

from fastapi import Request, Response

from jobdating.console.adapters.http_reception import DOWN, refusal
from jobdating.console.adapters.web import Web
from jobdating.console.application.ports import Refused, Unreachable
from jobdating.console.application.sessions import Session


def shown(
    web: Web,
    request: Request,
    session: Session,
    template: str,
    read: Callable[[str], Any],
    status: int = 200,
    **context: Any,
) -> Response:
    """`template` with `view` = `read(token)`; a refusal or a service away as its French page."""
    try:
        view = read(session.token or "")
    except Refused as exc:
        return refusal(web, request, exc)
    except Unreachable:
        return web.refused(request, session, 503, [DOWN])
    return web.page(request, template, session, status, view=view, **context)


def page_for(
    web: Web,
    request: Request,
    may: Callable[[Collection[str]], bool],
    only: str,
    template: str,
    read: Callable[[Session, str], Any],
    **context: Any,
) -> Response:
    """`shown` for the signed-in person, once `may` lets their roles in (else 403 with `only`)."""
    session = web.signed_in(request)
    if not may(session.roles):
        return web.refused(request, session, 403, [only])
    return shown(web, request, session, template, lambda token: read(session, token), **context)
