"""The names of the audit's accounts, asked of identity (`POST /accounts/names`) with the caller's own
access token: identity answers only what the caller may read (the coordination: everyone; a partner admin:
its own organisation's people). Whatever it does not answer stays an id, never a guessed name, with a note
saying why."""

from __future__ import annotations

from collections.abc import Sequence

import httpx

from jobdating.ops.audit.who import Named
from jobdating.runtime.asked_names import TIMEOUT, AskedNames, asking, refusal_reason

BATCH = 1000  # identity's limit per request
IDS_ONLY = "identifiants affichés à la place des noms"


Names = AskedNames[Named]
"""What identity answered, and notes for the operator (in French) about what it did not."""


def ask_names(
    identity_url: str | None,
    token: str | None,
    account_ids: Sequence[str],
    transport: httpx.BaseTransport | None = None,
) -> Names:
    """The names identity gives the holder of `token` for `account_ids`."""
    found = Names()
    if not account_ids:
        return found
    ready = asking(
        token, identity_url, "service d'identité", "--identity-url ou JOBDATING_IDENTITY_URL", IDS_ONLY
    )
    if isinstance(ready, str):
        found.notes.append(ready)
        return found
    headers = {"Authorization": f"Bearer {ready.token}"}
    try:
        with httpx.Client(base_url=ready.url, timeout=TIMEOUT, transport=transport) as client:
            for start in range(0, len(account_ids), BATCH):
                body = {"account_ids": list(account_ids[start : start + BATCH])}
                response = client.post("/accounts/names", json=body, headers=headers)
                if response.status_code in (401, 403):
                    verb = "refuse le jeton" if response.status_code == 401 else "ne vous donne pas les noms"
                    found.notes.append(
                        f"le service d'identité {verb} ({refusal_reason(response)}) : {IDS_ONLY}"
                    )
                    return Names(notes=found.notes)
                if response.status_code != 200:
                    found.notes.append(
                        f"le service d'identité a répondu {response.status_code} "
                        f"({refusal_reason(response)}) : {IDS_ONLY}"
                    )
                    return Names(notes=found.notes)
                for account_id, entry in dict(response.json()).items():
                    found.names[str(account_id)] = Named(
                        name=entry.get("name"), organisation_id=str(entry["organisation_id"])
                    )
    except httpx.HTTPError as exc:
        found.notes.append(f"service d'identité injoignable à {identity_url} ({exc}) : {IDS_ONLY}")
        return Names(notes=found.notes)
    hidden = len(set(account_ids) - set(found.names))
    if hidden:
        found.notes.append(
            f"{hidden} compte(s) hors de votre portée ou inconnus du service d'identité : identifiant affiché"
        )
    unnamed = sum(1 for n in found.names.values() if n.name is None)
    if unnamed:
        found.notes.append(f"{unnamed} compte(s) invité(s) sans nom : identifiant affiché")
    return found
