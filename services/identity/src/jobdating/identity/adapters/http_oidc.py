"""Signing in through the organisation's OpenID Connect provider: `GET /oidc/{organisation_id}/start` sends
the browser to the provider, which sends it back to `GET /oidc/callback`; the callback answers the same JSON
as `POST /sign-in` (the console will take it from there; a redirect carrying it can come with the console).

The browser that started a sign-in carries a random value in an HttpOnly cookie (path /oidc, SameSite=Lax so
that the provider's redirect brings it back): a callback opened in another browser is refused."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Cookie, Request, Response
from fastapi.responses import RedirectResponse

from jobdating.identity.application.oidc_sign_in import OidcSignIn
from jobdating.identity.application.sign_in import AccessToken
from jobdating.runtime.http import answers

COOKIE = "jobdating_oidc"


def router(oidc: OidcSignIn, *, secure_cookie: bool) -> APIRouter:
    api = APIRouter(tags=["sign-in"])
    max_age = int(oidc.ttl.total_seconds())

    @api.get(
        "/oidc/{organisation_id}/start",
        summary="Se connecter par le fournisseur d'identité de son organisation (ProConnect, ...)",
        response_class=RedirectResponse,
        status_code=302,
        responses=answers(
            {
                302: "to the provider's authorization endpoint",
                404: "this organisation signs in through no provider",
                502: "the provider does not answer",
            }
        ),
        description=(
            "Une personne d'une organisation reliée à un fournisseur d'identité (ProConnect, ...) y est "
            "envoyée pour se connecter."
        ),
    )
    def start(organisation_id: str) -> RedirectResponse:
        started = oidc.start(organisation_id)
        response = RedirectResponse(started.url, status_code=302)
        response.set_cookie(
            COOKIE,
            started.browser,
            max_age=max_age,
            path="/oidc",
            secure=secure_cookie,
            httponly=True,
            samesite="lax",
        )
        return response

    @api.get(
        "/oidc/callback",
        summary="Retour du fournisseur d'identité : le jeton d'accès, comme pour /sign-in",
        responses=answers(
            {
                400: "unknown, expired, used or foreign state; code refused by the provider",
                401: "refused at the provider, or its ID token failed verification",
                403: "no invited account of the organisation for this identity, or not allowed",
                404: "the organisation signs in through no provider any more",
                502: "the provider does not answer",
            }
        ),
        description=(
            "Le fournisseur d'identité renvoie la personne ici après sa connexion ; la réponse est le même "
            "jeton d'accès que /sign-in."
        ),
    )
    def callback(
        request: Request,
        response: Response,
        state: str | None = None,
        code: str | None = None,
        error: str | None = None,
        browser: Annotated[str | None, Cookie(alias=COOKIE)] = None,
    ) -> AccessToken:
        # Whatever the outcome, the state is spent: the cookie has nothing left to match.
        response.delete_cookie(COOKIE, path="/oidc", secure=secure_cookie, httponly=True, samesite="lax")
        return oidc.callback(state, code, error, browser, request.state.correlation_id)

    return api
