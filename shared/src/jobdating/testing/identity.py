"""A stand-in for the identity service in tests and benchmarks: real Ed25519 keys made here, access tokens
signed the way identity signs them, and its JWKS and revocation list served over real HTTP.

    with IdentityStandIn() as identity:
        settings = SitesSettings(..., identity_url=identity.url)
        token = identity.token(sub="acc-1", org="france-travail", roles=["site_manager"])
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from jwt.algorithms import OKPAlgorithm

from jobdating.testing.http_stub import JsonHandler

AUDIENCE = "jobdating"


class IdentityStandIn:
    """Signing keys (current and previous), disabled accounts, and an HTTP server publishing both."""

    def __init__(self) -> None:
        self.keys: dict[str, Ed25519PrivateKey] = {}
        self.current_kid = ""
        self.revoked: dict[str, str] = {}
        self.requests: list[str] = []
        self.rotate()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        # A short poll: the server stops within 50 ms of `shutdown`.
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True)

    def __enter__(self) -> IdentityStandIn:
        self._thread.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._server.shutdown()
        self._server.server_close()

    def rotate(self) -> str:
        """A new signing key, used from now on; the previous ones stay published (their tokens live on)."""
        self.current_kid = f"key-{uuid.uuid4().hex[:12]}"
        self.keys[self.current_kid] = Ed25519PrivateKey.generate()
        return self.current_kid

    def revoke(self, account: str) -> None:
        """Disable an account: it is listed at /revocations from now on."""
        self.revoked[account] = datetime.now(UTC).isoformat()

    def jwks(self) -> dict[str, Any]:
        keys = []
        for kid, key in self.keys.items():
            jwk = json.loads(OKPAlgorithm.to_jwk(key.public_key()))
            keys.append({**jwk, "kid": kid, "alg": "EdDSA", "use": "sig"})
        return {"keys": keys}

    def claims(
        self,
        *,
        sub: str = "acc-0001",
        org: str = "departement-nord",
        roles: Sequence[str] = ("coordinator",),
        lifetime: float = 900.0,
        issued: float | None = None,
        **changes: Any,
    ) -> dict[str, Any]:
        """The claims identity puts in an access token; `changes` overrides or adds any of them."""
        iat = int(issued if issued is not None else time.time())
        claims: dict[str, Any] = {
            "iss": self.url,
            "aud": AUDIENCE,
            "sub": sub,
            "org": org,
            "roles": list(roles),
            "iat": iat,
            "exp": int(iat + lifetime),
            "jti": uuid.uuid4().hex,
        }
        claims.update(changes)
        return claims

    def token(
        self,
        *,
        kid: str | None = None,
        key: Ed25519PrivateKey | None = None,
        claims: dict[str, Any] | None = None,
        **claim_args: Any,
    ) -> str:
        """An access token signed with the current key (or `kid`'s, or another `key` under that kid)."""
        kid = kid or self.current_kid
        signing = key or self.keys[kid]
        body = claims if claims is not None else self.claims(**claim_args)
        return jwt.encode(body, signing, algorithm="EdDSA", headers={"kid": kid})

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        identity = self

        class Handler(JsonHandler):
            def answer(self, path: str) -> Any:
                identity.requests.append(path)
                if path == "/.well-known/jwks.json":
                    return identity.jwks()
                if path == "/revocations":
                    return {"accounts": dict(identity.revoked)}
                return None

        return Handler
