"""A minimal but genuine OpenID Connect provider, run as its own process by the tests:
`python services/identity/tests/oidc_provider.py --port N --client-id ID --client-secret S --redirect-uri U`.

It follows the standards a relying party relies on: a discovery document, a JWKS, an authorization endpoint
(response type `code`, PKCE S256 required, `state` and `nonce` passed through) and a token endpoint (client
authentication by HTTP Basic or form fields, one-use codes bound to the client, the redirect URI and the
code challenge), ID tokens signed RS256 with the published key.

Instead of a login page it approves at once the person the request names with test-only parameters (`sub`,
`email`, `email_verified`), and misbehaves when told to with `misbehave`: `nonce` (the ID token carries
another nonce), `key` (it is signed by a key that is not published, under the published key id), `deny`
(the person refuses: `error=access_denied`).
"""

from __future__ import annotations

import argparse
import base64
import secrets
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, unquote, urlencode

import uvicorn
from authlib.oauth2.rfc7636.challenge import (  # type: ignore[import-untyped]
    compare_s256_code_challenge,
)
from joserfc import jwt
from joserfc.jwk import RSAKey
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

KID = "cle-de-test"


@dataclass(frozen=True)
class Grant:
    """What an authorization code stands for."""

    redirect_uri: str
    nonce: str | None
    challenge: str
    user: dict[str, Any]
    misbehave: str
    expires: float


def build(issuer: str, client_id: str, client_secret: str, redirect_uri: str) -> Starlette:
    key = RSAKey.generate_key(2048, parameters={"kid": KID, "use": "sig", "alg": "RS256"})
    foreign = RSAKey.generate_key(2048, parameters={"kid": KID})
    codes: dict[str, Grant] = {}

    async def discovery(_: Request) -> Response:
        return JSONResponse(
            {
                "issuer": issuer,
                "authorization_endpoint": f"{issuer}/authorize",
                "token_endpoint": f"{issuer}/token",
                "jwks_uri": f"{issuer}/jwks",
                "response_types_supported": ["code"],
                "subject_types_supported": ["public"],
                "id_token_signing_alg_values_supported": ["RS256"],
                "scopes_supported": ["openid", "email"],
                "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
                "code_challenge_methods_supported": ["S256"],
                "grant_types_supported": ["authorization_code"],
            }
        )

    async def jwks(_: Request) -> Response:
        return JSONResponse({"keys": [key.as_dict(private=False)]})

    async def authorize(request: Request) -> Response:
        q = request.query_params
        # An unknown client or redirect URI gets no redirect (RFC 6749 §4.1.2.1): the browser stays here.
        if q.get("client_id") != client_id or q.get("redirect_uri") != redirect_uri:
            return PlainTextResponse("unknown client or redirect_uri", status_code=400)
        state = q.get("state", "")
        error = None
        well_formed = q.get("response_type") == "code" and "openid" in q.get("scope", "").split()
        if not well_formed or not q.get("code_challenge") or q.get("code_challenge_method") != "S256":
            error = "invalid_request"
        elif q.get("misbehave") == "deny":
            error = "access_denied"
        if error is not None:
            return RedirectResponse(f"{redirect_uri}?{urlencode({'error': error, 'state': state})}", 302)
        code = secrets.token_urlsafe(32)
        codes[code] = Grant(
            redirect_uri=redirect_uri,
            nonce=q.get("nonce"),
            challenge=q["code_challenge"],
            user={
                "sub": q.get("sub", "agent-1"),
                "email": q.get("email", "agent@example.org"),
                "email_verified": q.get("email_verified", "true") == "true",
            },
            misbehave=q.get("misbehave", ""),
            expires=time.time() + 60,
        )
        return RedirectResponse(f"{redirect_uri}?{urlencode({'code': code, 'state': state})}", 302)

    async def token(request: Request) -> Response:
        fields = dict(parse_qsl((await request.body()).decode()))
        if _client(request, fields) != (client_id, client_secret):
            return JSONResponse({"error": "invalid_client"}, status_code=401)
        if fields.get("grant_type") != "authorization_code":
            return JSONResponse({"error": "unsupported_grant_type"}, status_code=400)
        grant = codes.pop(fields.get("code", ""), None)  # a code serves once
        if grant is None or grant.expires < time.time() or fields.get("redirect_uri") != grant.redirect_uri:
            return JSONResponse({"error": "invalid_grant"}, status_code=400)
        if not compare_s256_code_challenge(fields.get("code_verifier", ""), grant.challenge):
            return JSONResponse({"error": "invalid_grant", "error_description": "PKCE"}, status_code=400)
        now = int(time.time())
        claims = {"iss": issuer, "aud": client_id, "iat": now, "exp": now + 300, **grant.user}
        if grant.nonce is not None:
            claims["nonce"] = "un-autre-nonce" if grant.misbehave == "nonce" else grant.nonce
        signer = foreign if grant.misbehave == "key" else key
        id_token = jwt.encode({"alg": "RS256", "kid": KID}, claims, signer)
        body = {"access_token": secrets.token_urlsafe(32), "token_type": "Bearer", "expires_in": 300}
        return JSONResponse({**body, "id_token": id_token}, headers={"Cache-Control": "no-store"})

    return Starlette(
        routes=[
            Route("/.well-known/openid-configuration", discovery),
            Route("/jwks", jwks),
            Route("/authorize", authorize),
            Route("/token", token, methods=["POST"]),
        ]
    )


def _client(request: Request, fields: dict[str, str]) -> tuple[str, str] | None:
    header = request.headers.get("authorization", "")
    if header.startswith("Basic "):
        user, _, password = base64.b64decode(header[6:]).decode().partition(":")
        return unquote(user), unquote(password)
    if "client_id" in fields:
        return fields["client_id"], fields.get("client_secret", "")
    return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--client-id", required=True)
    parser.add_argument("--client-secret", required=True)
    parser.add_argument("--redirect-uri", required=True)
    args = parser.parse_args()
    issuer = f"http://127.0.0.1:{args.port}"
    app = build(issuer, args.client_id, args.client_secret, args.redirect_uri)
    uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
