"""Settings of the identity instance, from `JOBDATING_IDENTITY_*` environment variables (or a `.env` file)."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from jobdating.runtime.settings import MailingSettings


class IdentitySettings(MailingSettings):
    """The common settings, plus who signs tokens, where invitation links point and how mail goes out.

    `issuer` is the `iss` of every access token (the URL services know identity by); `public_base_url`
    the address people open invitation links at (the console). `tokens_file` holds the machine tokens
    (scripts, the operators' first invitations) identity accepts besides its own access tokens.
    """

    model_config = SettingsConfigDict(env_prefix="JOBDATING_IDENTITY_")
    # Identity signs the tokens the others check (it is the identity service), runs on real time (TOTP
    # codes), and its delays and password costs are tuning.
    defaults_kept: ClassVar[frozenset[str]] = MailingSettings.defaults_kept | {
        "identity_url",
        "identity_issuer",
        "identity_revocations_every",
        "clock_start",
        "clock_speed",
        "clock_origin",
        "access_token_minutes",
        "invitation_hours",
        "sign_in_max_failures",
        "sign_in_window_minutes",
        "password_time_cost",
        "password_memory_kib",
        "password_lanes",
        "oidc_sign_in_minutes",
        "oidc_timeout",
    }

    store_url: str = "sqlite:///.data/identity.db"
    port: int = 8005
    issuer: str = "http://127.0.0.1:8005"
    public_base_url: str = "http://127.0.0.1:8000"
    organisation_name: str = "Département du Nord"
    access_token_minutes: int = 15
    invitation_hours: int = 72
    sign_in_max_failures: int = 5
    # argon2id cost of new password hashes (old hashes keep theirs: the PHC string carries them). The default
    # is RFC 9106's second recommended option; the floor is OWASP's minimum (19 MiB, 2 passes), which the
    # test suite's stacks use so that CI spends its minutes on behaviour rather than on hashing.
    password_time_cost: int = Field(default=3, ge=2)
    password_memory_kib: int = Field(default=64 * 1024, ge=19 * 1024)
    password_lanes: int = Field(default=4, ge=1, le=16)
    sign_in_window_minutes: int = 15
    mail_from: str = "comptes@jobdating.example"
    # Organisations whose staff sign in through an OpenID Connect provider (ProConnect, ...): a TOML file,
    # one provider per organisation id, client secrets in files of their own (docs/identity.md).
    oidc_providers: Path | None = None
    # Where providers send the browser back; default: `{issuer}/oidc/callback`. Registered at each provider.
    oidc_callback_url: str | None = None
    oidc_sign_in_minutes: int = 10
    oidc_timeout: float = 10.0

    def oidc_redirect_uri(self) -> str:
        """The callback URL sent to (and registered at) every provider."""
        return self.oidc_callback_url or f"{self.issuer.rstrip('/')}/oidc/callback"
