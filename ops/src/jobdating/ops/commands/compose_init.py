"""`jobdating compose-init`: the files the Docker Compose deployment needs before its first start."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from jobdating.ops import compose
from jobdating.ops.commands.terminal import console


def compose_init(
    root: Annotated[
        Path, typer.Option(help="le dossier qui contient docker-compose.yml et .env.example")
    ] = Path(),
    config_dir: Annotated[
        Path | None, typer.Option(help="où écrire les jetons (par défaut : ROOT/deploy/compose/config)")
    ] = None,
    operator_tokens: Annotated[
        Path | None,
        typer.Option(
            help="où écrire les jetons des machines en clair, mode 0600 "
            "(par défaut : machine-tokens.json à côté de CONFIG_DIR)"
        ),
    ] = None,
    demo: Annotated[
        bool,
        typer.Option(
            help="l'annuaire des conseillers de la démonstration (staff.toml) plutôt qu'un annuaire à remplir"
        ),
    ] = False,
) -> None:
    """Write .env (random passwords), the hashed token tables docker-compose.yml mounts and the operator's
    clear tokens; keeps what exists."""
    if not (root / ".env.example").exists():
        console.print(f"[red]Erreur :[/] pas de fichier .env.example dans {root.resolve()}")
        raise typer.Exit(2)
    config = config_dir or root / "deploy" / "compose" / "config"
    operator = operator_tokens or compose.operator_file(config)
    written = compose.init(root / ".env.example", root / ".env", config, demo, operator_tokens=operator)
    for path in written:
        console.print(f"  [green]✓[/] {path}")
    if not written:
        console.print("Rien à écrire : .env et les jetons existent déjà.")
    else:
        console.print(
            f"Jetons machine en clair (pour vous seul, jamais montés dans les conteneurs) : {operator}\n"
            "Les services n'en gardent que l'empreinte ; `jobdating tokens issue|revoke|list "
            f"--file {config}/tokens-<org>.json` en émet et en révoque sans redémarrage."
        )
