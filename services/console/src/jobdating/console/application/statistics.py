"""« Les chiffres »: the same figures as `jobdating report`, computed by the same shared code
(`jobdating.reporting`) from the stream the console reads, drawn as bar charts with their data table.

A chart draws the figures of one section that share a unit: counts against the section's largest, rates
against 100 %; a section with too many figures to read as bars on a phone is a table only. Every figure
stays in the table, charted or not.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Protocol

from jobdating.reporting.figures import Figure, Report, Scope, display

# More bars than this do not read on a phone: the table says it better.
MOST_BARS: Final = 16


class ReportSource(Protocol):
    """Where the report's events come from (the stream, replayed)."""

    async def report(self, scope: Scope) -> Report: ...


class NoStream(Exception):
    """The console reads no stream here (no NATS configured), or it did not answer."""


@dataclass(frozen=True)
class Bar:
    label: str
    shown: str
    # Length in percent of the chart's width.
    length: float


@dataclass(frozen=True)
class Chart:
    title: str
    # Shown under the section's heading only when the section has several charts.
    caption: str
    bars: list[Bar]


@dataclass(frozen=True)
class Section:
    title: str
    rows: list[tuple[str, str]]
    charts: list[Chart]


@dataclass(frozen=True)
class Statistics:
    scope: str
    events: int
    sections: list[Section]


def statistics(report: Report) -> Statistics:
    """The report as sections of charts and tables, in the report's order."""
    sections = []
    for title in report.sections:
        figures = [f for f in report.figures if f.section == title]
        units = list(dict.fromkeys(f.unit for f in figures))
        charts = [_chart(title, [f for f in figures if f.unit == u], len(units) > 1) for u in units]
        rows = [(f.key, display(f)) for f in figures]
        sections.append(Section(title, rows, [c for c in charts if 0 < len(c.bars) <= MOST_BARS]))
    return Statistics(report.scope, report.events, sections)


def _chart(section: str, figures: list[Figure], several: bool) -> Chart:
    unit = figures[0].unit
    known = [f for f in figures if f.value is not None]
    top = 1.0 if unit == "rate" else max([float(f.value or 0) for f in known] + [0.0])
    bars = [Bar(f.key, display(f), round(100 * float(f.value or 0) / top, 1) if top else 0.0) for f in known]
    words = {"count": "nombres", "rate": "taux", "ratio": "moyennes"}[unit]
    return Chart(f"{section} ({words})", words.capitalize() if several else "", bars)
