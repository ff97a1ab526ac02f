"""`jobdating partner add ORG`: a partner joins the federation on its own server (a leaf of the hub)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Annotated

import nats
import typer

from jobdating.ops import federation_plan
from jobdating.ops.commands.terminal import console
from jobdating.ops.federation_provision import connect, provision_all

app = typer.Typer(no_args_is_help=True, help="Les partenaires qui ont leur propre serveur NATS.")
DEFAULT_FOLDER = Path("deploy/federation")


@app.command("add")
def add(
    org: Annotated[str, typer.Argument(help="l'organisation partenaire (lettres, chiffres, - et _)")],
    folder: Annotated[
        Path,
        typer.Option(
            help="le dossier de la fédération : federation.json et la configuration de chaque serveur"
        ),
    ] = DEFAULT_FOLDER,
    hub_url: Annotated[
        str | None,
        typer.Option(
            help="les serveurs du hub (nats://ops:MOT_DE_PASSE@hôte:4222, séparés par des virgules) : "
            "crée ou met à jour les flux et leurs sources ; sans elle, seuls les fichiers sont écrits"
        ),
    ] = None,
    port: Annotated[int, typer.Option(help="le port où le serveur du partenaire attend ses services")] = (
        federation_plan.CLIENT_PORT
    ),
    store_dir: Annotated[
        str, typer.Option(help="le dossier de JetStream sur le serveur du partenaire")
    ] = federation_plan.STORE_DIR,
) -> None:
    """Write the partner's leaf config and credentials and the hub servers' side; with --hub-url, provision
    the hub's stream (sourcing the partner) and the partner's (sourcing the hub) through the hub."""
    try:
        plan = federation_plan.with_partner(
            federation_plan.load(folder), org, client_port=port, store_dir=store_dir
        )
    except ValueError as exc:
        console.print(f"[red]Erreur :[/] {exc}")
        raise typer.Exit(2) from exc
    for path in federation_plan.save(folder, plan):
        console.print(f"  [green]✓[/] {path}")
    node = plan.hub[0]
    console.print(
        f"Le serveur de {org} : {federation_plan.partner_config_path(folder, org)} (mode 0600, il porte son "
        "mot de passe de feuille). Les serveurs du hub relisent leur configuration : "
        f"`nats-server --signal reload` sur chacun (par ex. {federation_plan.hub_config_path(folder, node)})."
    )
    if hub_url is None:
        return
    try:
        for line in asyncio.run(_provision(hub_url, plan)):
            console.print(f"  [green]✓[/] {line}")
    except (OSError, nats.errors.Error) as exc:
        console.print(f"[red]Erreur :[/] le hub ou le serveur de {org} ne répond pas : {exc}")
        raise typer.Exit(2) from exc


async def _provision(hub_url: str, plan: federation_plan.FederationPlan) -> list[str]:
    nc = await connect(hub_url)
    try:
        return await provision_all(nc, plan)
    finally:
        await nc.close()
