"""The `jobdating report` command (registered on the operator's Typer app in `jobdating.ops.cli`)."""

from __future__ import annotations

import asyncio
import enum
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from jobdating.ops.reporting.render_csv import render_csv
from jobdating.ops.reporting.render_html import render_html
from jobdating.ops.reporting.render_text import render_text, table
from jobdating.ops.reporting.source import ReportError, nats_of, parse_as_of, parse_day, report_from
from jobdating.reporting.figures import Report, Scope


class Format(enum.StrEnum):
    table = "table"
    csv = "csv"
    html = "html"


def render(report: Report, output_format: Format) -> str:
    """The report in one of the three forms, all made from the same `Report`."""
    if output_format is Format.csv:
        return render_csv(report)
    if output_format is Format.html:
        return render_html(report)
    return render_text(report)


def report(
    nats_url: Annotated[
        str | None, typer.Option("--nats-url", envvar="JOBDATING_NATS_URL", help="l'adresse du serveur NATS")
    ] = None,
    data_dir: Annotated[
        Path | None,
        typer.Option(
            help="le dossier de données de `jobdating up` (par défaut : .data) : son NATS, ou ses fichiers "
            "JetStream lus par un serveur temporaire quand tout est arrêté ; l'emporte sur --nats-url"
        ),
    ] = None,
    job_dating: Annotated[str | None, typer.Option("--job-dating", help="seulement ce job dating")] = None,
    start: Annotated[
        str | None, typer.Option("--from", help="les job datings de ce jour ou après (AAAA-MM-JJ)")
    ] = None,
    end: Annotated[str | None, typer.Option("--to", help="les job datings de ce jour ou avant")] = None,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            help="les chiffres tels qu'ils étaient alors : les événements plus tardifs sont laissés de côté "
            "(AAAA-MM-JJ[THH:MM[+décalage]], heure de Paris sans décalage ; une date seule : sa fin)",
        ),
    ] = None,
    output_format: Annotated[
        Format, typer.Option("--format", help="tableau (table), csv ou html")
    ] = Format.table,
    output: Annotated[Path | None, typer.Option("--output", help="écrire dans ce fichier")] = None,
) -> None:
    """Statistics of job datings as a projection over the whole stream: table, CSV or HTML page."""
    err = Console(stderr=True)
    try:
        scope = Scope(
            job_dating_id=job_dating,
            start=parse_day(start),
            end=parse_day(end),
            as_of=parse_as_of(as_of) if as_of else None,
        )
        if nats_url is not None and data_dir is None:
            result = asyncio.run(report_from(nats_url, scope))
        else:
            with nats_of(data_dir or Path(".data")) as url:
                result = asyncio.run(report_from(url, scope))
    except ReportError as exc:
        err.print(f"[red]Erreur :[/] {exc}")
        raise typer.Exit(2) from exc
    if output is not None:
        try:
            output.write_text(render(result, output_format), encoding="utf-8")
        except OSError as exc:
            err.print(f"[red]Erreur :[/] impossible d'écrire {output} : {exc.strerror}")
            raise typer.Exit(2) from exc
        err.print(f"Rapport écrit dans {output}")
    elif output_format is Format.table:
        Console().print(table(result))
    else:
        sys.stdout.write(render(result, output_format))
