"""Settings of the identity instance, from `JOBDATING_IDENTITY_*` environment variables (or a `.env` file)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic_settings import SettingsConfigDict

from jobdating.runtime.settings import ServiceSettings


class IdentitySettings(ServiceSettings):
    """The common settings, plus who signs tokens, where invitation links point and how mail goes out.

    `issuer` is the `iss` of every access token (the URL services know identity by); `public_base_url`
    the address people open invitation links at (the console). `tokens_file` holds the machine tokens
    (scripts, the operators' first invitations) identity accepts besides its own access tokens.
    """

    model_config = SettingsConfigDict(env_prefix="JOBDATING_IDENTITY_")

    store_url: str = "sqlite:///.data/identity.db"
    port: int = 8005
    issuer: str = "http://127.0.0.1:8005"
    public_base_url: str = "http://127.0.0.1:8000"
    organisation_name: str = "Département du Nord"
    access_token_minutes: int = 15
    # "rehearsal": a light argon2id for throwaway stacks (the sped-up demo day); never for real people.
    password_hashing: Literal["rfc9106", "rehearsal"] = "rfc9106"  # noqa: S105 - a parameter set's name
    invitation_hours: int = 72
    sign_in_max_failures: int = 5
    sign_in_window_minutes: int = 15
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 8025
    smtp_starttls: bool = False
    smtp_username: str | None = None
    smtp_password_file: Path | None = None
    smtp_timeout: float = 10.0
    mail_from: str = "comptes@jobdating.example"
    # Organisations whose staff sign in through an OpenID Connect provider (ProConnect, ...): a TOML file,
    # one provider per organisation id, client secrets in files of their own (docs/identity.md).
    oidc_providers: Path | None = None
    # Where providers send the browser back; default: `{issuer}/oidc/callback`. Registered at each provider.
    oidc_callback_url: str | None = None
    oidc_sign_in_minutes: int = 10
    oidc_timeout: float = 10.0

    def smtp_password(self) -> str | None:
        """The SMTP password, read from its file (secrets stay out of the environment)."""
        if self.smtp_password_file is None:
            return None
        return self.smtp_password_file.read_text().strip()

    def oidc_redirect_uri(self) -> str:
        """The callback URL sent to (and registered at) every provider."""
        return self.oidc_callback_url or f"{self.issuer.rstrip('/')}/oidc/callback"
