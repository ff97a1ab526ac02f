"""`jobdating compose-init`: the files the Docker Compose deployment needs before its first start."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from jobdating.ops import compose, compose_federation, federation_plan
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
    public_host: Annotated[
        str,
        typer.Option(
            help="le nom public de cette machine (DNS) : certificat d'une autorité ACME (certbot, "
            "docs/deploy.md) au lieu de l'autorité locale ; le proxy écoute alors sur toutes les adresses"
        ),
    ] = "",
    federation: Annotated[
        bool,
        typer.Option(
            help="la forme fédérée (docker-compose.federation.yml) : le hub de trois serveurs NATS et les "
            "partenaires de la démonstration sur leurs propres serveurs, leurs mots de passe dans .env"
        ),
    ] = False,
) -> None:
    """Write .env (random passwords), the hashed token tables docker-compose.yml mounts and the operator's
    clear tokens; keeps what exists. With --federation, also the federation's folder for the demo's
    partners on their own servers (`compose_federation`)."""
    if not (root / ".env.example").exists():
        console.print(f"[red]Erreur :[/] pas de fichier .env.example dans {root.resolve()}")
        raise typer.Exit(2)
    config = config_dir or root / "deploy" / "compose" / "config"
    operator = operator_tokens or compose.operator_file(config)
    partners = compose_federation.COMPOSE_PARTNERS if federation else compose.PARTNER_INSTANCES
    written = compose.init(
        root / ".env.example",
        root / ".env",
        config,
        demo,
        operator_tokens=operator,
        public_host=public_host,
        partners=partners,
    )
    if federation:
        folder = root / federation_plan.DEFAULT_FOLDER
        written += compose_federation.init(root / ".env", folder, demo=demo)
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
    console.print(tls_advice(compose.read_env(root / ".env"), root), soft_wrap=True)


def tls_advice(settings: dict[str, str], root: Path) -> str:
    """What the operator does next for HTTPS: trust the local authority, or obtain the public certificate."""
    folder = compose.tls_folder(root, settings.get("PROXY_TLS_DIR", ""))
    host = settings.get("PROXY_PUBLIC_HOST", "")
    if host:
        return (
            f"HTTPS : certificat provisoire pour {host} dans {folder / 'server'} ; une fois la pile "
            f"démarrée, obtenez le vrai avec certbot (racine web {folder / 'acme'}), voir docs/deploy.md."
        )
    return (
        f"HTTPS : autorité locale {folder / 'ca.crt'} — faites-lui confiance dans les navigateurs et les "
        f"outils qui ouvrent la console ({settings.get('CONSOLE_PUBLIC_BASE_URL', '')})."
    )
