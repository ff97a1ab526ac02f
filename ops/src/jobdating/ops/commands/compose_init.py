"""`jobdating compose-init`: the files the Docker Compose deployment needs before its first start."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from jobdating.ops import compose
from jobdating.ops.commands.terminal import console


def compose_init(
    root: Annotated[
        Path, typer.Option(help="the checkout holding docker-compose.yml and .env.example")
    ] = Path(),
    config_dir: Annotated[
        Path | None, typer.Option(help="where the tokens go [default: ROOT/deploy/compose/config]")
    ] = None,
    demo: Annotated[bool, typer.Option(help="also the demo's staff directory (staff.toml)")] = False,
) -> None:
    """Write .env (random passwords) and the token tables docker-compose.yml mounts; keeps what exists."""
    if not (root / ".env.example").exists():
        console.print(f"[red]Erreur :[/] pas de fichier .env.example dans {root.resolve()}")
        raise typer.Exit(2)
    config = config_dir or root / "deploy" / "compose" / "config"
    written = compose.init(root / ".env.example", root / ".env", config, demo)
    for path in written:
        console.print(f"  [green]✓[/] {path}")
    if not written:
        console.print("Rien à écrire : .env et les jetons existent déjà.")
