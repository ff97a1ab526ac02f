"""The report as CSV for a French spreadsheet (LibreOffice, Excel set to French): semicolons between
cells, a UTF-8 byte order mark so that accents read right, decimal commas, rates in percent rounded as the
table shows them, and a unit column (people and interviews are not added up). Names (sites, companies) are
kept as text when a spreadsheet would read them as a formula."""

from __future__ import annotations

import csv
import io

from jobdating.reporting.figures import Report, french_number, unit_of
from jobdating.runtime.text import spreadsheet_cell

HEADER = ("section", "indicateur", "valeur", "unité")
BOM = "\ufeff"


def render_csv(report: Report) -> str:
    buffer = io.StringIO()
    buffer.write(BOM)
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(HEADER)
    for figure in report.figures:
        writer.writerow(
            (
                spreadsheet_cell(figure.section),
                spreadsheet_cell(figure.key),
                french_number(figure),
                unit_of(figure),
            )
        )
    return buffer.getvalue()
