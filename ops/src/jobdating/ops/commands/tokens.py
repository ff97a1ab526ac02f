"""`jobdating tokens issue|revoke|list|hash`: the operator's machine tokens (scripts, imports).

Each acts on one or more services' tokens files (`--file`, several for the compose tables: the coordinator's
and a partner's); the services re-read a file when it changes, so an issued token works and a revoked one is
refused from the next request, without a restart. The clear token is printed once, on standard output (the
only thing printed there, for `TOKEN=$(jobdating tokens issue ...)`); the files keep its SHA-256 only.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from jobdating.ops import tokens
from jobdating.ops.commands.terminal import console

app = typer.Typer(
    no_args_is_help=True,
    help="Donner, révoquer et lister les jetons des machines (seule leur empreinte est gardée).",
)

Files = Annotated[
    list[Path],
    typer.Option(
        "--file",
        help="un fichier de jetons des services (à répéter) "
        "(par défaut : .data/tokens.json, celui de `jobdating up`)",
    ),
]
DEFAULT_FILE = Path(".data/tokens.json")


def _files(files: list[Path] | None) -> list[Path]:
    return files or [DEFAULT_FILE]


def _fail(error: Exception) -> typer.Exit:
    console.print(f"[red]Erreur :[/] {error}")
    return typer.Exit(2)


@app.command("issue")
def issue(
    org: Annotated[str, typer.Option(help="l'organisation pour laquelle le jeton agit")],
    role: Annotated[list[str], typer.Option(help="un rôle du jeton (à répéter pour plusieurs)")],
    actor: Annotated[
        str, typer.Option(help="l'identifiant d'acteur que l'audit montre, par ex. import-ml-2026")
    ],
    file: Files = [],  # noqa: B006 (typer reads the default, never mutates it)
) -> None:
    """Add a new token to the files and print it once (it is stored hashed only)."""
    paths = _files(file)
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        raise _fail(tokens.TokenFileError(f"fichier de jetons introuvable : {', '.join(missing)}"))
    try:
        token = tokens.issue(paths, org, role, actor)
    except tokens.TokenFileError as error:
        raise _fail(error) from None
    digest = tokens.listing({token: {"org": org, "role": role[0], "actor_id": actor}})[0][0]
    console.print(f"Jeton émis pour {actor} ({org}, {', '.join(role)}), empreinte {digest} : noté nulle part")
    console.print("ailleurs, il ne sera plus affiché. Révocation : jobdating tokens revoke " + digest)
    typer.echo(token)


@app.command("revoke")
def revoke(
    which: Annotated[
        str | None,
        typer.Argument(
            help="le jeton, sa clé sha256: ou le début de son empreinte (8 caractères hexadécimaux ou plus)"
        ),
    ] = None,
    actor: Annotated[str | None, typer.Option(help="révoquer chaque jeton de cet acteur")] = None,
    file: Files = [],  # noqa: B006
) -> None:
    """Remove tokens from the files: refused by the services from their next request."""
    try:
        removed = tokens.revoke(_files(file), which, actor)
    except tokens.TokenFileError as error:
        raise _fail(error) from None
    for path, count in removed.items():
        console.print(f"  {path} : {count} jeton(s) révoqué(s)")
    if not any(removed.values()):
        raise _fail(tokens.TokenFileError("aucun jeton ne correspond"))


@app.command("list")
def list_tokens(file: Files = []) -> None:  # noqa: B006
    """The tokens of each file by digest, organisation, roles and actor (never the tokens themselves)."""
    for path in _files(file):
        try:
            rows = tokens.listing(tokens.read(path))
        except tokens.TokenFileError as error:
            raise _fail(error) from None
        table = Table(title=str(path))
        for column in ("empreinte", "organisation", "rôles", "acteur", ""):
            table.add_column(column)
        for digest, org, roles, actor, clear in rows:
            table.add_row(digest, org, roles, actor, "[red]en clair[/]" if clear else "")
        console.print(table)
        if any(row[4] for row in rows):
            console.print("[yellow]Des jetons sont en clair : `jobdating tokens hash` les remplace.[/]")


@app.command("hash")
def hash_tokens(
    operator_file: Annotated[
        Path, typer.Option(help="où copier les jetons en clair trouvés (mode 0600), pour vous seul")
    ],
    file: Files = [],  # noqa: B006
) -> None:
    """Replace the clear tokens of older files by their digest (the tokens stay valid)."""
    for path in _files(file):
        try:
            clear = tokens.hash_file(path, operator_file)
        except tokens.TokenFileError as error:
            raise _fail(error) from None
        console.print(f"  {path} : {len(clear)} jeton(s) en clair remplacé(s) par leur empreinte")
