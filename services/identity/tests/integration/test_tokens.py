"""Access tokens: EdDSA JWTs whose claims and signature check against the published JWKS, key rotation
that keeps earlier tokens valid until they expire, and the revocation list of disabled accounts."""

from __future__ import annotations

import base64
import json
from datetime import timedelta
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from .conftest import ISSUER, ORG, Api

COUNSELLOR = "conseiller@departement-nord.example"


async def jwks(api: Api) -> dict[str, Any]:
    response = await api.call("GET", "/.well-known/jwks.json")
    assert response.status_code == 200
    keys: dict[str, Any] = response.json()
    return keys


def verified(token: str, keys: dict[str, Any]) -> dict[str, Any]:
    """The claims, checked as another service would: the key named by `kid`, EdDSA, audience, issuer."""
    kid = jwt.get_unverified_header(token)["kid"]
    (jwk,) = [k for k in keys["keys"] if k["kid"] == kid]
    claims: dict[str, Any] = jwt.decode(
        token, jwt.PyJWK(jwk).key, algorithms=["EdDSA"], audience="jobdating", issuer=ISSUER
    )
    return claims


async def test_a_token_carries_exactly_its_claims_and_verifies_against_the_jwks(api: Api) -> None:
    coordinator = await api.coordinator()
    response = await api.sign_in("conseiller@x.fr", "peu importe")  # 401; then a real one
    assert response.status_code == 401
    api.clock.advance(timedelta(seconds=31))
    signed = (await api.sign_in("coordination@departement-nord.example")).json()
    assert signed["token_type"] == "Bearer"
    assert signed["expires_in"] == 15 * 60
    keys = await jwks(api)
    (jwk,) = keys["keys"]
    assert {k: jwk[k] for k in ("kty", "crv", "alg", "use")} == {
        "kty": "OKP",
        "crv": "Ed25519",
        "alg": "EdDSA",
        "use": "sig",
    }
    header = jwt.get_unverified_header(signed["access_token"])
    assert (header["alg"], header["kid"]) == ("EdDSA", jwk["kid"])
    claims = verified(signed["access_token"], keys)
    assert set(claims) == {"iss", "aud", "sub", "org", "roles", "iat", "exp", "jti"}
    assert claims["sub"] == api.account_id("coordination@departement-nord.example")
    assert claims["sub"].startswith("acc-")
    assert (claims["iss"], claims["aud"], claims["org"], claims["roles"]) == (
        ISSUER,
        "jobdating",
        ORG,
        ["coordinator"],
    )
    assert claims["exp"] - claims["iat"] == 15 * 60
    assert claims["jti"] != verified(coordinator, keys)["jti"]


async def test_a_token_signed_otherwise_is_refused(api: Api) -> None:
    coordinator = await api.coordinator()
    claims = jwt.decode(coordinator, options={"verify_signature": False})
    kid = jwt.get_unverified_header(coordinator)["kid"]
    foreign = jwt.encode(claims, Ed25519PrivateKey.generate(), algorithm="EdDSA", headers={"kid": kid})
    head = base64.urlsafe_b64encode(json.dumps({"alg": "none", "kid": kid}).encode()).rstrip(b"=").decode()
    unsigned = f"{head}.{coordinator.split('.')[1]}."
    for token in (foreign, unsigned, coordinator + "x", "n'importe quoi"):
        refused = await api.call("GET", "/accounts", token)
        assert refused.status_code == 401, token
        assert refused.json()["detail"][0]["field"] == "Authorization"
    assert (await api.call("GET", "/accounts", coordinator)).status_code == 200


async def test_rotation_keeps_earlier_tokens_valid_until_they_expire(api: Api) -> None:
    coordinator = await api.coordinator()
    old_kid = jwt.get_unverified_header(coordinator)["kid"]
    rotated = await api.call("POST", "/keys/rotate", coordinator)
    assert rotated.status_code == 200
    new_kid = rotated.json()["kid"]
    assert new_kid != old_kid
    keys = await jwks(api)
    assert [k["kid"] for k in keys["keys"]] == [new_kid, old_kid]
    verified(coordinator, keys)  # the earlier token still checks against the published keys
    assert (await api.call("GET", "/accounts", coordinator)).status_code == 200

    api.clock.advance(timedelta(seconds=31))
    fresh = (await api.sign_in("coordination@departement-nord.example")).json()["access_token"]
    assert jwt.get_unverified_header(fresh)["kid"] == new_kid
    verified(fresh, keys)

    # Once every token the old key signed has expired, it is no longer published.
    api.clock.advance(timedelta(minutes=15))
    assert [k["kid"] for k in (await jwks(api))["keys"]] == [new_kid]
    assert (await api.call("GET", "/accounts", coordinator)).status_code == 401


async def test_only_the_coordination_rotates_keys(api: Api) -> None:
    coordinator = await api.coordinator()
    counsellor = await api.onboard(coordinator, ORG, COUNSELLOR, "counsellor")
    refused = await api.call("POST", "/keys/rotate", counsellor)
    assert refused.status_code == 403
    assert len((await jwks(api))["keys"]) == 1


async def test_a_disabled_account_is_listed_in_the_revocations_and_its_token_refused(api: Api) -> None:
    coordinator = await api.coordinator()
    counsellor = await api.onboard(coordinator, ORG, COUNSELLOR, "counsellor")
    assert (await api.call("GET", "/revocations")).json() == {"accounts": {}}
    account_id = api.account_id(COUNSELLOR)
    disabled = await api.call("POST", f"/accounts/{account_id}/disable", coordinator)
    assert disabled.status_code == 200
    assert disabled.json()["status"] == "disabled"
    revoked = (await api.call("GET", "/revocations")).json()["accounts"]
    assert list(revoked) == [account_id]
    assert revoked[account_id].startswith(api.clock.now().isoformat()[:19])
    # Still within its lifetime, the token no longer opens anything.
    assert (await api.call("GET", "/accounts", counsellor)).status_code == 401
    again = await api.call("POST", f"/accounts/{account_id}/disable", coordinator)
    assert again.status_code == 409
