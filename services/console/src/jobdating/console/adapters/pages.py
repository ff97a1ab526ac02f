"""A page that reads, or a form sent, for the roles it is meant for: the person signed in, their roles
checked, the view read from the services with their token (refusals as `http_answers` shows them)."""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Any

from fastapi import Request, Response

from jobdating.console.adapters.http_answers import shown_page
from jobdating.console.adapters.web import NotHere, Web, check_csrf
from jobdating.console.application.sessions import Session


@dataclass(frozen=True)
class Gate:
    """The pages and forms of the roles `may` lets in: anyone else is refused (a 403 with `only`)."""

    web: Web
    may: Callable[[Collection[str]], bool]
    only: str

    def person(self, request: Request) -> tuple[Session, str]:
        """The signed-in person's session and token, once their roles are let in."""
        return self._let_in(request, self.web.signed_in(request))

    def page(
        self, request: Request, template: str, read: Callable[[Session, str], Any], **context: Any
    ) -> Response:
        """`template` with `view` = `read(session, token)`, once the person's roles are let in."""
        session, _ = self.person(request)
        return shown_page(
            self.web, request, session, template, lambda token: {"view": read(session, token), **context}
        )

    async def form(self, request: Request) -> tuple[Session, str, dict[str, str]]:
        """The session, token and fields of a form sent, once its CSRF token matches and the person's
        roles are let in."""
        session = self.web.signed_in(request)
        fields = await check_csrf(request, session.csrf)
        session, token = self._let_in(request, session)
        return session, token, fields

    def _let_in(self, request: Request, session: Session) -> tuple[Session, str]:
        if not self.may(session.roles):
            raise NotHere(self.web.refused(request, session, 403, [self.only]))
        assert session.token is not None
        return session, session.token
