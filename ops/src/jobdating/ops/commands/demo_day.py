"""`jobdating demo`: the demo job dating as a whole day on a sped-up clock, then its report."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from jobdating.ops.commands.terminal import console, done, running, start, stop_cleanly_on_termination
from jobdating.ops.demo_calendar import ZONE
from jobdating.ops.stack import Stack


def demo_day(
    data_dir: Annotated[
        Path, typer.Option(help="un dossier neuf pour les bases, JetStream et les journaux de la journée")
    ] = Path(".demo"),
    speed: Annotated[
        float, typer.Option(help="combien de fois plus vite que le temps réel la journée se déroule")
    ] = 60.0,
    nats_port: Annotated[int, typer.Option(help="le port des clients NATS")] = 14222,
    base_port: Annotated[int, typer.Option(help="les services écoutent sur base+1, base+2, ...")] = 8100,
    seed: Annotated[
        int, typer.Option(help="la graine des choix de la journée (absence, panne, résultats)")
    ] = 2026,
) -> None:
    """The demo job dating as a whole day on a sped-up clock: plan published, check-ins, a no-show, a late
    arrival, a walk-in, a move by hand, a computer failing, a site closed then reopened, outcomes, second
    interviews; ends with the day's figures. Ctrl-C stops cleanly."""
    stop_cleanly_on_termination()
    from jobdating.ops.day import clock as day_clock
    from jobdating.ops.day import play, summary

    stack = Stack(data_dir, nats_port=nats_port, base_port=base_port)
    clock = start(stack, lambda: day_clock.prepare(stack, speed))
    with running(stack):
        console.print(f"Horloge de la démo : {speed:g} fois plus vite que le temps réel.")
        loaded, report = play.play(
            stack,
            clock,
            seed=seed,
            progress=done,
            say=lambda at, line: console.print(f"[cyan]{at.astimezone(ZONE):%H:%M}[/] {line}"),
            status=console.status,
        )
        summary.print_summary(console, loaded, report, stack)
        _demo_report(stack)


def _demo_report(stack: Stack) -> None:
    """The day ends with `jobdating report`: its table here, its HTML page in the data folder."""
    from jobdating.ops.day.summary import closing_report
    from jobdating.ops.reporting.render_html import render_html
    from jobdating.ops.reporting.render_text import table
    from jobdating.ops.reporting.source import ReportError

    try:
        with console.status("Rapport de la journée..."):
            result = closing_report(stack)
    except ReportError as exc:
        console.print(f"[yellow]Rapport indisponible :[/] {exc}")
        return
    console.print(table(result))
    page = stack.data_dir / "rapport.html"
    page.write_text(render_html(result), encoding="utf-8")
    console.print(f"Rapport (page HTML avec le planning par site et l'entonnoir) : {page}")
