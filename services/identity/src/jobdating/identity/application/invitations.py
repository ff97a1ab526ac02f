"""Inviting a person by e-mail, and the person accepting: the account's events and identity's private rows
(address, link, password hash, TOTP secret) in one transaction; the mail goes out after the commit.

No answer tells an inviter whether an address already has an account: a new address gets an invitation, an
address with a pending invitation to the same organisation gets a fresh link, any other known address gets
a notice that it already has an account. The inviter sees the same reply in every case.
"""

from __future__ import annotations

import hashlib
from dataclasses import KW_ONLY, dataclass
from datetime import timedelta
from typing import Any, Literal

import msgspec

from jobdating.contracts.identity import AccountRole
from jobdating.identity.application.handlers import ACCOUNTS, ORGANISATIONS
from jobdating.identity.application.ports import (
    Invitation,
    Mailer,
    Passwords,
    PrivateTables,
    Randomness,
    SecondFactor,
)
from jobdating.identity.application.queries_names import NameTable
from jobdating.identity.domain import decide
from jobdating.identity.domain import validation as check
from jobdating.identity.domain.commands import ActivateAccount, InviteAccount
from jobdating.identity.domain.errors import Gone, NotFound
from jobdating.identity.domain.names import display_name
from jobdating.identity.domain.permissions import Actor, requires_second_factor
from jobdating.identity.domain.state import AccountState
from jobdating.runtime.commands import CommandBus, Meta, UnitOfWork

UNKNOWN_LINK = "lien d'invitation inconnu : vérifiez qu'il a été copié en entier"
EXPIRED_LINK = "ce lien d'invitation a expiré : demandez à la personne qui vous a invité de vous réinviter"
USED_LINK = "ce lien d'invitation a déjà servi : connectez-vous avec votre mot de passe"


def token_hash(token: str) -> str:
    """How a link's token is stored: its SHA-256. The token is 256 random bits, so unlike a password it
    needs no salt nor a slow hash; the table alone gives nobody a working link."""
    return hashlib.sha256(token.encode()).hexdigest()


class Mail(msgspec.Struct, frozen=True, kw_only=True):
    """What to send once the transaction committed."""

    to: str
    kind: Literal["invitation", "already"]
    token: str | None = None


@dataclass(frozen=True, kw_only=True)
class Activation:
    """An activated account; `otpauth_uri` (shown once) when a second factor was enrolled."""

    account_id: str
    otpauth_uri: str | None


@dataclass(eq=False)
class Invitations:
    """Invites people and activates their accounts."""

    bus: CommandBus
    private: PrivateTables
    mailer: Mailer
    passwords: Passwords
    randomness: Randomness
    second_factor: SecondFactor
    _: KW_ONLY
    org: str
    link_base: str
    ttl: timedelta
    issuer_name: str
    log: Any = None
    names: NameTable | None = None

    def __post_init__(self) -> None:
        self.link_base = self.link_base.rstrip("/")

    def invite(
        self,
        organisation_id: str,
        email: str,
        roles: tuple[AccountRole, ...],
        actor: Actor,
        meta: Meta,
        name: str | None = None,
    ) -> None:
        """Invite `email` to the organisation with `roles` (refused as any command would be), then mail.
        `name`, the person's name, is kept in identity's private table for those allowed to read it."""
        address = check.email("email", email)
        person = display_name("name", name)

        def work(w: UnitOfWork) -> Mail:
            organisation = w.fold(ORGANISATIONS, organisation_id)
            account_id = self.randomness.account_id()
            command = InviteAccount(account_id=account_id, organisation_id=organisation_id, roles=roles)
            # Decided before looking the address up: a refusal never depends on whether it is known.
            events = decide.invite_account(command, AccountState(), organisation, actor)
            known = self.private.login_by_email(w.tx, address)
            if known is None:
                w.append(account_id, events, meta)
                self.private.add_login(w.tx, account_id, address)
                self._name(w, account_id, person)
                return self._new_link(w, account_id, address)
            if known.status == "invited" and known.organisation_id == organisation_id:
                self._name(w, known.account_id, person)  # the same organisation invites again
                return self._new_link(w, known.account_id, address)
            return Mail(to=address, kind="already")

        try:
            mail = self.bus.run(work)
        except Exception as exc:
            # Two invitations of one new address at once: the address's unique key stops the second
            # (PostgreSQL); run again, it finds the address and goes the way of a known one.
            if not self.bus.store.dialect.is_unique_violation(exc):
                raise
            mail = self.bus.run(work)
        self._send(mail)

    def accept(self, token: str, password: str, correlation_id: str) -> Activation:
        """Activate the account of a valid link with this password; a TOTP is enrolled when its roles
        require one. An expired or used link is `Gone` and changes nothing."""
        check.password("password", password)
        hashed = token_hash(token)
        with self.bus.store.transaction() as tx:
            self._valid(self.private.invitation(tx, hashed))
        # Hashing takes tens of milliseconds: done once the link is known good, outside the transaction.
        password_hash = self.passwords.hash(password)

        def work(w: UnitOfWork) -> tuple[str, str | None, str]:
            invitation = self._valid(self.private.invitation(w.tx, hashed))
            account = w.fold(ACCOUNTS, invitation.account_id)
            secret = self.randomness.totp_secret() if requires_second_factor(account.roles) else None
            command = ActivateAccount(account_id=account.account_id, second_factor=secret is not None)
            # The person activating acts for themselves: the envelope's actor is their own account.
            meta = Meta(org=self.org, actor_id=account.account_id, correlation_id=correlation_id)
            w.append(account.account_id, decide.activate_account(command, account), meta)
            self.private.set_credentials(w.tx, account.account_id, password_hash, secret)
            self.private.use_invitation(w.tx, hashed, self.bus.clock.now())
            return account.account_id, secret, invitation.email

        account_id, secret, email = self.bus.run(work)
        uri = self.second_factor.uri(secret, email) if secret is not None else None
        return Activation(account_id=account_id, otpauth_uri=uri)

    def _valid(self, invitation: Invitation | None) -> Invitation:
        if invitation is None:
            raise NotFound.on("token", UNKNOWN_LINK)
        if invitation.used_at is not None:
            raise Gone.on("token", USED_LINK)
        if invitation.expires_at <= self.bus.clock.now():
            raise Gone.on("token", EXPIRED_LINK)
        return invitation

    def _name(self, w: UnitOfWork, account_id: str, name: str | None) -> None:
        if name is not None and self.names is not None:
            self.names.set_name(w.tx, account_id, name)

    def _new_link(self, w: UnitOfWork, account_id: str, address: str) -> Mail:
        token = self.randomness.token()
        now = self.bus.clock.now()
        self.private.add_invitation(w.tx, token_hash(token), account_id, now + self.ttl, now)
        return Mail(to=address, kind="invitation", token=token)

    def _send(self, mail: Mail) -> None:
        hours = int(self.ttl.total_seconds() // 3600)
        if mail.kind == "invitation":
            subject = "Votre invitation à la plateforme job dating"
            text = (
                "Bonjour,\n\n"
                "Vous êtes invité(e) à ouvrir votre compte sur la plateforme job dating\n"
                f"de {self.issuer_name}.\n"
                "Ouvrez ce lien pour choisir votre mot de passe (au moins 12 caractères) :\n\n"
                f"{self.link_base}/activation?jeton={mail.token}\n\n"
                f"Ce lien ne sert qu'une fois et expire dans {hours} heures.\n"
                "Si vous n'attendiez pas cette invitation, ignorez ce message.\n"
            )
        else:
            subject = "Vous avez déjà un compte sur la plateforme job dating"
            text = (
                "Bonjour,\n\n"
                "Quelqu'un a demandé à vous inviter sur la plateforme job dating, mais votre adresse a déjà "
                "un compte ou une invitation en cours.\n"
                f"Connectez-vous depuis {self.link_base}/connexion avec votre mot de passe.\n"
                "Si vous n'en êtes pas à l'origine, ignorez ce message.\n"
            )
        self.mailer.send(mail.to, subject, text)
        if self.log is not None:
            self.log.info("invitation_mail_sent", kind=mail.kind)
