"""`jobdating report --format csv` keeps names as text: a site or company called `=HYPERLINK(...)` is no
formula in a spreadsheet, and the numbers stay numbers."""

from __future__ import annotations

import csv
import io

from jobdating.ops.reporting.render_csv import render_csv
from jobdating.reporting.figures import Figure, Report


def test_names_a_spreadsheet_would_run_as_formulas_are_kept_as_text() -> None:
    figures = (
        Figure("par entreprise", '=HYPERLINK("https://example.org","x")', 3),
        Figure("par site", "+Site", 2),
        Figure("par site", "-Site", 0.25, "rate"),
        Figure("@section", "Maison de l'emploi", None),
    )
    report = Report(scope="tout", as_of=None, events=0, later=0, figures=figures, timeline=())

    rows = list(csv.reader(io.StringIO(render_csv(report).removeprefix("\ufeff")), delimiter=";"))

    assert rows[1:] == [
        ["par entreprise", '\'=HYPERLINK("https://example.org","x")', "3", ""],
        ["par site", "'+Site", "2", ""],
        ["par site", "'-Site", "25,0", "%"],
        ["'@section", "Maison de l'emploi", "", ""],
    ]
