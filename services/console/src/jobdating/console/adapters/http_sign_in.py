"""Signing in through identity (`POST /sign-in`: address, password, code) and signing out."""

from __future__ import annotations

import base64
import json
from datetime import timedelta
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse

from jobdating.console.adapters.web import Web, check_csrf
from jobdating.console.application.ports import Refused, Unreachable

WHY = {
    "expiree": "Votre session a expiré. Reconnectez-vous pour continuer.",
    "sortie": "Vous êtes déconnecté.",
}
WRONG = "Adresse, mot de passe ou code incorrect."
DOWN = "Le service de connexion ne répond pas. Réessayez dans un moment."


def claims_of(token: str) -> dict[str, Any]:
    """The token's claims, read without checking its signature: the console only shows what they say; the
    services it calls with the token check it."""
    segment = token.split(".")[1]
    decoded: dict[str, Any] = json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))
    return decoded


def router(web: Web) -> APIRouter:
    api = APIRouter(include_in_schema=False)

    @api.get("/connexion")
    def sign_in_page(request: Request, raison: str | None = None) -> Response:
        now = web.clock.now()
        session = web.session(request) or web.sessions.open(now)
        note = WHY.get(raison or "")
        response = web.page(request, "sign_in.html", session, note=note, error=None, email="")
        web.set_cookie(response, session)
        return response

    @api.post("/connexion")
    async def sign_in(request: Request) -> Response:
        session = web.session(request)
        fields = await check_csrf(request, session.csrf if session else None)
        assert session is not None
        email = fields.get("email", "").strip()
        try:
            answer = await run_in_threadpool(
                web.services.sign_in, email, fields.get("password", ""), fields.get("code", "").strip()
            )
        except Refused as exc:
            error = WRONG if exc.status == 401 else " ".join(exc.reasons) or WRONG
            if exc.status == 429:
                error = "Trop d'essais manqués. " + (" ".join(exc.reasons) or "Réessayez plus tard.")
            status = exc.status if exc.status in (401, 403, 429) else 400
            return web.page(request, "sign_in.html", session, status, note=None, error=error, email=email)
        except Unreachable:
            return web.page(request, "sign_in.html", session, 503, note=None, error=DOWN, email=email)
        now = web.clock.now()
        fresh = web.sessions.renew(session, now)
        claims = claims_of(answer["access_token"])
        fresh.token = answer["access_token"]
        fresh.token_expires_at = now + timedelta(seconds=int(answer.get("expires_in", 0)))
        fresh.account_id = str(claims.get("sub", ""))
        fresh.org = str(claims.get("org", ""))
        roles = claims.get("roles", [])
        fresh.roles = tuple(roles if isinstance(roles, list) else [roles])
        fresh.email = email
        web.sessions.save(fresh)
        response = RedirectResponse("/", status_code=303)
        web.set_cookie(response, fresh)
        return response

    @api.post("/deconnexion")
    async def sign_out(request: Request) -> Response:
        session = web.session(request)
        await check_csrf(request, session.csrf if session else None)
        assert session is not None
        web.sessions.close(session.session_id)
        response = RedirectResponse("/connexion?raison=sortie", status_code=303)
        response.delete_cookie("console_session", path="/")
        return response

    return api
