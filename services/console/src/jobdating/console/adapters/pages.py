"""A page that reads, for the roles it is meant for: the person signed in, their roles checked, the view
read from the services with their token (refusals as `http_answers` shows them)."""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import Any

from fastapi import Request, Response

from jobdating.console.adapters.http_answers import shown_page
from jobdating.console.adapters.web import Web
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
