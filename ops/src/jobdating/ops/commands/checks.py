"""The commands that check and repair what the services hold: `audit` and `replay` (`report`, the third
command reading the stream, lives with the reports in `jobdating.ops.reporting.command`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from jobdating.ops import operate
from jobdating.ops.audit.who_run import run_who
from jobdating.ops.commands.terminal import DataDir, OptionalNatsUrl, console


def audit(
    data_dir: DataDir = Path(".data"),
    nats_url: OptionalNatsUrl = None,
    limit: Annotated[int, typer.Option(help="combien de différences lister au plus")] = 20,
    store: Annotated[
        list[str] | None,
        typer.Option(
            help="SERVICE=URL : la base de ce service (par ex. PostgreSQL), répétable ; "
            "SERVICE@ORG=URL : l'instance propre d'un partenaire"
        ),
    ] = None,
    stream: Annotated[
        bool,
        typer.Option("--stream/--no-stream", help="vérifier aussi le flux (--no-stream : les bases seules)"),
    ] = True,
    partner: Annotated[
        list[str] | None,
        typer.Option(
            help="ORG : un partenaire sur son propre serveur, feuille du hub (--nats-url) : son flux, lu par "
            "le hub, comparé à celui du hub ; ses instances (SERVICE@ORG) vérifiées sur son flux (répétable)"
        ),
    ] = None,
    who: Annotated[
        bool,
        typer.Option("--who", help="qui a fait quoi : les actions du flux, par acteur (pas de contrôle)"),
    ] = False,
    since: Annotated[
        str | None, typer.Option(help="--who : depuis (AAAA-MM-JJ[THH:MM], heure de Paris)")
    ] = None,
    until: Annotated[
        str | None, typer.Option(help="--who : jusqu'à (une date seule : toute la journée)")
    ] = None,
    actor: Annotated[str | None, typer.Option(help="--who : seulement cet acteur (son identifiant)")] = None,
    org: Annotated[
        str | None, typer.Option(help="--who : seulement les acteurs de cette organisation")
    ] = None,
    token: Annotated[
        str | None,
        typer.Option(
            envvar="JOBDATING_TOKEN",
            help="--who : votre jeton d'accès, pour lire les noms que le service d'identité vous montre",
        ),
    ] = None,
    identity_url: Annotated[
        str | None,
        typer.Option(envvar="JOBDATING_IDENTITY_URL", help="--who : l'adresse du service d'identité"),
    ] = None,
) -> None:
    """Prove that the stream, every service's log and every projection agree (exit 1 on any difference).

    Reads the stores and the stream: `--nats-url`, or the data folder's NATS (started for the time of the
    audit when the stack is stopped). A stream that cannot be read is not a clean audit (exit 2), unless
    `--no-stream` says to audit the stores alone. `--partner ORG`: a partner on its own server, a leaf of the
    hub `--nats-url` names: its stream, read through the hub, against the hub's (see `audit.partners`).

    `--who` : qui a fait quoi, d'après les enveloppes du flux (heure, acteur, organisation, action, objet),
    filtré par `--since`, `--until`, `--actor`, `--org` ; les noms viennent du service d'identité, pour qui a
    le droit de les lire (`--token`, `--identity-url`), sinon les identifiants.
    """
    if who:
        raise typer.Exit(
            run_who(console, data_dir, nats_url, (since, until, actor, org), token, identity_url)
        )
    if any(v is not None for v in (since, until, actor, org)):
        console.print("[red]Erreur :[/] --since, --until, --actor et --org vont avec --who")
        raise typer.Exit(2)
    raise typer.Exit(operate.run_audit(console, data_dir, nats_url, limit, store, stream, partner))


def replay(
    service: Annotated[str, typer.Argument(help="registration, sites, scheduling ou notifications")],
    from_stream: Annotated[bool, typer.Option(help="rejouer les événements du flux, pas le journal")] = False,
    data_dir: DataDir = Path(".data"),
    nats_url: OptionalNatsUrl = None,
    store_url: Annotated[
        str | None,
        typer.Option(help="l'adresse de la base du service, au lieu de celle du dossier de données"),
    ] = None,
) -> None:
    """Rebuild a service's projections into fresh tables, then switch the live ones in one transaction."""
    raise typer.Exit(operate.run_replay(console, service, data_dir, from_stream, nats_url, store_url))
