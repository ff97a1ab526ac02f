"""Bearer tokens for the services' `tokens_file`, drawn for the embedded stack and for Docker Compose."""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Mapping


def token_table(orgs: Mapping[str, Iterable[str]]) -> dict[str, dict[str, str]]:
    """A fresh bearer token for each organisation and role (the services' `tokens_file` format)."""
    return {
        secrets.token_urlsafe(24): {"org": org, "role": role, "actor_id": f"{org}-{role}"}
        for org, roles in orgs.items()
        for role in roles
    }
