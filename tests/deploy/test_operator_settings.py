"""Every setting an operator needs reaches the services through docker-compose.yml and .env.example, and a
service missing one stops with one French sentence naming it."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from jobdating.console.config import ConsoleSettings
from jobdating.identity.config import IdentitySettings
from jobdating.notifications.config import NotificationsSettings
from jobdating.ops import compose
from jobdating.registration.config import RegistrationSettings
from jobdating.runtime.settings import ServiceSettings
from jobdating.scheduling.config import SchedulingSettings
from jobdating.sites.config import SitesSettings

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / ".env.example"
SETTINGS: dict[str, type[ServiceSettings]] = {
    "registration": RegistrationSettings,
    "sites": SitesSettings,
    "scheduling": SchedulingSettings,
    "notifications": NotificationsSettings,
    "identity": IdentitySettings,
    "console": ConsoleSettings,
}


def operator_settings(settings: type[ServiceSettings]) -> list[str]:
    """The variables of every field an operator may need to set: all but those the class keeps at their
    default (`defaults_kept`), so that a new field is wired into compose or declared a default."""
    prefix = settings.env_prefix()
    return [prefix + field.upper() for field in settings.model_fields if field not in settings.defaults_kept]


@pytest.mark.parametrize("service", list(SETTINGS))
def test_every_operator_setting_of_a_service_is_in_compose_and_env_example(service: str) -> None:
    environment = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"][service][
        "environment"
    ]
    image = (ROOT / "deploy" / "docker" / f"{service}.Dockerfile").read_text()  # it sets HOST and PORT
    example = set(re.findall(r"^(\w+)=", EXAMPLE.read_text(), re.MULTILINE))
    wanted = operator_settings(SETTINGS[service])
    assert wanted
    missing = [name for name in wanted if name not in environment and f"{name}=" not in image]
    assert missing == []
    for name in wanted:
        # A value the operator chooses comes from .env (one place), with the default .env.example states.
        for variable in re.findall(r"\$\{(\w+)", str(environment.get(name, ""))):
            assert variable in example, (name, variable)


def test_the_mail_relay_and_the_sms_provider_reach_notifications_from_env_example() -> None:
    environment = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]["notifications"][
        "environment"
    ]
    for setting, variable in (
        ("SMTP_HOST", "SMTP_HOST"),
        ("SMTP_PORT", "SMTP_PORT"),
        ("SMTP_STARTTLS", "SMTP_STARTTLS"),
        ("SMTP_USERNAME", "SMTP_USERNAME"),
        ("SMTP_PASSWORD_FILE", "SMTP_PASSWORD_FILE"),
        ("SMS_PROVIDER_URL", "SMS_PROVIDER_URL"),
        ("SMS_PROVIDER_TOKEN_FILE", "SMS_PROVIDER_TOKEN_FILE"),
        ("SMS_PROVIDER_SECRET_FILE", "SMS_PROVIDER_SECRET_FILE"),
        ("STAFF_FILE", "JOBDATING_STAFF_FILE"),
        # Retired, still passed on: an old .env's value must stop the service, not vanish on the way.
        ("SMS_REPLY_SECRET_FILE", "SMS_REPLY_SECRET_FILE"),
        ("SMS_WEBHOOK_SECRET_FILE", "SMS_WEBHOOK_SECRET_FILE"),
    ):
        assert environment[f"JOBDATING_NOTIFICATIONS_{setting}"].startswith(f"${{{variable}:-"), setting
    example = EXAMPLE.read_text()
    assert "\nSMS_PROVIDER_SECRET_FILE=" in example
    assert "\nSMS_REPLY_SECRET_FILE=" not in example
    assert "\nSMS_WEBHOOK_SECRET_FILE=" not in example


@pytest.mark.parametrize("demo", [False, True])
def test_compose_init_names_the_staff_directory_it_writes(tmp_path: Path, demo: bool) -> None:
    config = tmp_path / "config"
    compose.init(EXAMPLE, tmp_path / ".env", config, demo=demo)
    named = compose.read_env(tmp_path / ".env")["JOBDATING_STAFF_FILE"]
    assert named == f"{compose.MOUNTED_CONFIG}/{compose.STAFF_FILE}"
    assert (config / compose.STAFF_FILE).exists()
    assert ("[[staff]]\nid =" in (config / compose.STAFF_FILE).read_text()) is demo


def test_compose_init_names_the_staff_directory_in_an_env_that_left_it_empty(tmp_path: Path) -> None:
    env = tmp_path / ".env"
    env.write_text("NATS_OPS_PASSWORD=pkept\nJOBDATING_STAFF_FILE=\n")
    written = compose.init(EXAMPLE, env, tmp_path / "config", demo=True)
    assert f"{env} (JOBDATING_STAFF_FILE)" in written
    assert compose.read_env(env) == {
        "NATS_OPS_PASSWORD": "pkept",
        "JOBDATING_STAFF_FILE": f"{compose.MOUNTED_CONFIG}/{compose.STAFF_FILE}",
    }


def run(program: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    binary = Path(sys.executable).parent / program
    clean = {"PATH": os.environ.get("PATH", ""), **env}
    return subprocess.run(
        [str(binary), "serve"], env=clean, cwd=cwd, capture_output=True, text=True, timeout=60, check=False
    )


def test_a_service_missing_a_required_setting_says_which_in_one_french_sentence(tmp_path: Path) -> None:
    done = run("jobdating-registration", {}, tmp_path)
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr == (
        "jobdating-registration ne démarre pas : le réglage JOBDATING_REGISTRATION_ORG manque "
        "(à définir dans l'environnement).\n"
    )


def test_a_setting_refused_or_naming_a_missing_file_is_said_in_one_french_sentence(tmp_path: Path) -> None:
    refused = run("jobdating-sites", {"JOBDATING_SITES_PORT": "huit mille"}, tmp_path)
    assert refused.returncode == 2
    assert refused.stderr == (
        "jobdating-sites ne démarre pas : le réglage JOBDATING_SITES_PORT est refusé (nombre entier attendu) "
        "(à définir dans l'environnement ou le fichier .env).\n"
    )
    tokens = tmp_path / "tokens.json"
    tokens.write_text("{}")
    absent = tmp_path / "smtp-password"
    settings = {
        "JOBDATING_NOTIFICATIONS_TOKENS_FILE": str(tokens),
        "JOBDATING_NOTIFICATIONS_SMTP_PASSWORD_FILE": str(absent),
        "JOBDATING_NOTIFICATIONS_STORE_URL": f"sqlite:///{tmp_path / 'notifications.db'}",
    }
    missing = run("jobdating-notifications", settings, tmp_path)
    assert missing.returncode == 2
    assert missing.stderr == (
        "jobdating-notifications ne démarre pas : le fichier nommé par "
        f"JOBDATING_NOTIFICATIONS_SMTP_PASSWORD_FILE est introuvable ({absent}).\n"
    )
    assert not (tmp_path / "notifications.db").exists()  # stopped before anything was opened


def test_an_sms_secret_setting_of_before_stops_notifications_naming_the_one_that_replaced_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from jobdating.notifications.main import main

    secret = tmp_path / "sms-webhook-secret"
    secret.write_text("the provider's secret\n")
    monkeypatch.chdir(tmp_path)  # no .env but the test's
    monkeypatch.setenv("JOBDATING_NOTIFICATIONS_STORE_URL", f"sqlite:///{tmp_path / 'notifications.db'}")
    monkeypatch.setenv("JOBDATING_NOTIFICATIONS_SMS_WEBHOOK_SECRET_FILE", str(secret))
    monkeypatch.setenv("JOBDATING_NOTIFICATIONS_SMS_REPLY_SECRET_FILE", str(secret))
    assert main(["serve"]) == 2
    reason = (
        "réglage retiré : le fournisseur de SMS signe les accusés de réception et les réponses des candidats "
        "avec un seul secret, nommé par JOBDATING_NOTIFICATIONS_SMS_PROVIDER_SECRET_FILE "
        "(SMS_PROVIDER_SECRET_FILE dans le .env de compose) ; donnez-lui ce secret pour les deux"
    )
    assert capsys.readouterr().err == (
        "jobdating-notifications ne démarre pas : "
        f"le réglage JOBDATING_NOTIFICATIONS_SMS_REPLY_SECRET_FILE est refusé ({reason}) ; "
        f"le réglage JOBDATING_NOTIFICATIONS_SMS_WEBHOOK_SECRET_FILE est refusé ({reason}) "
        "(à définir dans l'environnement ou le fichier .env).\n"
    )
    assert not (tmp_path / "notifications.db").exists()
    # Left empty, as compose passes them when an .env names neither: no refusal, and the one secret serves.
    monkeypatch.setenv("JOBDATING_NOTIFICATIONS_SMS_WEBHOOK_SECRET_FILE", "")
    monkeypatch.setenv("JOBDATING_NOTIFICATIONS_SMS_REPLY_SECRET_FILE", "")
    monkeypatch.setenv("JOBDATING_NOTIFICATIONS_SMS_PROVIDER_SECRET_FILE", str(secret))
    assert NotificationsSettings().sms_provider_secret() == b"the provider's secret"


def test_the_deploy_guide_starts_as_an_operator_follows_it() -> None:
    from jobdating.ops.cli import app

    guide = (ROOT / "docs" / "deploy.md").read_text()
    first = guide.split("## First start", 1)[1].split("\n## ", 1)[0]
    commands = [line.strip() for line in first.splitlines() if line.startswith("       ")]
    assert commands[0] == "./dev setup"  # the environment, not the test suite
    assert not any(line.startswith("./dev test") for line in commands)
    assert "  setup)" in (ROOT / "dev").read_text()
    known = {command.name for command in app.registered_commands}
    for line in commands:
        if line.startswith(".venv/bin/jobdating "):
            assert line.split()[1] in known, line
    example = set(re.findall(r"^(\w+)=", EXAMPLE.read_text(), re.MULTILINE))
    named = set(re.findall(r"`([A-Z][A-Z_]+)(?:=[^`]*)?`", first))
    assert named - example == set()
