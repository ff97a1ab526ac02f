"""Signing in through an organisation's OpenID Connect provider (ProConnect for public agents): the
authorization code flow with PKCE, `state` and `nonce`, ending in identity's own access token.

The provider replaces the password, not the invitation: its verified e-mail must be that of an account the
organisation's admin invited beforehand, in that organisation; an invited account is activated by its first
sign-in there. The account is then linked to the provider's (issuer, subject), so that a later change of
address at the provider still finds it. Roles that need a second factor (coordination, partner admins) keep
signing in with their password and code: a provider's sign-in does not say a second factor was used.

A sign-in under way is kept server-side under the hash of its `state`, bound to the browser that started it
(a random value in a cookie, kept hashed) and used once: a forged, replayed or stolen callback finds nothing.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import KW_ONLY, dataclass
from datetime import timedelta
from typing import Any

from jobdating.identity.application.handlers import ACCOUNTS
from jobdating.identity.application.oidc_ports import (
    IdentityProvider,
    InvalidIdToken,
    OidcTables,
    PendingSignIn,
    ProviderIdentity,
    ProviderRefused,
    ProviderUnavailable,
)
from jobdating.identity.application.ports import Login, PrivateTables, Randomness
from jobdating.identity.application.sign_in import AccessToken, SignIn
from jobdating.identity.domain import decide
from jobdating.identity.domain.commands import ActivateAccount
from jobdating.identity.domain.errors import Forbidden, IdentityRefusal, NotFound, Unauthenticated
from jobdating.identity.domain.permissions import requires_second_factor
from jobdating.runtime.commands import CommandBus, Meta, UnitOfWork

NO_PROVIDER = "aucun fournisseur d'identité n'est configuré pour cette organisation"
UNKNOWN_STATE = "demande de connexion inconnue, expirée ou déjà utilisée : recommencez la connexion"
OTHER_BROWSER = "cette connexion a été commencée dans un autre navigateur : recommencez la connexion"
DENIED = "la connexion a été refusée ou annulée chez le fournisseur d'identité"
CODE_REFUSED = (
    "le fournisseur d'identité a refusé le code de connexion (expiré ou déjà utilisé) : recommencez"
)
NOT_VERIFIED = "votre adresse électronique n'est pas vérifiée chez le fournisseur d'identité"
OTHER_DOMAIN = "cette adresse électronique ne peut pas se connecter par ce fournisseur d'identité"
NOT_INVITED = (
    "aucun compte n'a été ouvert pour cette adresse dans cette organisation : "
    "demandez une invitation à son administrateur"
)
OTHER_SUBJECT = (
    "ce compte est déjà lié à une autre identité chez ce fournisseur : adressez-vous à votre organisation"
)
DISABLED = "ce compte est désactivé : adressez-vous à votre organisation"
SECOND_FACTOR = (
    "ce compte exige un second facteur : connectez-vous avec votre mot de passe et votre code de vérification"
)


class BadCallback(IdentityRefusal):
    """A callback that belongs to no sign-in under way (forged, replayed, from another browser)."""


def _hash(value: str) -> str:
    # State and browser values are 256 random bits: a plain SHA-256 keeps the table from being replayable.
    return hashlib.sha256(value.encode()).hexdigest()


@dataclass(frozen=True, kw_only=True)
class Started:
    """Where to send the browser, and the value it must bring back (in a cookie) with the callback."""

    url: str
    browser: str


@dataclass(eq=False)
class OidcSignIn:
    """Starts sign-ins at organisations' providers and turns their callbacks into access tokens."""

    bus: CommandBus
    private: PrivateTables
    tables: OidcTables
    providers: Mapping[str, IdentityProvider]
    randomness: Randomness
    sign_in: SignIn
    _: KW_ONLY
    org: str
    redirect_uri: str
    ttl: timedelta
    log: Any = None

    def start(self, organisation_id: str) -> Started:
        """A new sign-in at the organisation's provider; `NotFound` when it has none."""
        provider = self.providers.get(organisation_id)
        if provider is None:
            raise NotFound.on("organisation_id", NO_PROVIDER)
        state, nonce, verifier, browser = (self.randomness.token() for _ in range(4))
        url = provider.authorization_url(self.redirect_uri, state, nonce, verifier)
        now = self.bus.clock.now()
        pending = PendingSignIn(
            organisation_id=organisation_id,
            nonce=nonce,
            code_verifier=verifier,
            browser_hash=_hash(browser),
            expires_at=now + self.ttl,
        )
        self.bus.store.write(lambda tx: self.tables.add_pending(tx, _hash(state), pending, now))
        return Started(url=url, browser=browser)

    def callback(
        self, state: str | None, code: str | None, error: str | None, browser: str | None, correlation_id: str
    ) -> AccessToken:
        """The access token of the account the provider's verified identity maps to, or a refusal."""
        pending = self.bus.store.write(lambda tx: self.tables.take_pending(tx, _hash(state or "")))
        if pending is None or pending.expires_at <= self.bus.clock.now():
            raise BadCallback.on("state", UNKNOWN_STATE)
        if browser is None or not hmac.compare_digest(_hash(browser), pending.browser_hash):
            raise BadCallback.on("state", OTHER_BROWSER)
        if error is not None or not code:
            raise Unauthenticated.on("code", DENIED)
        provider = self.providers.get(pending.organisation_id)
        if provider is None:  # removed from the settings while the person was at the provider
            raise NotFound.on("organisation_id", NO_PROVIDER)
        try:
            identity = provider.identity(code, self.redirect_uri, pending.code_verifier, pending.nonce)
        except (ProviderRefused, InvalidIdToken, ProviderUnavailable) as exc:
            # The reason goes to the log only (in English); the person gets a French one.
            if self.log is not None:
                self.log.warning(
                    "oidc_sign_in_failed", organisation_id=pending.organisation_id, error=repr(exc)
                )
            if isinstance(exc, ProviderRefused):
                raise BadCallback.on("code", CODE_REFUSED) from exc
            raise
        login = self.bus.run(
            lambda w: self._account(w, pending.organisation_id, provider, identity, correlation_id)
        )
        if self.log is not None:
            self.log.info("signed_in", account_id=login.account_id, method="oidc")
        return self.sign_in.issue(login)

    def _account(
        self,
        w: UnitOfWork,
        organisation_id: str,
        provider: IdentityProvider,
        identity: ProviderIdentity,
        correlation_id: str,
    ) -> Login:
        linked = self.tables.linked_account(w.tx, identity.issuer, identity.subject)
        login = (
            self.private.login_by_account(w.tx, linked)
            if linked is not None
            else self._by_email(w, provider, identity)
        )
        if login is None or login.organisation_id != organisation_id:
            raise Forbidden.on("email", NOT_INVITED)
        if login.status == "disabled":
            raise Forbidden.on("email", DISABLED)
        if requires_second_factor(login.roles):
            raise Forbidden.on("email", SECOND_FACTOR)
        if linked is None:
            self.tables.link(w.tx, identity.issuer, identity.subject, login.account_id, self.bus.clock.now())
        if login.status == "invited":
            account = w.fold(ACCOUNTS, login.account_id)
            command = ActivateAccount(account_id=login.account_id, second_factor=False)
            # As with an invitation link, the person activating acts for themselves.
            meta = Meta(org=self.org, actor_id=login.account_id, correlation_id=correlation_id)
            w.append(login.account_id, decide.activate_account(command, account), meta)
        return login

    def _by_email(
        self, w: UnitOfWork, provider: IdentityProvider, identity: ProviderIdentity
    ) -> Login | None:
        # Only a first sign-in goes by address: later ones find the account by the provider's subject.
        if identity.email is None or identity.email_verified is not True:
            raise Forbidden.on("email", NOT_VERIFIED)
        address = identity.email.strip().lower()
        domain = provider.email_domain
        if domain is not None and address.rpartition("@")[2] != domain.lower():
            raise Forbidden.on("email", OTHER_DOMAIN)
        login = self.private.login_by_email(w.tx, address)
        if (
            login is not None
            and self.tables.linked_subject(w.tx, login.account_id, identity.issuer) is not None
        ):
            raise Forbidden.on("email", OTHER_SUBJECT)
        return login
