"""An organisation's OpenID Connect provider, as a relying party talks to it (the `IdentityProvider` port).

Discovery document from `{issuer}/.well-known/openid-configuration` (its `issuer` must be the configured
one), authorization request and token request built with authlib's RFC 6749 / RFC 7636 helpers and sent
with httpx, ID token verified with joserfc against the provider's JWKS (fetched again once when a token
names a key id it does not hold: the provider rotated its keys) and its claims checked with authlib's
`CodeIDToken`: `iss`, `aud` (and `azp`), `exp`, `iat`, `nonce`, `at_hash`.
"""

from __future__ import annotations

import threading
from typing import Any, Final
from urllib.parse import quote

import httpx
from authlib.oauth2.rfc6749.parameters import (  # type: ignore[import-untyped]
    prepare_grant_uri,
    prepare_token_request,
)
from authlib.oauth2.rfc7636 import create_s256_code_challenge  # type: ignore[import-untyped]
from authlib.oidc.core import CodeIDToken  # type: ignore[import-untyped]
from joserfc import jwt
from joserfc.errors import InvalidKeyIdError, JoseError
from joserfc.jwk import KeySet
from joserfc.jws import JWSRegistry

from jobdating.identity.application.oidc_ports import (
    InvalidIdToken,
    ProviderIdentity,
    ProviderRefused,
    ProviderUnavailable,
)

# Asymmetric algorithms only: an HMAC-signed ID token would be keyed with the client secret.
ALGORITHMS: Final = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "EdDSA")
LEEWAY_SECONDS: Final = 60


class OidcProvider:
    """One provider, its discovery document and keys cached for the life of the process."""

    def __init__(
        self,
        issuer: str,
        client_id: str,
        client_secret: str,
        *,
        email_domain: str | None = None,
        scope: str = "openid email",
        timeout: float = 10.0,
    ) -> None:
        self._issuer = issuer.rstrip("/")
        self.client_id = client_id
        self._secret = client_secret
        self._email_domain = email_domain
        self.scope = scope
        self.timeout = timeout
        self._lock = threading.Lock()
        self._metadata: dict[str, Any] | None = None
        self._keys: KeySet | None = None

    def __repr__(self) -> str:  # the secret never reaches a log line
        return f"OidcProvider(issuer={self._issuer!r}, client_id={self.client_id!r})"

    @property
    def issuer(self) -> str:
        return self._issuer

    @property
    def email_domain(self) -> str | None:
        return self._email_domain

    def authorization_url(self, redirect_uri: str, state: str, nonce: str, code_verifier: str) -> str:
        url: str = prepare_grant_uri(
            self._metadata_value("authorization_endpoint"),
            self.client_id,
            "code",
            redirect_uri=redirect_uri,
            scope=self.scope,
            state=state,
            nonce=nonce,
            code_challenge=create_s256_code_challenge(code_verifier),
            code_challenge_method="S256",
        )
        return url

    def identity(self, code: str, redirect_uri: str, code_verifier: str, nonce: str) -> ProviderIdentity:
        tokens = self._exchange(code, redirect_uri, code_verifier)
        id_token = tokens.get("id_token")
        if not isinstance(id_token, str):
            raise InvalidIdToken("no id_token in the token response")
        claims = self._verified(id_token, nonce, tokens.get("access_token"))
        email = claims.get("email")
        return ProviderIdentity(
            issuer=self._issuer,
            subject=str(claims["sub"]),
            email=email if isinstance(email, str) else None,
            # Only a JSON `true` counts: some providers send strings, which say nothing reliable.
            email_verified=claims.get("email_verified") is True,
        )

    def _exchange(self, code: str, redirect_uri: str, code_verifier: str) -> dict[str, Any]:
        body: str = prepare_token_request(
            "authorization_code", redirect_uri=redirect_uri, code=code, code_verifier=code_verifier
        )
        headers = {"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"}
        methods = self._metadata_value("token_endpoint_auth_methods_supported", ["client_secret_basic"])
        if "client_secret_basic" in methods:
            # RFC 6749 §2.3.1: both parts form-encoded before Basic encoding.
            auth: httpx.BasicAuth | None = httpx.BasicAuth(quote(self.client_id, ""), quote(self._secret, ""))
        else:
            auth = None
            body += "&" + str(httpx.QueryParams({"client_id": self.client_id, "client_secret": self._secret}))
        try:
            response = httpx.post(
                self._metadata_value("token_endpoint"),
                content=body,
                headers=headers,
                auth=auth,
                timeout=self.timeout,
            )
        except httpx.HTTPError as exc:
            raise ProviderUnavailable(f"token endpoint: {exc}") from exc
        answer = _json(response)
        if response.status_code in (400, 401) and isinstance(answer, dict) and "error" in answer:
            raise ProviderRefused(str(answer["error"]))
        if response.status_code != 200 or not isinstance(answer, dict):
            raise ProviderUnavailable(f"token endpoint answered {response.status_code}")
        return answer

    def _verified(self, id_token: str, nonce: str, access_token: Any) -> dict[str, Any]:
        offered = self._metadata_value("id_token_signing_alg_values_supported", ["RS256"])
        registry = JWSRegistry(algorithms=[alg for alg in offered if alg in ALGORITHMS])
        try:
            try:
                token = jwt.decode(id_token, self._key_set(), registry=registry)
            except InvalidKeyIdError:
                token = jwt.decode(id_token, self._key_set(refresh=True), registry=registry)
            options = {
                "iss": {"essential": True, "value": self._issuer},
                "aud": {"essential": True, "value": self.client_id},
                "sub": {"essential": True},
                "nonce": {"essential": True, "value": nonce},
            }
            params = {"nonce": nonce, "client_id": self.client_id}
            if isinstance(access_token, str):
                params["access_token"] = access_token
            claims = CodeIDToken(token.claims, token.header, options, params)
            claims.validate(leeway=LEEWAY_SECONDS)
        except (JoseError, ValueError) as exc:
            raise InvalidIdToken(f"{type(exc).__name__}: {exc}") from exc
        return dict(claims)

    def _key_set(self, refresh: bool = False) -> KeySet:
        with self._lock:
            keys = self._keys
        if keys is None or refresh:
            answer = _json(self._get(self._metadata_value("jwks_uri")))
            try:
                keys = KeySet.import_key_set(answer)
            except (JoseError, ValueError, TypeError, KeyError) as exc:
                raise ProviderUnavailable(f"unreadable JWKS: {exc}") from exc
            with self._lock:
                self._keys = keys
        return keys

    def _metadata_value(self, name: str, default: Any = None) -> Any:
        with self._lock:
            metadata = self._metadata
        if metadata is None:
            metadata = _json(self._get(f"{self._issuer}/.well-known/openid-configuration"))
            # OpenID Connect Discovery §4.3: the document must name the issuer it was fetched for.
            if not isinstance(metadata, dict) or str(metadata.get("issuer", "")).rstrip("/") != self._issuer:
                raise ProviderUnavailable("discovery document of another issuer")
            with self._lock:
                self._metadata = metadata
        value = metadata.get(name, default)
        if value is None:
            raise ProviderUnavailable(f"discovery document has no {name}")
        return value

    def _get(self, url: str) -> httpx.Response:
        try:
            response = httpx.get(url, timeout=self.timeout, headers={"Accept": "application/json"})
        except httpx.HTTPError as exc:
            raise ProviderUnavailable(f"{url}: {exc}") from exc
        if response.status_code != 200:
            raise ProviderUnavailable(f"{url} answered {response.status_code}")
        return response


def _json(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError as exc:
        raise ProviderUnavailable(f"not JSON: {exc}") from exc
