"""Identity's access tokens verified offline: signature against the published keys, EdDSA only, audience,
issuer, dates, and the list of disabled accounts (served by a real HTTP server in the test)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from collections.abc import Iterator
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from jobdating.runtime.access_tokens import AccessTokenVerifier
from jobdating.runtime.principals import IdentityUnavailable, Unauthenticated
from jobdating.testing.identity import IdentityStandIn


class Clock:
    """The verifier's monotonic clock, moved on by the test to make its lists stale."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def identity() -> Iterator[IdentityStandIn]:
    with IdentityStandIn() as identity:
        yield identity


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def verifier(identity: IdentityStandIn, clock: Clock) -> AccessTokenVerifier:
    return AccessTokenVerifier(identity.url, revocations_every=30.0, monotonic=clock)


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _unsigned(header: dict[str, Any], claims: dict[str, Any], key: bytes | None = None) -> str:
    """A token built by hand: `alg: none` (no key) or HS256 keyed with `key`."""
    signing_input = f"{_b64(json.dumps(header).encode())}.{_b64(json.dumps(claims).encode())}"
    signature = b"" if key is None else hmac.new(key, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{_b64(signature)}"


def _refusal(verifier: AccessTokenVerifier, token: str) -> str:
    with pytest.raises(Unauthenticated) as refused:
        verifier.verify(token)
    assert refused.type is Unauthenticated  # a 401, not identity being out of reach
    return refused.value.reason


def test_a_valid_token_names_the_account_its_org_and_roles(
    identity: IdentityStandIn, verifier: AccessTokenVerifier
) -> None:
    token = identity.token(sub="acc-42", org="mission-locale", roles=["coordinator", "counsellor"])
    principal = verifier.verify(token)
    assert principal.actor_id == "acc-42"
    assert principal.org == "mission-locale"
    assert principal.roles == {"coordinator", "counsellor"}
    assert principal.has("counsellor")
    assert principal.has("coordinator")
    assert not principal.has("viewer")


def test_roles_this_service_does_not_know_grant_nothing(
    identity: IdentityStandIn, verifier: AccessTokenVerifier
) -> None:
    principal = verifier.verify(identity.token(roles=["viewer", "superuser"]))
    assert principal.roles == {"viewer"}


def test_a_token_signed_by_another_key_under_a_known_kid_is_refused(
    identity: IdentityStandIn, verifier: AccessTokenVerifier
) -> None:
    forged = identity.token(key=Ed25519PrivateKey.generate())
    assert "signature" in _refusal(verifier, forged)


def test_a_token_of_an_unknown_kid_is_refused_and_refetches_keys_at_most_once_per_interval(
    identity: IdentityStandIn, verifier: AccessTokenVerifier, clock: Clock
) -> None:
    verifier.verify(identity.token())
    key = Ed25519PrivateKey.generate()
    for n in range(5):
        assert "clé inconnue" in _refusal(verifier, identity.token(kid=f"forged-{n}", key=key))
    assert identity.requests.count("/.well-known/jwks.json") == 2  # the first fetch, then one retry
    clock.now += 6
    _refusal(verifier, identity.token(kid="forged-9", key=key))
    assert identity.requests.count("/.well-known/jwks.json") == 3


def test_alg_none_is_refused(identity: IdentityStandIn, verifier: AccessTokenVerifier) -> None:
    token = _unsigned({"alg": "none", "typ": "JWT", "kid": identity.current_kid}, identity.claims())
    assert "'none' refusé" in _refusal(verifier, token)


def test_hs256_keyed_with_the_public_key_is_refused(
    identity: IdentityStandIn, verifier: AccessTokenVerifier
) -> None:
    public = identity.keys[identity.current_kid].public_key()
    for secret in (public.public_bytes(Encoding.Raw, PublicFormat.Raw), json.dumps(identity.jwks()).encode()):
        token = _unsigned({"alg": "HS256", "kid": identity.current_kid}, identity.claims(), secret)
        assert "'HS256' refusé" in _refusal(verifier, token)


def test_expired_tokens_are_refused_past_a_small_leeway(
    identity: IdentityStandIn, verifier: AccessTokenVerifier
) -> None:
    now = time.time()
    assert verifier.verify(identity.token(issued=now - 910, lifetime=900))  # 10 s late: within the leeway
    assert "expiré" in _refusal(verifier, identity.token(issued=now - 1000, lifetime=900))


def test_a_token_issued_in_the_future_is_refused(
    identity: IdentityStandIn, verifier: AccessTokenVerifier
) -> None:
    assert "futur" in _refusal(verifier, identity.token(issued=time.time() + 300))


def test_another_audience_or_issuer_is_refused(
    identity: IdentityStandIn, verifier: AccessTokenVerifier
) -> None:
    assert "autre application" in _refusal(verifier, identity.token(aud="another-app"))
    assert "autre application" in _refusal(verifier, identity.token(aud=["jobdating", "another-app"]))
    assert "autre service d'identité" in _refusal(verifier, identity.token(iss="https://elsewhere"))


def test_a_token_without_expiry_or_org_is_refused(
    identity: IdentityStandIn, verifier: AccessTokenVerifier
) -> None:
    claims = identity.claims()
    del claims["exp"]
    assert "exp manquant" in _refusal(verifier, identity.token(claims=claims))
    assert "organisation" in _refusal(verifier, identity.token(org="bad org"))
    assert "illisible" in _refusal(verifier, "not.a.jwt")


def test_a_disabled_account_is_refused_once_the_list_is_refreshed(
    identity: IdentityStandIn, verifier: AccessTokenVerifier, clock: Clock
) -> None:
    token = identity.token(sub="acc-7")
    assert verifier.verify(token).actor_id == "acc-7"
    identity.revoke("acc-7")
    assert verifier.verify(token).actor_id == "acc-7"  # the list is 0 s old: not refetched yet
    clock.now += 31
    assert "compte désactivé" in _refusal(verifier, token)
    assert verifier.verify(identity.token(sub="acc-8")).actor_id == "acc-8"


def test_after_a_rotation_new_and_old_tokens_verify(
    identity: IdentityStandIn, verifier: AccessTokenVerifier
) -> None:
    old = identity.token(sub="acc-old")
    assert verifier.verify(old).actor_id == "acc-old"
    identity.rotate()
    new = identity.token(sub="acc-new")
    assert verifier.verify(new).actor_id == "acc-new"  # the unknown kid made the verifier refetch
    assert verifier.verify(old).actor_id == "acc-old"


def test_without_the_revocation_list_no_access_token_is_trusted(identity: IdentityStandIn) -> None:
    token = identity.token()
    unreachable = AccessTokenVerifier("http://127.0.0.1:9", issuer=identity.url)
    with pytest.raises(Unauthenticated):  # no keys either: an unknown key, a 401
        unreachable.verify(token)
    clock = Clock()
    verifier = AccessTokenVerifier(identity.url, revocations_every=30.0, monotonic=clock)
    verifier.verify(token)
    identity.__exit__(None, None, None)  # identity goes away
    clock.now += 31
    assert verifier.verify(token)  # a 31 s old list still stands
    clock.now += 300
    with pytest.raises(IdentityUnavailable) as unavailable:
        verifier.verify(token)
    assert unavailable.value.status_code == 503


def test_a_token_verified_before_still_expires_and_still_needs_its_key(
    identity: IdentityStandIn, clock: Clock
) -> None:
    verifier = AccessTokenVerifier(identity.url, leeway=0, monotonic=clock)
    short = identity.token(sub="acc-short", lifetime=1)
    assert verifier.verify(short).actor_id == "acc-short"
    time.sleep(1.1)
    assert "expiré" in _refusal(verifier, short)
    # A key withdrawn from the JWKS (compromised) takes its already verified tokens with it.
    token = identity.token(sub="acc-1")
    assert verifier.verify(token).actor_id == "acc-1"
    withdrawn = identity.current_kid
    identity.rotate()
    del identity.keys[withdrawn]
    clock.now += 601  # the keys' periodic refresh is due
    verifier.verify(identity.token(sub="acc-2"))  # a new kid: the keys are refetched
    assert "clé inconnue" in _refusal(verifier, token)
