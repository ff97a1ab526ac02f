"""People's access tokens, signed by the identity service and verified offline.

The contract with identity: a JWT signed EdDSA (Ed25519) with a `kid` in its header; claims `iss` (identity's
issuer URL), `aud` = "jobdating", `sub` (the account id, opaque), `org`, `roles` (a list among `Role`),
`iat`, `exp` (about 15 minutes later) and `jti`. Identity publishes its keys at
`{url}/.well-known/jwks.json` (current and previous: a rotation adds a kid) and the accounts it disabled at
`{url}/revocations`, whose tokens are refused from the next refresh of that list on.
"""

from __future__ import annotations

import base64
import binascii
import re
import time
from collections.abc import Callable
from typing import Any

import httpx
import jwt
import msgspec

from jobdating.runtime.identity_lists import RevokedAccounts, SigningKeys
from jobdating.runtime.principals import ROLES, IdentityUnavailable, Principal, Role, Unauthenticated

AUDIENCE = "jobdating"
ALGORITHM = "EdDSA"
REQUIRED_CLAIMS = ["iss", "aud", "sub", "iat", "exp"]
# The org is a token of the subjects events are published on: letters, digits, - and _ only.
_ORG = re.compile(r"[A-Za-z0-9_-]+")
# Tokens already verified, kept until they expire: a client sends the same token for 15 minutes, and the
# signature check (with pyjwt's parsing) costs far more than the read it guards. Bounded: emptied when full.
CACHE_SIZE = 10_000

_REFUSALS: list[tuple[type[jwt.InvalidTokenError], str]] = [
    (jwt.ExpiredSignatureError, "jeton d'accès expiré : reconnectez-vous"),
    (jwt.InvalidAudienceError, "jeton d'accès destiné à une autre application"),
    (jwt.InvalidIssuerError, "jeton d'accès émis par un autre service d'identité"),
    (jwt.ImmatureSignatureError, "jeton d'accès daté du futur"),
    (jwt.InvalidSignatureError, "signature du jeton d'accès invalide"),
]


class AccessTokenVerifier:
    """Checks an access token against identity's keys and revocation list, and names its caller."""

    def __init__(
        self,
        identity_url: str,
        *,
        issuer: str | None = None,
        leeway: float = 30.0,
        revocations_every: float = 30.0,
        revocations_max_age: float | None = None,
        keys_every: float = 600.0,
        http: httpx.Client | None = None,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        base = identity_url.rstrip("/")
        self.issuer = issuer or base
        self.leeway = leeway
        # No redirects: the keys come from the configured address or not at all.
        self._http = http or httpx.Client(timeout=3.0, follow_redirects=False)
        self.keys = SigningKeys(
            self._http, f"{base}/.well-known/jwks.json", every=keys_every, monotonic=monotonic
        )
        self._verified: dict[str, tuple[Principal, float, str]] = {}
        self.revoked = RevokedAccounts(
            self._http,
            f"{base}/revocations",
            every=revocations_every,
            max_age=revocations_max_age,
            monotonic=monotonic,
        )

    def verify(self, token: str) -> Principal:
        """The caller the token names, or `Unauthenticated` with a French reason."""
        principal = self._verified_before(token)
        if principal is None:
            claims = self.claims(token)
            principal = _principal(claims)
            if len(self._verified) >= CACHE_SIZE:
                self._verified.clear()
            self._verified[token] = (principal, float(claims["exp"]), _header(token)["kid"])
        # Checked on every request, cached or not: a disabled account stops at the next refresh of the list.
        try:
            revoked = self.revoked.is_revoked(principal.actor_id)
        except RevokedAccounts.Stale:
            raise IdentityUnavailable(
                "service d'identité injoignable : impossible de vérifier que le compte est actif, réessayez"
            ) from None
        if revoked:
            raise Unauthenticated("compte désactivé : ses jetons d'accès ne sont plus acceptés")
        return principal

    def _verified_before(self, token: str) -> Principal | None:
        found = self._verified.get(token)
        if found is None:
            return None
        principal, expires, kid = found
        # Still before its expiry, and its key still published (a withdrawn key takes its tokens with it).
        if time.time() > expires + self.leeway or self.keys.get(kid) is None:
            self._verified.pop(token, None)
            return None
        return principal

    def claims(self, token: str) -> dict[str, Any]:
        """The token's claims once its signature, algorithm, audience, issuer and dates are checked."""
        header = _header(token)
        # Only EdDSA: `none`, or HS256 keyed with the public key, would let anyone sign.
        alg = header.get("alg")
        if alg != ALGORITHM:
            raise Unauthenticated(f"algorithme de signature {alg!r} refusé (EdDSA attendu)")
        kid = header.get("kid")
        if not isinstance(kid, str) or not kid:
            raise Unauthenticated("jeton d'accès sans identifiant de clé (kid)")
        key = self.keys.get(kid)
        if key is None:
            raise Unauthenticated("jeton d'accès signé par une clé inconnue du service d'identité")
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                key,
                algorithms=[ALGORITHM],
                audience=AUDIENCE,
                issuer=self.issuer,
                leeway=self.leeway,
                options={"require": REQUIRED_CLAIMS, "strict_aud": True},
            )
        except jwt.MissingRequiredClaimError as missing:
            raise Unauthenticated(f"jeton d'accès incomplet (champ {missing.claim} manquant)") from None
        except jwt.InvalidTokenError as invalid:
            reason = next((r for kind, r in _REFUSALS if isinstance(invalid, kind)), "jeton d'accès invalide")
            raise Unauthenticated(reason) from None
        return claims


def _principal(claims: dict[str, Any]) -> Principal:
    account, org, roles = claims.get("sub"), claims.get("org"), claims.get("roles")
    if not isinstance(account, str) or not account:
        raise Unauthenticated("jeton d'accès sans compte (sub)")
    if not isinstance(org, str) or not _ORG.fullmatch(org):
        raise Unauthenticated("jeton d'accès sans organisation valable (org)")
    if not isinstance(roles, list) or not all(isinstance(r, str) for r in roles):
        raise Unauthenticated("jeton d'accès sans liste de rôles (roles)")
    # A role this service does not know yet (a newer identity) grants nothing here.
    known: frozenset[Role] = frozenset(r for r in roles if r in ROLES)
    return Principal(org=org, actor_id=account, roles=known)


def _header(token: str) -> dict[str, Any]:
    """The token's header, read only to pick the algorithm and the key: `jwt.decode` reads it again
    strictly, with the signature (pyjwt's own reading costs as much as the signature check)."""
    segment = token.partition(".")[0]
    try:
        header = msgspec.json.decode(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))
    except (binascii.Error, ValueError):
        raise Unauthenticated("jeton d'accès illisible") from None
    if not isinstance(header, dict):
        raise Unauthenticated("jeton d'accès illisible")
    return header
