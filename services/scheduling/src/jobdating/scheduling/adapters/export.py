"""A plan the coordinator can print or open in a spreadsheet: plain text or CSV, in French, local times.

Candidates appear by their id: scheduling holds no personal data (registration does). Their names come
in `with_candidate_names`, for a reader registration gave them to (see `candidate_names`). The text is
what a site host prints for the day: the site in the heading, a box per interview to tick arrivals, lines
that fit an A4 page, and counts that are those of the printed lines.
"""

from __future__ import annotations

import csv
import io
import textwrap
from collections.abc import Mapping
from dataclasses import replace
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

from jobdating.runtime import french
from jobdating.runtime.text import spreadsheet_cell
from jobdating.scheduling.application.queries_plan_views import InterviewView, PlanView

A4_COLUMNS = 90
NBSP = "\u00a0"
BY_NOUN = {"site": "site", "computer": "poste", "company": "entreprise", "candidate": "candidat"}
_BY = {"site": "par site", "computer": "par poste", "company": "par entreprise", "candidate": "par candidat"}
_STATUS = {
    "assigned": "prévu",
    "completed": "passé",
    "cancelled": "annulé",
    "provisional": "provisoire",
}
_KIND = {"interview": "entretien", "second_interview": "second entretien"}
CSV_COLUMNS = (
    "groupe",
    "jour",
    "debut",
    "fin",
    "site",
    "poste",
    "entreprise",
    "candidat",
    "type",
    "statut",
    "voeu",
    "lien_visio",
    "entretien",
    "nom_candidat",
)


def french_day(day: date) -> str:
    """`jeudi 3 décembre 2026`."""
    return french.day_month_year(day)


def as_text(plan: PlanView, key: str | None = None, width: int = A4_COLUMNS) -> str:
    """A printable plan: one section per group, one line per interview, a box to tick at the candidate's
    arrival. The counts are those of the printed lines (second interviews apart); no line is wider than
    `width` (an A4 page in a 10 pt monospace font)."""
    s = plan.summary
    kind = "plan publié" if s.kind == "published" else "plan provisoire"
    printed = [i for g in plan.groups for i in g.interviews]
    firsts = sum(1 for i in printed if i.kind == "interview")
    seconds = len(printed) - firsts
    heading = f"{plan.title}, {_name(plan, key)}" if key is not None and plan.by == "site" else plan.title
    counts = _many(firsts, "entretien")
    if seconds:
        counts += " et " + _many(seconds, "second entretien", "seconds entretiens")
    served = _many(len({i.candidate_id for i in printed}), "candidat")
    lines = [
        f"{heading} : {kind}, {_BY[plan.by]}",
        f"{counts} pour {served} ; calcul : {s.engine}, {s.status}",
        f"Heures locales ({plan.timezone}). [ ] : à cocher à l'arrivée du candidat.",
    ]
    for g in plan.groups:
        rows = [_cells(plan, i) for i in g.interviews]
        # The short leading columns (time, computer) aligned; the names after them as they come, wrapped
        # under the first name when the line would not fit the page.
        lead = 2 if plan.by in ("site", "company") else 1
        widths = (
            [max(len(r[c]) for r in rows) if c < lead else 0 for c in range(len(rows[0]))] if rows else []
        )
        indent = " " * (6 + sum(widths) + 2 * lead)
        wrap = textwrap.TextWrapper(width=width, subsequent_indent=indent, break_on_hyphens=False)
        lines += ["", f"== {_heading(plan, g.key, g.interviews)} =="]
        current: date | None = None
        for i, row in zip(g.interviews, rows, strict=True):
            if i.day != current:
                current = i.day
                lines.append(french_day(i.day))
            cells = [cell.ljust(w) for cell, w in zip(row, widths, strict=True)]
            lines += wrap.wrap("  [ ] " + "  ".join(cells).rstrip())
    return "\n".join(lines) + "\n"


def _many(n: int, one: str, more: str | None = None) -> str:
    """`1 entretien`, `2 entretiens` (French: singular below 2)."""
    return f"{n} {one if n < 2 else (more or one + 's')}"


def as_csv(plan: PlanView) -> str:
    """The plan as CSV (comma-separated, UTF-8), one row per interview; a text cell a spreadsheet would
    run as a formula (a name starting with `=`, `+`, `-` or `@`) is kept as text."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for g in plan.groups:
        for i in g.interviews:
            cells = (
                _name(plan, g.key),
                i.day.isoformat(),
                i.local_start,
                i.local_end,
                _name(plan, i.site_id),
                _name(plan, i.computer_id) if i.computer_id else "",
                _name(plan, i.company_id),
                i.candidate_id,
                _KIND.get(i.kind, i.kind),
                _STATUS.get(i.status, i.status),
                "" if i.wish_rank is None else i.wish_rank,
                i.video_link or "",
                i.slot_id or "",
                plan.names.get(i.candidate_id, ""),
            )
            writer.writerow([spreadsheet_cell(c) if isinstance(c, str) else c for c in cells])
    return out.getvalue()


def with_candidate_names(plan: PlanView, names: Mapping[str, str]) -> PlanView:
    """The plan showing these candidates' names in place of their ids."""
    return replace(plan, names={**plan.names, **names})


def wanted_names(plan: PlanView) -> dict[str, set[str]]:
    """The candidates whose names the plan would show, by the site where they are expected."""
    wanted: dict[str, set[str]] = {}
    for g in plan.groups:
        for i in g.interviews:
            wanted.setdefault(i.site_id, set()).add(i.candidate_id)
    return wanted


def _name(plan: PlanView, key: str) -> str:
    return plan.names.get(key, key)


def _heading(plan: PlanView, key: str, interviews: list[InterviewView]) -> str:
    """A group's heading; a computer's or a candidate's names the site(s) too."""
    if plan.by == "site":
        return _name(plan, key)
    sites = ", ".join(dict.fromkeys(_name(plan, i.site_id) for i in interviews))
    if plan.by == "computer":
        return f"{_name(plan, key)}, {sites}"
    if plan.by == "candidate":
        return f"candidat {_name(plan, key)}, {sites}"
    return _name(plan, key)


def _cells(plan: PlanView, i: InterviewView) -> list[str]:
    """An interview's cells, without what its group's heading already says; the notes last."""
    cells = [f"{i.local_start}-{i.local_end}"]
    if plan.by not in ("site", "computer"):
        cells.append(_name(plan, i.site_id))
    if plan.by != "computer":
        cells.append(_name(plan, i.computer_id) if i.computer_id else "sans poste")
    if plan.by != "company":
        cells.append(_name(plan, i.company_id))
    if plan.by != "candidate":
        cells.append(_name(plan, i.candidate_id))
    notes = []
    if i.kind != "interview":
        notes.append(_KIND.get(i.kind, i.kind))
    if i.wish_rank is not None:
        notes.append(f"vœu {i.wish_rank}")
    if i.status not in ("assigned", "provisional"):
        notes.append(_STATUS.get(i.status, i.status))
    # No-break spaces: a note wrapped to the next line goes whole (`vœu 1`, never `vœu` then `1`).
    return [*cells, ", ".join(note.replace(" ", NBSP) for note in notes)]


def store_url(configured: str, store: str | None, data_dir: Path | None) -> str:
    """The store the export reads: `--store`, else `--data-dir`'s scheduling.db, else the settings'."""
    if store is not None:
        return store
    if data_dir is not None:
        return f"sqlite:///{(data_dir / 'scheduling.db').absolute()}"
    return configured


def where(url: str) -> str:
    """Where a store is, for a message: its file, or its server and database without credentials."""
    if url.startswith("sqlite:///"):
        return f"dans {url.removeprefix('sqlite:///')}"
    parts = urlsplit(url)
    return f"sur {parts.hostname}:{parts.port or 5432}{parts.path}"
