"""Bearer tokens for the services' `tokens_file`, drawn for the embedded stack and for Docker Compose."""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Mapping


def token_table(
    orgs: Mapping[str, Iterable[str]], people: Iterable[tuple[str, str, str]] = ()
) -> dict[str, dict[str, str]]:
    """A fresh bearer token for each organisation and role (the services' `tokens_file` format), then one
    for each of `people` (organisation, role, actor id): someone acting as themselves, such as a counsellor
    who sees the personal data of their own candidates only."""
    table = {
        secrets.token_urlsafe(24): {"org": org, "role": role, "actor_id": f"{org}-{role}"}
        for org, roles in orgs.items()
        for role in roles
    }
    for org, role, actor_id in people:
        table[secrets.token_urlsafe(24)] = {"org": org, "role": role, "actor_id": actor_id}
    return table
