"""Which organisations sign in through an OpenID Connect provider: a TOML file named by the setting
`JOBDATING_IDENTITY_OIDC_PROVIDERS`, one table per organisation id (see docs/identity.md):

    [providers.france-travail-lille]
    issuer = "https://fournisseur.example/api/v2"
    client_id = "jobdating-nord"
    client_secret_file = "secrets/proconnect"   # relative to this file; the secret itself stays out of it
    email_domain = "francetravail.fr"           # optional: only these addresses sign in through it
    scope = "openid email"                      # optional

The secrets are read once at start; they go nowhere else (no event, no log, no answer).
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import msgspec

from jobdating.identity.adapters.oidc import OidcProvider


class ProviderEntry(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    issuer: str
    client_id: str
    client_secret_file: str
    email_domain: str | None = None
    scope: str = "openid email"


class ProvidersFile(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    providers: dict[str, ProviderEntry] = {}


def load_providers(path: Path | None, *, timeout: float = 10.0) -> dict[str, OidcProvider]:
    """The providers by organisation id; none when no file is configured. A wrong file stops the start."""
    if path is None:
        return {}
    try:
        parsed = msgspec.convert(tomllib.loads(path.read_text()), ProvidersFile)
    except (tomllib.TOMLDecodeError, msgspec.ValidationError) as exc:
        raise ValueError(f"{path}: {exc}") from exc
    providers: dict[str, OidcProvider] = {}
    for organisation_id, entry in parsed.providers.items():
        if "openid" not in entry.scope.split():
            raise ValueError(f"{path}: the scope of {organisation_id} must include openid")
        secret_file = path.parent / entry.client_secret_file
        secret = secret_file.read_text().strip()
        if not secret:
            raise ValueError(f"{secret_file}: empty client secret for {organisation_id}")
        providers[organisation_id] = OidcProvider(
            entry.issuer,
            entry.client_id,
            secret,
            email_domain=entry.email_domain,
            scope=entry.scope,
            timeout=timeout,
        )
    return providers
