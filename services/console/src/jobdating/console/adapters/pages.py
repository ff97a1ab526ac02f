"""A page that reads, or a form sent, for the roles it is meant for: the person signed in, their roles
checked, the view read from the services with their token (refusals as `http_answers` shows them)."""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import Any

from fastapi import Request, Response

from jobdating.console.adapters.http_answers import shown_page
from jobdating.console.adapters.web import NotHere, Web, check_csrf
from jobdating.console.application.sessions import Session


def page_for(
    web: Web,
    request: Request,
    may: Callable[[Collection[str]], bool],
    only: str,
    template: str,
    read: Callable[[Session, str], Any],
    **context: Any,
) -> Response:
    """`template` with `view` = `read(session, token)`, once `may` lets the person's roles in (else 403
    with `only`)."""
    session = web.signed_in(request)
    if not may(session.roles):
        return web.refused(request, session, 403, [only])
    return shown_page(
        web, request, session, template, lambda token: {"view": read(session, token), **context}
    )


async def form_for(
    web: Web, request: Request, may: Callable[[Collection[str]], bool], only: str
) -> tuple[Session, str, dict[str, str]]:
    """The session, token and fields of a form sent, once its CSRF token matches and `may` lets the
    person's roles in (else a 403 with `only`)."""
    session = web.signed_in(request)
    fields = await check_csrf(request, session.csrf)
    if not may(session.roles):
        raise NotHere(web.refused(request, session, 403, [only]))
    assert session.token is not None
    return session, session.token, fields
