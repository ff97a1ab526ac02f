"""`jobdating backup` and `jobdating restore`: the terminal side of `jobdating.ops.backup` and `.restore`.

Exit codes: 0 done; 1 restored, but events witnessed in the folder are lost (named), or, with the stream
lost and no store left to witness, what followed the backup cannot be named; 2 nothing done (a folder
refused, a stack still running, NATS unreachable).
"""

from __future__ import annotations

import asyncio
from collections import Counter
from pathlib import Path
from typing import Annotated

import typer

from jobdating.ops.backup import BackupError, take_backup
from jobdating.ops.backup_manifest import BackupRefused, Manifest
from jobdating.ops.commands.terminal import DataDir, OptionalNatsUrl, console
from jobdating.ops.operate import connect, store_urls
from jobdating.ops.reporting.source import ReportError, nats_of
from jobdating.ops.restore import RestoreError, RestoreReport, restore
from jobdating.runtime.clock import SystemClock

Stores = Annotated[
    list[str] | None,
    typer.Option(help="SERVICE=URL : la base de ce service (PostgreSQL par exemple), répétable"),
]


def backup(
    target: Annotated[Path, typer.Option("--to", help="où créer le dossier daté de la sauvegarde")] = Path(
        "backups"
    ),
    data_dir: DataDir = Path(".data"),
    nats_url: OptionalNatsUrl = None,
    store: Stores = None,
) -> None:
    """Sauvegarde cohérente de chaque base de service et du flux dans un dossier daté, avec son manifeste
    (quoi, jusqu'à quelles positions et séquences, quand) et ses sommes de contrôle (SHA256SUMS).

    La pile peut tourner (copie en ligne). Le dossier contient des données personnelles : gardez-le au plus
    35 jours (docs/operations.md).
    """

    folder_of_data, target_root = data_dir.resolve(), target.resolve()

    async def take(url: str) -> tuple[Path, Manifest]:
        nc = await connect(url, required=True)
        assert nc is not None
        try:
            urls = store_urls(store or [])
            return await take_backup(folder_of_data, target_root, nc.jetstream(), SystemClock().now(), urls)
        finally:
            await nc.close()

    async def go() -> tuple[Path, int, int | None]:
        if nats_url is not None:
            folder, manifest = await take(nats_url)
        else:
            with nats_of(folder_of_data) as url:
                folder, manifest = await take(url)
        events = sum(s.events for s in manifest.stores)
        return folder, events, None if manifest.stream is None else manifest.stream.last_seq

    try:
        with console.status("Sauvegarde des bases et du flux..."):
            folder, events, last_seq = asyncio.run(go())
    except (BackupError, ReportError, typer.BadParameter) as exc:
        console.print(f"[red]Erreur :[/] {exc}")
        raise typer.Exit(2) from exc
    stream = "flux absent" if last_seq is None else f"flux jusqu'à la séquence {last_seq}"
    console.print(f"[green]Sauvegarde prise[/] : {folder} ({events} événements dans les journaux, {stream}).")
    print(folder)


def restore_command(
    backup_dir: Annotated[Path, typer.Argument(help="le dossier de sauvegarde (jobdating-AAAAMMJJTHHMMSSZ)")],
    data_dir: DataDir = Path(".data"),
    nats_url: OptionalNatsUrl = None,
    store: Stores = None,
) -> None:
    """Restaure la pile (arrêtée) depuis une sauvegarde : refuse un dossier dont une somme de contrôle ne
    correspond pas, rejoue depuis le flux ce qui a suivi la sauvegarde s'il a survécu, nomme ce qui est perdu,
    et n'ouvre jamais de nouveau les données d'une personne effacée depuis."""
    try:
        urls = store_urls(store or [])
        report = asyncio.run(
            restore(backup_dir.resolve(), data_dir.resolve(), SystemClock().now(), urls, nats_url)
        )
    except (BackupRefused, RestoreError, typer.BadParameter) as exc:
        console.print(f"[red]Erreur :[/] {exc}")
        raise typer.Exit(2) from exc
    raise typer.Exit(print_report(report))


def print_report(report: RestoreReport) -> int:
    manifest = report.manifest
    console.print(
        f"Restauré depuis la sauvegarde du {manifest.taken_at.isoformat(timespec='seconds')} : "
        + ", ".join(f"{s.service} ({s.events} événements)" for s in manifest.stores)
    )
    if report.stream_kept:
        console.print("Flux : conservé (il prolonge celui de la sauvegarde).")
    else:
        n = manifest.stream.messages if manifest.stream is not None else 0
        console.print(f"Flux : recréé depuis la sauvegarde ({n} messages).")
    for service, types in sorted(report.replayed.items()):
        console.print(
            f"Rejoué depuis le flux, {service} : {sum(types.values())} événement(s) ({_few(types)})"
        )
    for line in report.witnesses:
        console.print(f"Témoin lu avant la restauration : {line}")
    if report.keys_forgotten:
        console.print(f"Effacements réappliqués (clés supprimées) : {', '.join(report.keys_forgotten)}")
    if report.erasures_aside:
        console.print(
            "[yellow]Effacements connus d'un témoin seulement, à refaire (clés supprimées) :[/] "
            + ", ".join(report.erasures_aside)
        )
    if report.keys_missing:
        console.print(
            f"[yellow]Données personnelles illisibles (clé absente de la sauvegarde) :[/] "
            f"{len(report.keys_missing)} candidat(s) : {', '.join(report.keys_missing)}"
        )
    for service, ids in sorted(report.unrelayed.items()):
        console.print(f"[yellow]{service} : absents du flux avant le curseur du relais :[/] {', '.join(ids)}")
    for service, lost in sorted(report.lost.items()):
        kinds = _few(Counter(lost.values()))
        console.print(
            f"[red]Perdus, {service} : {len(lost)} événement(s)[/] ({kinds}) : {', '.join(sorted(lost))}"
        )
    if report.nothing_named:
        console.print(
            "[red]Flux perdu et aucune base témoin[/] : ce qui a suivi la sauvegarde du "
            f"{manifest.taken_at.isoformat(timespec='seconds')} est perdu et ne peut pas être nommé."
        )
    if report.lost or report.nothing_named:
        return 1
    console.print("[green]Restauration terminée[/] : lancez `jobdating up`, puis `jobdating audit`.")
    return 0


def _few(types: dict[str, int]) -> str:
    # "?": only another service's inbox knew the id, not what the event was.
    return ", ".join(f"{'type inconnu' if k == '?' else k} ×{n}" for k, n in sorted(types.items()))
