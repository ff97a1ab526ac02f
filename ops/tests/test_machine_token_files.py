"""Machine tokens stored hashed: `jobdating tokens issue|revoke|list|hash` on the services' files, a running
service accepting an issued token and refusing a revoked one without a restart, and `jobdating up`'s data
folder holding clear tokens only in the operator's file."""

from __future__ import annotations

import json
import secrets
import stat
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from jobdating.eventstore import open_store
from jobdating.ops import tokens
from jobdating.ops.cli import app
from jobdating.ops.stack import Stack
from jobdating.ops.stack_folder import StackFolder
from jobdating.runtime.machine_tokens import HASHED, hashed_key
from jobdating.sites.bootstrap import bootstrap
from jobdating.sites.config import SitesSettings

ORG = "departement-nord"


def _cli(*args: str) -> str:
    result = CliRunner().invoke(app, ["tokens", *args])
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.fixture
def service(tmp_path: Path) -> Iterator[tuple[TestClient, Path]]:
    """A sites instance reading a tokens file holding one hashed coordinator token."""
    path = tmp_path / "tokens.json"
    tokens.write(path, tokens.hashed({"first": {"org": ORG, "role": "coordinator", "actor_id": "c-1"}}))
    store = open_store(f"sqlite:///{tmp_path / 'sites.db'}")
    settings = SitesSettings(org=ORG, store_url="sqlite:///unused", tokens_file=path)
    with TestClient(bootstrap(settings, store=store).app) as client:
        yield client, path
    store.close()


def _get(client: TestClient, token: str) -> int:
    status: int = client.get("/sites", headers={"Authorization": f"Bearer {token}"}).status_code
    return status


def test_an_issued_token_works_and_a_revoked_one_is_refused_without_a_restart(
    service: tuple[TestClient, Path],
) -> None:
    client, path = service
    assert _get(client, "first") == 200
    printed = _cli("issue", "--file", str(path), "--org", ORG, "--role", "viewer", "--actor", "import-2026")
    token = printed.strip()
    assert len(token) >= 40
    assert "\n" not in token
    assert token not in path.read_text()
    assert hashed_key(token) in json.loads(path.read_text())
    assert _get(client, token) == 200

    listed = CliRunner().invoke(app, ["tokens", "list", "--file", str(path)]).output
    assert "import-2026" in listed
    assert token not in listed
    digest = hashed_key(token).removeprefix(HASHED)
    _cli("revoke", "--file", str(path), digest[:10])
    assert _get(client, token) == 401
    assert _get(client, "first") == 200  # the others stay
    _cli("revoke", "--file", str(path), "--actor", "c-1")
    assert _get(client, "first") == 401


def test_issue_and_revoke_refuse_what_they_cannot_do(tmp_path: Path) -> None:
    path = tmp_path / "tokens.json"
    tokens.write(path, {})
    runner = CliRunner()
    bad_role = runner.invoke(
        app, ["tokens", "issue", "--file", str(path), "--org", ORG, "--role", "admin", "--actor", "a"]
    )
    assert bad_role.exit_code == 2
    assert "rôle(s) inconnu(s) : admin" in bad_role.output
    absent = runner.invoke(
        app,
        [
            "tokens",
            "issue",
            "--file",
            str(tmp_path / "no.json"),
            "--org",
            ORG,
            "--role",
            "viewer",
            "--actor",
            "a",
        ],
    )
    assert absent.exit_code == 2
    assert "introuvable" in absent.output
    nothing = runner.invoke(app, ["tokens", "revoke", "--file", str(path), "deadbeefdead"])
    assert nothing.exit_code == 2
    assert "aucun jeton ne correspond" in nothing.output
    assert json.loads(path.read_text()) == {}


def test_up_draws_tokens_hashed_for_the_services_and_clear_for_the_operator(tmp_path: Path) -> None:
    stack = Stack(tmp_path, nats_port=1, base_port=2)
    stack._write_tokens({ORG: ["coordinator", "viewer"]}, [("mission-locale", "counsellor", "ml-c1")])
    services = json.loads(stack.tokens_file.read_text())
    operator = json.loads(stack.operator_tokens_file.read_text())
    assert tokens.clear_keys(services) == []
    assert len(services) == 3
    assert {hashed_key(token) for token in operator} == set(services)
    assert not any(token in stack.tokens_file.read_text() for token in operator)
    assert stat.S_IMODE(stack.operator_tokens_file.stat().st_mode) == 0o600
    drawn = stack.token_for(ORG, "viewer")
    stack._write_tokens({ORG: ["coordinator"]}, [])  # the next `up` keeps them
    assert stack.token_for(ORG, "viewer") == drawn


def test_the_stack_folder_gives_the_services_hashes_and_the_operator_clear_tokens(tmp_path: Path) -> None:
    folder = StackFolder(tmp_path)
    # A folder from before hashing: the services' file holds clear tokens.
    clear = {"old-secret": {"org": ORG, "role": "coordinator", "actor_id": f"{ORG}-coordinator"}}
    tokens.write(folder.tokens_file, clear)
    assert tokens.hash_file(folder.tokens_file, folder.operator_tokens_file) == clear
    services = json.loads(folder.tokens_file.read_text())
    assert tokens.clear_keys(services) == []
    assert "old-secret" not in folder.tokens_file.read_text()
    assert stat.S_IMODE(folder.operator_tokens_file.stat().st_mode) == 0o600
    assert folder.token_for(ORG, "coordinator") == "old-secret"
    # Revoked from the services' file: no longer handed out to the demo.
    tokens.revoke([folder.tokens_file], "old-secret")
    assert folder.tokens() == {}


def test_operators_issuing_at_the_same_time_all_keep_their_token(tmp_path: Path) -> None:
    path = tmp_path / "tokens.json"
    tokens.write(path, {})

    def issue_some(who: int) -> list[str]:
        return [tokens.issue([path], ORG, ["viewer"], f"import-{who}-{n}") for n in range(10)]

    with ThreadPoolExecutor(4) as pool:
        issued = [token for batch in pool.map(issue_some, range(4)) for token in batch]
    assert set(json.loads(path.read_text())) == {hashed_key(token) for token in issued}


def test_no_token_drawn_starts_with_a_dash_which_a_command_line_would_take_for_an_option(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # `jobdating-scheduling export --token -Xy...` failed with "argument --token: expected one argument"
    # (one e2e run in several dozen): the draws starting with `-` are drawn again.
    draws = iter(["-first", "-second", "third", "-fourth", "fifth", "sixth"])
    monkeypatch.setattr(secrets, "token_urlsafe", lambda nbytes: next(draws))
    assert tokens.new_token(24) == "third"
    table = tokens.token_table({ORG: ["coordinator", "site_manager"]})
    assert sorted(table) == ["fifth", "sixth"]
