"""`jobdating partner add ORG`: a partner joins the federation on its own server (a leaf of the hub)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Annotated

import nats
import typer

from jobdating.bus.connection import tls_context
from jobdating.ops import federation, federation_plan
from jobdating.ops.commands.terminal import console
from jobdating.ops.federation_provision import connect, provision_all
from jobdating.ops.federation_tls import TlsFiles
from jobdating.ops.nats_users import OPS_USER

app = typer.Typer(no_args_is_help=True, help="Les partenaires qui ont leur propre serveur NATS.")


@app.command("add")
def add(
    org: Annotated[str, typer.Argument(help="l'organisation partenaire (lettres, chiffres, - et _)")],
    folder: Annotated[
        Path,
        typer.Option(
            help="le dossier de la fédération : federation.json et la configuration de chaque serveur"
        ),
    ] = federation_plan.DEFAULT_FOLDER,
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
    tls_dir: Annotated[
        str,
        typer.Option(
            help="où le serveur du partenaire trouve ses certificats (le contenu de partners/ORG/tls)"
        ),
    ] = federation.TLS_MOUNT,
    tls_name: Annotated[
        list[str] | None,
        typer.Option(
            help="un nom (DNS ou adresse IP) par lequel les services du partenaire joignent son serveur, "
            "ajouté à son certificat (répétable)"
        ),
    ] = None,
) -> None:
    """Write the partner's leaf config, credentials, users and TLS certificates and the hub servers' side;
    with --hub-url, provision the hub's stream (sourcing the partner) and the partner's (sourcing the hub)
    through the hub."""
    try:
        plan = federation_plan.with_partner(
            federation_plan.load(folder),
            org,
            client_port=port,
            store_dir=store_dir,
            tls_dir=tls_dir,
            tls_names=tls_name or (),
        )
    except ValueError as exc:
        console.print(f"[red]Erreur :[/] {exc}")
        raise typer.Exit(2) from exc
    for path in federation_plan.save(folder, plan):
        console.print(f"  [green]✓[/] {path}")
    node = plan.hub[0]
    console.print(
        f"Le serveur de {org} : {federation_plan.partner_config_path(folder, org)} (mode 0600, il porte son "
        f"mot de passe de feuille et ceux de ses utilisateurs) et ses certificats dans "
        f"{federation_plan.partner_tls_path(folder, org)} ; ceux de ses services dans "
        f"{federation_plan.client_tls_path(folder, org, OPS_USER).parent}. Les serveurs du hub relisent leur "
        f"configuration : `nats-server --signal reload` sur chacun (par ex. "
        f"{federation_plan.hub_config_path(folder, node)}, certificats dans "
        f"{federation_plan.hub_tls_path(folder, node)}).",
        soft_wrap=True,
    )
    if hub_url is None:
        return
    try:
        for line in asyncio.run(_provision(hub_url, plan, folder)):
            console.print(f"  [green]✓[/] {line}")
    except (OSError, nats.errors.Error) as exc:
        console.print(f"[red]Erreur :[/] le hub ou le serveur de {org} ne répond pas : {exc}")
        raise typer.Exit(2) from exc


async def _provision(hub_url: str, plan: federation_plan.FederationPlan, folder: Path) -> list[str]:
    """Through the hub, as its operators: their client certificate is in the federation's folder."""
    files = TlsFiles.under(federation_plan.client_tls_path(folder, None, OPS_USER))
    nc = await connect(hub_url, tls_context(files.ca, files.cert, files.key))
    try:
        return await provision_all(nc, plan)
    finally:
        await nc.close()
