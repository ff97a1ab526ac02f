"""The report as a Rich table for the terminal: one row per figure, grouped by section."""

from __future__ import annotations

import io

from rich.console import Console
from rich.table import Table

from jobdating.reporting.figures import Report, display


def table(report: Report) -> Table:
    out = Table(
        title=f"Rapport jobdating : {report.scope}",
        caption=f"{report.events} événements pris en compte, {report.later} postérieurs à la date demandée",
    )
    # Labels may wrap on a narrow terminal; a number is never cut.
    out.add_column("Section", overflow="fold")
    out.add_column("Indicateur", overflow="fold")
    out.add_column("Valeur", justify="right", no_wrap=True, min_width=9)
    for section in report.sections:
        figures = [f for f in report.figures if f.section == section]
        for i, figure in enumerate(figures):
            last = i == len(figures) - 1
            out.add_row(section if i == 0 else "", figure.key, display(figure), end_section=last)
    return out


def render_text(report: Report, width: int = 160) -> str:
    """The table as plain text (no colours), as written to a file."""
    buffer = io.StringIO()
    Console(file=buffer, width=width, no_color=True, highlight=False, emoji=False).print(table(report))
    return buffer.getvalue()
