"""Signing in: an address, a password and, for the roles that see other organisations' people, a TOTP code.

Against guessing: failed tries are counted per account (the hash of the address typed, known or not) and
per client address; past `max_failures` within `window`, tries are refused with the time to wait, before
any password is checked. Against enumeration: an unknown address costs the same password hash as a known
one and gets the same answer as a wrong password.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import KW_ONLY, dataclass
from datetime import datetime, timedelta
from typing import Any, NoReturn

from jobdating.identity.application.ports import Login, Passwords, PrivateTables, SecondFactor, Signer
from jobdating.identity.domain.errors import Forbidden, Problem, Throttled, Unauthenticated
from jobdating.identity.domain.permissions import requires_second_factor
from jobdating.identity.domain.validation import is_typed_text
from jobdating.runtime.clock import Clock
from jobdating.runtime.commands import CommandBus

AUDIENCE = "jobdating"
WRONG = "adresse électronique ou mot de passe incorrect"
WRONG_CODE = "code de vérification incorrect ou déjà utilisé"
CODE_NEEDED = "code de vérification requis : ouvrez votre application d'authentification"
TOO_MANY = "trop d'essais infructueux : réessayez dans {minutes} minute(s)"


@dataclass(frozen=True, kw_only=True)
class AccessToken:
    """What a successful sign-in answers (OAuth 2's token response)."""

    access_token: str
    token_type: str = "Bearer"  # noqa: S105 - the scheme's name, not a secret
    expires_in: int


@dataclass(eq=False)
class SignIn:
    """Checks credentials and issues short-lived signed access tokens."""

    bus: CommandBus
    private: PrivateTables
    passwords: Passwords
    second_factor: SecondFactor
    signer: Signer
    _: KW_ONLY
    issuer: str
    token_ttl: timedelta
    max_failures: int
    window: timedelta
    log: Any = None

    @property
    def clock(self) -> Clock:
        return self.bus.clock

    def sign_in(self, email: str, password: str, code: str | None, client: str) -> AccessToken:
        """A token for the account, or a refusal: `Throttled`, `Unauthenticated` or `Forbidden`."""
        address = email.strip().lower()
        account_key = "account:" + hashlib.sha256(address.encode()).hexdigest()
        keys = (account_key, "address:" + hashlib.sha256(client.encode()).hexdigest())
        since = self.clock.now() - self.window
        # An address no one could have been invited with (a NUL, a control character) is looked up nowhere.
        typed = is_typed_text(address)
        failures, login = self.bus.store.write(
            lambda tx: (
                self.private.failures(tx, keys, since),
                self.private.login_by_email(tx, address) if typed else None,
            )
        )
        self._not_throttled(failures)
        if login is None or login.password_hash is None:
            self.passwords.burn(password)
            self._failed(keys, "email", WRONG)
        if not self.passwords.verify(login.password_hash, password):
            self._failed(keys, "email", WRONG)
        if login.status == "disabled":
            raise Forbidden.on("email", "ce compte est désactivé : adressez-vous à votre organisation")
        if requires_second_factor(login.roles):
            self._second_factor(login, code, keys)
        self.bus.store.write(lambda tx: self.private.clear_failures(tx, account_key))
        if self.log is not None:
            self.log.info("signed_in", account_id=login.account_id)
        return self.issue(login)

    def _second_factor(self, login: Login, code: str | None, keys: tuple[str, ...]) -> None:
        if login.totp_secret is None:
            # Cannot happen through the API (a role needing it is granted only with it): refuse, clearly.
            raise Forbidden.on(
                "code", "second facteur non configuré pour ce compte : adressez-vous à la coordination"
            )
        if not code:
            raise Unauthenticated.on("code", CODE_NEEDED)
        step = self.second_factor.check(login.totp_secret, code.strip(), self.clock.now(), login.totp_step)
        if step is None:
            self._failed(keys, "code", WRONG_CODE)
        self.bus.store.write(lambda tx: self.private.set_totp_step(tx, login.account_id, step))

    def issue(self, login: Login) -> AccessToken:
        """The access token of an account that proved who it is (here, or through its organisation's
        OpenID Connect provider)."""
        now = self.clock.now()
        expires = now + self.token_ttl
        claims = {
            "iss": self.issuer,
            "aud": AUDIENCE,
            "sub": login.account_id,
            "org": login.organisation_id,
            "roles": list(login.roles),
            "iat": int(now.timestamp()),
            "exp": int(expires.timestamp()),
            "jti": self.bus.ids(),
        }
        return AccessToken(
            access_token=self.signer.sign(claims), expires_in=int(self.token_ttl.total_seconds())
        )

    def _not_throttled(self, failures: dict[str, list[datetime]]) -> None:
        # Tries are heard again once enough failures left the window to bring the count below the limit.
        now = self.clock.now()
        waits = [
            sorted(times)[len(times) - self.max_failures] + self.window - now
            for times in failures.values()
            if len(times) >= self.max_failures
        ]
        if waits:
            seconds = max(1, math.ceil(max(waits).total_seconds()))
            minutes = math.ceil(seconds / 60)
            raise Throttled([Problem("email", TOO_MANY.format(minutes=minutes))], retry_after=seconds)

    def _failed(self, keys: tuple[str, ...], field: str, reason: str) -> NoReturn:
        now = self.clock.now()
        self.bus.store.write(lambda tx: self.private.add_failure(tx, keys, now, now - self.window))
        raise Unauthenticated.on(field, reason)
