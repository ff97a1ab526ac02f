"""`jobdating compose-demo` before it reaches the stack: where `compose-init --demo` tells it the stack is
(ports, the mail catcher's host folder, the staff directory notifications reads, the coordination's token),
which day it loads, and what it refuses in one French sentence. Without Docker: the flow itself runs end to
end against the compose stack in tests/compose and against the embedded one in tests/e2e/test_up_accounts."""

from __future__ import annotations

import re
import stat
import time
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from jobdating.ops import compose, tokens
from jobdating.ops.cli import app
from jobdating.ops.compose_demo import ComposeDemoError, ComposeSettings, demo_day, keep_sign_ins, place_of
from jobdating.testing.demo_data import COORDINATOR_ORG

ROOT = Path(__file__).resolve().parents[2]


def checkout(tmp_path: Path, demo: bool = True, overrides: dict[str, str] | None = None) -> Path:
    """A compose checkout after `compose-init [--demo]`: .env, the config folder, the operator's tokens."""
    (tmp_path / ".env.example").write_text((ROOT / ".env.example").read_text())
    config = tmp_path / "deploy" / "compose" / "config"
    compose.init(tmp_path / ".env.example", tmp_path / ".env", config, demo=demo, overrides=overrides)
    return tmp_path


def test_compose_init_demo_names_the_staff_directory_and_a_mail_folder_the_operator_reads(
    tmp_path: Path,
) -> None:
    root = checkout(tmp_path)
    settings = compose.read_env(root / ".env")
    # Notifications reads the demo's staff directory (issue 18: it was left empty, nobody was told).
    assert settings["JOBDATING_STAFF_FILE"] == "/etc/jobdating/staff.toml"
    assert (root / "deploy" / "compose" / "config" / "staff.toml").exists()
    # The catcher writes into a host folder beside the config folder, writable by the containers' user.
    assert settings["JOBDATING_MAIL_DIR"] == "./deploy/compose/mail"
    mail = root / "deploy" / "compose" / "mail"
    assert stat.S_IMODE(mail.stat().st_mode) == 0o777


def test_compose_init_without_demo_keeps_the_volume_and_a_staff_file_to_fill(tmp_path: Path) -> None:
    settings = compose.read_env(checkout(tmp_path, demo=False) / ".env")
    # A staff directory to fill in (without the demo's counsellors): named, so outcomes reach them.
    assert settings["JOBDATING_STAFF_FILE"] == "/etc/jobdating/staff.toml"
    assert settings["JOBDATING_MAIL_DIR"] == "mail"


def test_the_demo_goes_to_the_ports_and_folders_of_env_with_the_coordinations_token(tmp_path: Path) -> None:
    ports = {"REGISTRATION_PORT": "18001", "IDENTITY_PORT": "18005", "SITES_MISSION_LOCALE_PORT": "18012"}
    root = checkout(tmp_path, overrides=ports)
    place = place_of(ComposeSettings(root))
    assert place.identity_url == "http://127.0.0.1:18005"
    assert place.registration_url == "http://127.0.0.1:18001"
    assert place.scheduling_url == "http://127.0.0.1:8003"
    # The mission locale opens its site on its own sites instance, the others on the coordinator's.
    assert place.sites_url == {
        COORDINATOR_ORG: "http://127.0.0.1:8002",
        "mission-locale": "http://127.0.0.1:18012",
    }
    operator = tokens.read(root / "deploy" / "compose" / "machine-tokens.json")
    assert operator[place.machine_token]["org"] == COORDINATOR_ORG
    assert operator[place.machine_token]["role"] == "coordinator"
    assert place.maildir == root / "deploy" / "compose" / "mail"
    # The accounts beside the machine tokens (never mounted); the staff directory in the mounted folder.
    assert place.folder == root / "deploy" / "compose"
    assert place.staff_file == root / "deploy" / "compose" / "config" / "staff.toml"
    assert ComposeSettings(root).staff_file_problem() is None


def test_a_mail_catcher_in_a_docker_volume_is_refused_with_what_to_set(tmp_path: Path) -> None:
    root = checkout(tmp_path, demo=False)
    with pytest.raises(ComposeDemoError, match=re.escape("JOBDATING_MAIL_DIR=./deploy/compose/mail")):
        place_of(ComposeSettings(root))
    answer = CliRunner().invoke(app, ["compose-demo", "--root", str(root)])
    assert answer.exit_code == 2
    assert "volume Docker" in answer.output
    # And an empty staff file setting is named: counsellors would never be told their candidates' outcomes.
    env = root / ".env"
    env.write_text(
        env.read_text().replace("JOBDATING_STAFF_FILE=/etc/jobdating/staff.toml", "JOBDATING_STAFF_FILE=")
    )
    problem = ComposeSettings(root).staff_file_problem()
    assert problem is not None
    assert "JOBDATING_STAFF_FILE" in problem


def test_a_checkout_without_env_says_to_run_compose_init(tmp_path: Path) -> None:
    answer = CliRunner().invoke(app, ["compose-demo", "--root", str(tmp_path)])
    assert answer.exit_code == 2
    assert "compose-init --demo" in answer.output


def test_the_day_is_the_next_working_day_of_the_services_clock_then_kept(tmp_path: Path) -> None:
    # A rehearsal's clock in .env reads Friday 8 January 2027: the demo is held on Monday the 11th.
    clock = {
        "JOBDATING_CLOCK_START": "2027-01-08T10:00:00+01:00",
        "JOBDATING_CLOCK_SPEED": "1.0",
        "JOBDATING_CLOCK_ORIGIN": repr(time.time()),
    }
    root = checkout(tmp_path, overrides=clock)
    settings = ComposeSettings(root)
    assert demo_day(settings, None) == date(2027, 1, 11)
    assert demo_day(settings, date(2027, 2, 3)) == date(2027, 2, 3)  # chosen by the operator
    assert demo_day(settings, None) == date(2027, 2, 3)  # kept for the next run


def test_the_sign_ins_are_kept_for_the_operator_alone(tmp_path: Path) -> None:
    settings = ComposeSettings(checkout(tmp_path))
    path = keep_sign_ins(settings, ["  conseil  a@b.fr  pass  -  Lille"])
    assert path == tmp_path / "deploy" / "compose" / "demo-sign-ins.txt"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    path.chmod(0o644)
    keep_sign_ins(settings, ["again"])
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.read_text() == "again\n"
