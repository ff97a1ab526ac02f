"""The composition root: the only place that picks the store, the clock, the mailer, the password hasher,
the second factor, the randomness, the OpenID Connect providers and the machine tokens."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Unpack

from jobdating.contracts.identity import SERVICE
from jobdating.eventstore.base import EventStore, StoredEvent
from jobdating.identity.adapters import http, keys, names, oidc_tables, private, projections
from jobdating.identity.adapters.auth import Callers
from jobdating.identity.adapters.keys import KeyRing
from jobdating.identity.adapters.oidc_providers import load_providers
from jobdating.identity.adapters.oidc_tables import SqlOidcTables
from jobdating.identity.adapters.passwords import Argon2Passwords, argon2id
from jobdating.identity.adapters.private import SqlPrivateTables
from jobdating.identity.adapters.second_factor import SystemRandomness, TotpSecondFactor
from jobdating.identity.adapters.smtp import SmtpMailer
from jobdating.identity.application.handlers import IdentityHandlers
from jobdating.identity.application.invitations import Invitations
from jobdating.identity.application.oidc_ports import IdentityProvider
from jobdating.identity.application.oidc_sign_in import OidcSignIn
from jobdating.identity.application.ports import Mailer, Passwords, Randomness
from jobdating.identity.application.queries import IdentityQueries
from jobdating.identity.application.sign_in import SignIn
from jobdating.identity.config import IdentitySettings
from jobdating.runtime.commands import CommandBus
from jobdating.runtime.http import create_app, log_health
from jobdating.runtime.ids import new_id
from jobdating.runtime.service_main import Given, WiredWithBus, configured


@dataclass(frozen=True, kw_only=True)
class IdentityService(WiredWithBus[IdentitySettings]):
    """The wired identity instance; it reads no other service's events, it only publishes."""

    handlers: IdentityHandlers
    invitations: Invitations
    sign_in: SignIn
    oidc: OidcSignIn
    keys: KeyRing
    queries: IdentityQueries


def migrate(store: EventStore) -> None:
    """Create identity's tables (read model, private tables, signing keys) if they do not exist."""
    projections.migrate(store)
    private.migrate(store)
    oidc_tables.migrate(store)
    keys.migrate(store)
    names.migrate(store)


def bootstrap(
    settings: IdentitySettings,
    *,
    ids: Callable[[], str] = new_id,
    mailer: Mailer | None = None,
    passwords: Passwords | None = None,
    randomness: Randomness | None = None,
    providers: Mapping[str, IdentityProvider] | None = None,
    on_commit: Callable[[list[StoredEvent]], None] | None = None,
    log: Any = None,
    **given: Unpack[Given],
) -> IdentityService:
    """Wire an identity instance; anything not given comes from the settings."""
    store, tokens, clock = configured(settings, given, migrate)
    bus = CommandBus(store, SERVICE, clock, ids=ids, on_commit=on_commit, project=projections.project)
    mailer = mailer or SmtpMailer(settings.smtp_server(), settings.mail_from)
    passwords = passwords or Argon2Passwords(
        argon2id(settings.password_time_cost, settings.password_memory_kib, settings.password_lanes)
    )
    second_factor = TotpSecondFactor(issuer=f"Job dating {settings.organisation_name}")
    token_ttl = timedelta(minutes=settings.access_token_minutes)
    key_ring = KeyRing(store, clock, token_ttl, settings.issuer)
    key_ring.ensure_key()
    tables = SqlPrivateTables()
    randomness = randomness or SystemRandomness()
    handlers = IdentityHandlers(bus, log=log)
    invitations = Invitations(
        bus,
        tables,
        mailer,
        passwords,
        randomness,
        second_factor,
        org=settings.org,
        link_base=settings.public_base_url,
        ttl=timedelta(hours=settings.invitation_hours),
        issuer_name=settings.organisation_name,
        log=log,
        names=names.SqlAccountNames(),
    )
    sign_in = SignIn(
        bus,
        tables,
        passwords,
        second_factor,
        key_ring,
        issuer=settings.issuer,
        token_ttl=token_ttl,
        max_failures=settings.sign_in_max_failures,
        window=timedelta(minutes=settings.sign_in_window_minutes),
        log=log,
    )
    oidc = OidcSignIn(
        bus,
        tables,
        SqlOidcTables(),
        providers
        if providers is not None
        else load_providers(settings.oidc_providers, timeout=settings.oidc_timeout),
        randomness,
        sign_in,
        org=settings.org,
        redirect_uri=settings.oidc_redirect_uri(),
        ttl=timedelta(minutes=settings.oidc_sign_in_minutes),
        log=log,
    )
    queries = IdentityQueries(store)

    app = create_app(
        SERVICE,
        settings.org,
        tokens,
        lambda: log_health(store, projections.PROJECTION),
        title="jobdating: identity (accounts, sign-in)",
    )
    http.install(
        app,
        handlers=handlers,
        invitations=invitations,
        sign_in=sign_in,
        keys=key_ring,
        queries=queries,
        callers=Callers(key_ring, queries, tokens),
        org=settings.org,
        oidc=oidc,
        secure_cookie=settings.oidc_redirect_uri().startswith("https://"),
    )
    return IdentityService(
        settings=settings,
        store=store,
        clock=clock,
        bus=bus,
        handlers=handlers,
        invitations=invitations,
        sign_in=sign_in,
        oidc=oidc,
        keys=key_ring,
        queries=queries,
        app=app,
    )
