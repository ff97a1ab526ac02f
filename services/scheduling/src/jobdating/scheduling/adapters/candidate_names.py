"""The names of a plan's candidates, for the site host who prints it: asked of registration, which holds them
(`GET /sites/{id}/expected-candidates`), with the host's own access token. Registration answers only for the
sites the token's organisation hosts, and only the candidates expected there on the site's next day; every
other candidate stays an id, never a guessed name, with a note in French saying why. Scheduling keeps none
of these names: they go to the printed sheet only."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from urllib.parse import quote

import httpx

from jobdating.runtime.asked_names import TIMEOUT, AskedNames, asking, refusal_reason

IDS_ONLY = "identifiants des candidats affichés à la place de leurs noms"


CandidateNames = AskedNames[str]
"""The names registration gave (`Prénom Nom` by candidate id) and notes for the reader about the rest."""


def ask_candidate_names(
    wanted: Mapping[str, Collection[str]],
    registration_url: str | None,
    token: str | None,
    transport: httpx.BaseTransport | None = None,
) -> CandidateNames:
    """The names registration shows the holder of `token` for `wanted` (the candidate ids of each site)."""
    found = CandidateNames()
    if not any(wanted.values()):
        return found
    url_option = "--registration-url ou JOBDATING_REGISTRATION_URL"
    ready = asking(token, registration_url, "service des inscriptions", url_option, IDS_ONLY)
    if isinstance(ready, str):
        found.notes.append(ready)
        return found
    headers = {"Authorization": f"Bearer {ready.token}"}
    refused: dict[str, str] = {}
    try:
        with httpx.Client(base_url=ready.url, timeout=TIMEOUT, transport=transport) as client:
            for site_id in sorted(wanted):
                response = client.get(
                    f"/sites/{quote(site_id, safe='')}/expected-candidates", headers=headers
                )
                if response.status_code == 401:
                    found.notes.append(
                        f"le service des inscriptions refuse le jeton ({refusal_reason(response)}) : "
                        + IDS_ONLY
                    )
                    return CandidateNames(notes=found.notes)
                if response.status_code != 200:
                    refused[site_id] = refusal_reason(response)
                    continue
                for c in response.json()["candidates"]:
                    found.names[str(c["candidate_id"])] = f"{c['first_name']} {c['last_name']}"
    except httpx.HTTPError as exc:
        found.notes.append(f"service des inscriptions injoignable à {registration_url} ({exc}) : {IDS_ONLY}")
        return CandidateNames(notes=found.notes)
    for site_id, reason in refused.items():
        found.notes.append(f"site {site_id} : {reason} : identifiants affichés pour ce site")
    unnamed = len(
        {c for site_id, ids in wanted.items() if site_id not in refused for c in ids} - set(found.names)
    )
    if unnamed:
        found.notes.append(
            f"{unnamed} candidat(s) sans nom donné par le service des inscriptions (pas attendu(s) à la "
            "prochaine journée de leur site) : identifiant affiché"
        )
    return found
