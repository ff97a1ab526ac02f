"""The report as CSV: one row per figure (section, key, value), values in plain machine form; names (sites,
companies) kept as text when a spreadsheet would read them as a formula."""

from __future__ import annotations

import csv
import io

from jobdating.reporting.figures import Figure, Report
from jobdating.runtime.text import spreadsheet_cell

HEADER = ("section", "clé", "valeur")


def csv_value(figure: Figure) -> str:
    """Counts as integers, rates and ratios as decimals with a dot (0.25 is 25 %), empty if not computable."""
    if figure.value is None:
        return ""
    if isinstance(figure.value, int):
        return str(figure.value)
    return repr(float(figure.value))


def render_csv(report: Report) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(HEADER)
    for figure in report.figures:
        writer.writerow((spreadsheet_cell(figure.section), spreadsheet_cell(figure.key), csv_value(figure)))
    return buffer.getvalue()
