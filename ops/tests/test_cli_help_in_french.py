"""The operator reads every command's help, and its usage errors, in French: `jobdating` and each service's
`jobdating-<service>`."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from jobdating.bus.provision import main as provision_main
from jobdating.console.main import main as console_main
from jobdating.identity.main import main as identity_main
from jobdating.notifications.main import main as notifications_main
from jobdating.ops.cli import app
from jobdating.registration.main import main as registration_main
from jobdating.scheduling.main import main as scheduling_main
from jobdating.sites.main import main as sites_main
from jobdating.testing.french_text import english_or_missing

MAINS: dict[str, Callable[[list[str]], int]] = {
    "registration": registration_main,
    "sites": sites_main,
    "scheduling": scheduling_main,
    "notifications": notifications_main,
    "identity": identity_main,
    "console": console_main,
    "provision": provision_main,
}


def commands(command: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Any]]:
    """Every command under `command` (typer's own click), with the words that reach it."""
    yield path, command
    for name, sub in getattr(command, "commands", {}).items():
        yield from commands(sub, (*path, name))


def test_every_command_and_option_of_jobdating_has_a_french_help() -> None:
    found = []
    assert len(list(commands(typer.main.get_command(app)))) > 10  # the groups' commands too
    for path, command in commands(typer.main.get_command(app)):
        where = " ".join(("jobdating", *path))
        if (wrong := english_or_missing(command.help)) is not None:
            found.append(f"{where}: {wrong}: {command.help!r}")
        for param in command.params:
            text = getattr(param, "help", None)
            if (wrong := english_or_missing(text)) is not None:
                found.append(f"{where} {param.name}: {wrong}: {text!r}")
    assert not found, "\n".join(found)


def test_jobdating_help_pages_speak_french_down_to_typers_own_words() -> None:
    for path, _ in commands(typer.main.get_command(app)):
        page = CliRunner().invoke(app, [*path, "--help"])
        assert page.exit_code == 0, page.output
        text = " ".join(page.output.replace("│", " ").split())  # rich's boxes and wrapping undone
        assert "Utilisation : " in text
        assert "Afficher cette aide et quitter." in text
        assert "Usage:" not in text
        assert "Show this message" not in text
        assert "[default:" not in text


def help_page(main: Callable[[list[str]], int], argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    with pytest.raises(SystemExit) as done:
        main([*argv, "--help"])
    assert done.value.code == 0
    return capsys.readouterr().out


def said(page: str) -> list[str]:
    """The help texts of a page: each line without option names, metavars and choices."""
    lines = []
    for line in page.split("\n\n", 1)[1].splitlines():  # after the usage, which holds only names
        line = re.sub(r"--?[\w-]+|\{[^}]*\}|\b[A-Z_]{2,}\b", " ", line).strip()
        if line and line not in ("arguments:", "options:", "commandes:"):
            lines.append(line)
    return lines


@pytest.mark.parametrize("service", list(MAINS))
def test_each_service_command_line_says_its_help_in_french(
    service: str, capsys: pytest.CaptureFixture[str]
) -> None:
    main = MAINS[service]
    page = help_page(main, [], capsys)
    pages: dict[tuple[str, ...], str] = {(): page}
    listed = re.findall(r"^    ([a-z][\w-]+)  ", page.split("commandes:", 1)[-1], re.MULTILINE)
    if "commandes:" in page:
        assert listed
    for name in listed:
        pages[(name,)] = help_page(main, [name], capsys)
    for argv, text in pages.items():
        assert text.startswith("utilisation : "), (argv, text)
        assert "afficher cette aide et quitter" in text
        for line in said(text):
            wrong = english_or_missing(line)
            # A wrapped help's last words may hold no French word of their own; English never passes.
            assert wrong is None or (wrong == "not French" and len(re.findall(r"\w+", line)) < 4), (
                argv,
                line,
            )


ENGLISH_ERRORS = ("No such", "Missing", "Invalid value", "Got unexpected", "requires an", "Did you mean")


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["up", "--bogus"], "option inconnue : --bogus"),
        (["--bogus"], "option inconnue : --bogus"),
        (["tokens", "isue"], "commande inconnue : 'isue' (vouliez-vous dire 'issue' ?)"),
        (["tokens", "issue", "--org", "x", "--actor", "a"], "option manquante : '--role'."),
        (["restore"], "argument manquant : 'backup_dir'."),
        (["up", "--nats-port", "abc"], "valeur invalide pour '--nats-port' : un nombre entier est attendu"),
        (["report", "--format", "xx"], "valeur invalide pour '--format' : 'xx' n'est pas l'un de 'table',"),
        (["backup", "--to"], "l'option '--to' attend une valeur."),
        (["up", "de-trop"], "argument(s) en trop : de-trop"),
    ],
)
def test_jobdating_usage_errors_speak_french_and_name_what_is_wrong(argv: list[str], said: str) -> None:
    result = CliRunner().invoke(app, argv)
    assert result.exit_code == 2, result.output
    text = " ".join(result.output.replace("│", " ").split())  # rich's boxes and wrapping undone
    assert said in text
    assert "Erreur" in text
    assert not [words for words in ENGLISH_ERRORS if words in text], text


@pytest.mark.parametrize("service", list(MAINS))
def test_each_service_command_line_says_its_usage_errors_in_french(
    service: str, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["--bogus"] if service == "provision" else ["serve", "--bogus"]  # provision has no commands
    with pytest.raises(SystemExit) as done:
        MAINS[service](argv)
    assert done.value.code == 2
    assert "erreur : arguments inconnus : --bogus" in capsys.readouterr().err


def test_argparses_other_usage_errors_speak_french(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        scheduling_main(["export", "--job-dating", "jd", "--store", "sqlite:///a.db", "--data-dir", "b"])
    assert done.value.code == 2
    assert "erreur : argument --data-dir : pas en même temps que --store" in capsys.readouterr().err
