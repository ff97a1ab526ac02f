"""Machine tokens from a JSON file: clear or hashed keys, one role or several, and a file re-read when it
changes so that removing a line revokes a token without a restart."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Annotated, Any

import httpx
import pytest
from fastapi import Depends, FastAPI

from jobdating.runtime.auth import Principal, TokenTable, require
from jobdating.runtime.machine_tokens import hashed_key
from jobdating.runtime.principals import Unauthenticated


def _write(path: Path, entries: dict[str, Any], bump: int = 0) -> None:
    path.write_text(json.dumps(entries))
    # A rewrite within the file system's timestamp granularity is still seen as a change.
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + bump * 1_000_000_000))


def test_clear_and_hashed_keys_single_and_several_roles(tmp_path: Path) -> None:
    path = tmp_path / "tokens.json"
    _write(
        path,
        {
            "clear-token": {"org": "mission-locale", "role": "counsellor", "actor_id": "ml-1"},
            hashed_key("import-secret"): {
                "org": "departement-nord",
                "roles": ["coordinator", "viewer"],
                "actor_id": "import-1",
            },
        },
    )
    table = TokenTable.from_file(path)
    assert table.authenticate("clear-token") == Principal(
        org="mission-locale", role="counsellor", actor_id="ml-1"
    )
    imported = table.authenticate("import-secret")
    assert imported.roles == {"coordinator", "viewer"}
    assert imported.actor_id == "import-1"
    # The hashed key itself is not a token.
    with pytest.raises(Unauthenticated):
        table.authenticate(hashed_key("import-secret"))
    with pytest.raises(Unauthenticated, match="inconnu"):
        table.authenticate("guess")


def test_removing_a_line_revokes_its_token_without_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "tokens.json"
    one = {"org": "mission-locale", "role": "counsellor", "actor_id": "ml-1"}
    two = {"org": "france-travail", "role": "site_manager", "actor_id": "ft-1"}
    _write(path, {hashed_key("one"): one, "two": two})
    table = TokenTable.from_file(path)
    assert table.authenticate("one").actor_id == "ml-1"
    _write(path, {"two": two}, bump=1)
    with pytest.raises(Unauthenticated):
        table.authenticate("one")
    assert table.authenticate("two").actor_id == "ft-1"
    # A file caught half-written keeps the tokens the service had.
    path.write_text('{"two": ')
    assert table.authenticate("two").actor_id == "ft-1"


def test_an_entry_without_role_or_with_an_unknown_role_is_refused_at_load(tmp_path: Path) -> None:
    path = tmp_path / "tokens.json"
    _write(path, {"t": {"org": "x", "actor_id": "a"}})
    with pytest.raises(ValueError, match="no role"):
        TokenTable.from_file(path)
    _write(path, {"t": {"org": "x", "role": "admin", "actor_id": "a"}})
    with pytest.raises(ValueError, match="Invalid enum value 'admin'"):
        TokenTable.from_file(path)


def test_a_principal_built_with_one_role_or_several() -> None:
    single = Principal(org="o", role="recruiter", actor_id="r")
    assert single.roles == {"recruiter"}
    assert single.has("recruiter", "coordinator")
    several = Principal(org="o", roles=frozenset({"coordinator", "counsellor"}), actor_id="c")
    assert several.has("counsellor")
    assert several.has("coordinator")
    assert not several.has("viewer")


async def test_require_passes_a_caller_holding_any_of_the_roles() -> None:
    app = FastAPI()
    app.state.tokens = TokenTable(
        {
            "both": Principal(org="o", roles=frozenset({"coordinator", "counsellor"}), actor_id="b"),
            "viewer": Principal(org="o", role="viewer", actor_id="v"),
        }
    )

    @app.get("/coordination")
    def coordination(_: Annotated[Principal, Depends(require("coordinator"))]) -> str:
        return "ok"

    @app.get("/follow-up")
    def follow_up(_: Annotated[Principal, Depends(require("counsellor", "coach"))]) -> str:
        return "ok"

    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://app.test") as client:
        for path in ("/coordination", "/follow-up"):
            assert (await client.get(path, headers={"Authorization": "Bearer both"})).status_code == 200
            refused = await client.get(path, headers={"Authorization": "Bearer viewer"})
            assert refused.status_code == 403
            assert refused.json()["detail"] == [
                {"field": "Authorization", "reason": "rôle 'viewer' non autorisé pour cette action"}
            ]
            assert (await client.get(path, headers={"Authorization": "Bearer nobody"})).status_code == 401
