"""An import file has a size cap, stated in the refusal and declared in the OpenAPI."""

from __future__ import annotations

import httpx
import pytest

from jobdating.registration.adapters import http_imports
from jobdating.registration.testing import bearer


async def test_an_import_file_over_the_cap_is_refused_with_the_cap_stated(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(http_imports, "MAX_IMPORT_BYTES", 2**20)
    big = b"nom;prenom\n" + b"Benali;Samia\n" * (2**20 // 13 + 1)

    response = await client.post(
        "/imports/candidates",
        files={"file": ("candidats.csv", big, "text/csv")},
        headers=bearer("mel-counsellor"),
    )

    assert response.status_code == 413
    assert response.json()["detail"] == [
        {
            "field": "file",
            "reason": "fichier trop volumineux : 1 Mo au plus (découpez-le en plusieurs fichiers)",
        }
    ]


async def test_the_openapi_declares_the_refusal_of_a_file_too_large(client: httpx.AsyncClient) -> None:
    openapi = (await client.get("/openapi.json")).json()

    for path in ("/imports/candidates", "/imports/companies"):
        refused = openapi["paths"][path]["post"]["responses"]["413"]
        assert refused["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Refusal"}
