"""What every page shares: the templates (autoescaped), the security headers, the session cookie, the CSRF
check of every form and the French refusal pages."""

from __future__ import annotations

import hmac
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import jinja2
from fastapi import FastAPI, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from jobdating.console.application.ports import Services
from jobdating.console.application.sessions import Session, Sessions
from jobdating.console.domain.permissions import may_receive, role_words
from jobdating.runtime import french
from jobdating.runtime.clock import Clock

HERE = Path(__file__).parent
COOKIE = "console_session"
# No inline script or style anywhere: the pages load only their own files.
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
    "font-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
CSRF_REFUSED = "Ce formulaire a expiré ou ne vient pas de cette page. Rechargez la page, puis recommencez."


class NotHere(Exception):
    """The page cannot be shown: `response` says why (answered as is, wherever the route raised it)."""

    def __init__(self, response: Response):
        super().__init__()
        self.response = response


class SignInAgain(Exception):
    """No signed-in session, or its access token expired: back to the sign-in page (with why)."""

    def __init__(self, why: str | None = None):
        super().__init__(why or "")
        self.why = why


class CsrfRefused(Exception):
    """A form came without its CSRF token, or with another one."""


def templates() -> Jinja2Templates:
    # Autoescape every template, whatever its extension: a name is text, never markup.
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(HERE / "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["day"] = french.day_month_year
    env.globals["role_words"] = role_words
    env.globals["may_receive"] = may_receive
    return Jinja2Templates(env=env)


@dataclass
class Web:
    sessions: Sessions
    services: Services
    clock: Clock
    zone: ZoneInfo
    secure_cookie: bool
    key: bytes
    link_days: int
    templates: Jinja2Templates
    # The console's own token (a `viewer`) for the candidates' pages, who have no account.
    reader_token: str | None = None

    def session(self, request: Request) -> Session | None:
        return self.sessions.get(request.cookies.get(COOKIE), self.clock.now())

    def signed_in(self, request: Request) -> Session:
        """The signed-in session, or a redirect to the sign-in page (saying why when the token expired)."""
        session = self.session(request)
        if session is None or session.token is None:
            raise SignInAgain()
        if not session.signed_in(self.clock.now()):
            session.token = None
            self.sessions.save(session)
            raise SignInAgain("expiree")
        return session

    def page(
        self, request: Request, name: str, session: Session | None, status: int = 200, **context: Any
    ) -> HTMLResponse:
        flash = list(session.flash) if session is not None else []
        if session is not None and flash:
            session.flash.clear()
            self.sessions.save(session)
        return self.templates.TemplateResponse(
            request, name, {"session": session, "flash": flash, **context}, status_code=status
        )

    def flash(self, session: Session, message: str) -> None:
        """A message for the next page this session shows (after the redirect of a form)."""
        session.flash.append(message)
        self.sessions.save(session)

    def refused(
        self, request: Request, session: Session | None, status: int, reasons: list[str]
    ) -> HTMLResponse:
        return self.page(request, "refused.html", session, status=status, status_code=status, reasons=reasons)

    def set_cookie(self, response: Response, session: Session) -> None:
        response.set_cookie(
            COOKIE,
            session.session_id,
            httponly=True,
            secure=self.secure_cookie,
            samesite="strict",
            path="/",
        )


async def check_csrf(request: Request, expected: str | None) -> dict[str, str]:
    """The form's fields, once its CSRF token matches `expected`."""
    form = await request.form()
    fields = {k: v for k, v in form.items() if isinstance(v, str)}
    given = fields.get("csrf", "")
    if not expected or not given or not hmac.compare_digest(given.encode(), expected.encode()):
        raise CsrfRefused()
    return fields


def install(app: FastAPI, web: Web) -> None:
    """Static files, security headers on every answer, and the refusals rendered as French pages."""
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")

    @app.middleware("http")
    async def security_headers(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        response = await call_next(request)
        response.headers["Content-Security-Policy"] = CSP
        response.headers["X-Content-Type-Options"] = "nosniff"
        # Candidates' links carry their token in the path: never sent on to another site.
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["X-Frame-Options"] = "DENY"
        if not request.url.path.startswith("/static/"):
            response.headers["Cache-Control"] = "no-store"
        return response

    async def sign_in_again(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, SignInAgain)
        target = "/connexion" + (f"?raison={exc.why}" if exc.why else "")
        return RedirectResponse(target, status_code=303)

    async def csrf_refused(request: Request, _: Exception) -> Response:
        return web.refused(request, web.session(request), 403, [CSRF_REFUSED])

    async def not_here(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, NotHere)
        return exc.response

    app.add_exception_handler(NotHere, not_here)
    app.add_exception_handler(SignInAgain, sign_in_again)
    app.add_exception_handler(CsrfRefused, csrf_refused)
