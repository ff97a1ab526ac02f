"""Identity's HTTP API: the routers, and refusals rendered as 4xx with French reasons (429 with Retry-After
for a throttled sign-in, 503 when the mail server does not take an invitation, 401 for an ID token that
fails verification and 502 for an OpenID Connect provider that does not answer)."""

from __future__ import annotations

from fastapi import FastAPI, Request, Response

from jobdating.identity.adapters import http_accounts, http_names, http_oidc, http_sign_in
from jobdating.identity.adapters.auth import Callers
from jobdating.identity.adapters.keys import KeyRing
from jobdating.identity.application.handlers import IdentityHandlers
from jobdating.identity.application.invitations import Invitations
from jobdating.identity.application.oidc_ports import InvalidIdToken, ProviderUnavailable
from jobdating.identity.application.oidc_sign_in import OidcSignIn
from jobdating.identity.application.ports import MailFailed
from jobdating.identity.application.queries import IdentityQueries
from jobdating.identity.application.queries_names import AccountNames
from jobdating.identity.application.sign_in import SignIn
from jobdating.identity.domain.errors import (
    Gone,
    IdentityRefusal,
    Problem,
    Throttled,
    Unauthenticated,
)
from jobdating.runtime.http import REFUSAL_STATUSES, install_refusals, render_refused

# The kinds every service shares, and identity's own: a used or expired invitation link, a failed sign-in.
_STATUS: tuple[tuple[type[Exception], int], ...] = (*REFUSAL_STATUSES, (Gone, 410), (Unauthenticated, 401))


def install(
    app: FastAPI,
    *,
    handlers: IdentityHandlers,
    invitations: Invitations,
    sign_in: SignIn,
    keys: KeyRing,
    queries: IdentityQueries,
    callers: Callers,
    org: str,
    oidc: OidcSignIn,
    secure_cookie: bool,
) -> None:
    """Add identity's routes and the translation of its refusals to `app` (made by `create_app`)."""
    app.state.callers = callers
    app.include_router(http_accounts.router(handlers, invitations, queries, org))
    app.include_router(http_sign_in.router(invitations, sign_in, keys, queries))
    app.include_router(http_oidc.router(oidc, secure_cookie=secure_cookie))
    app.include_router(http_names.router(AccountNames(queries.store)))
    install_refusals(app, IdentityRefusal, _STATUS)

    async def throttled(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, Throttled)
        response = await render_refused(request, exc.problems, 429)
        response.headers["Retry-After"] = str(exc.retry_after)
        return response

    async def mail_failed(request: Request, _: Exception) -> Response:
        reason = "le serveur de courriel n'a pas pris l'invitation : réessayez dans un moment"
        return await render_refused(request, [Problem("email", reason)], 503)

    async def provider_unavailable(request: Request, _: Exception) -> Response:
        reason = "le fournisseur d'identité ne répond pas : réessayez dans un moment"
        return await render_refused(request, [Problem("", reason)], 502)

    async def invalid_id_token(request: Request, _: Exception) -> Response:
        reason = "la réponse du fournisseur d'identité n'a pas pu être vérifiée : recommencez la connexion"
        return await render_refused(request, [Problem("code", reason)], 401)

    app.add_exception_handler(Throttled, throttled)
    app.add_exception_handler(MailFailed, mail_failed)
    app.add_exception_handler(ProviderUnavailable, provider_unavailable)
    app.add_exception_handler(InvalidIdToken, invalid_id_token)
