"""A plan the coordinator can print or open in a spreadsheet: plain text or CSV, in French, local times.

Candidates appear by their id only: scheduling holds no personal data (registration does).
"""

from __future__ import annotations

import csv
import io
from datetime import date

from jobdating.runtime import french
from jobdating.runtime.text import spreadsheet_cell
from jobdating.scheduling.application.queries_plan_views import InterviewView, PlanView

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
)


def french_day(day: date) -> str:
    """`jeudi 3 décembre 2026`."""
    return french.day_month_year(day)


def as_text(plan: PlanView) -> str:
    """A printable plan: one section per group, one line per interview."""
    s = plan.summary
    kind = "plan publié" if s.kind == "published" else "plan provisoire"
    lines = [
        f"{plan.title} : {kind}, {_BY[plan.by]}",
        f"{s.interviews} entretiens pour {s.candidates_served} candidats"
        f" (au plus {s.interview_bound} possibles) ; calcul : {s.engine}, {s.status}",
        f"Heures locales ({plan.timezone})",
    ]
    for g in plan.groups:
        lines += ["", f"== {_name(plan, g.key)} =="]
        current: date | None = None
        for i in g.interviews:
            if i.day != current:
                current = i.day
                lines.append(french_day(i.day))
            lines.append("  " + _line(plan, i))
    return "\n".join(lines) + "\n"


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
            )
            writer.writerow([spreadsheet_cell(c) if isinstance(c, str) else c for c in cells])
    return out.getvalue()


def _name(plan: PlanView, key: str) -> str:
    return plan.names.get(key, key)


def _line(plan: PlanView, i: InterviewView) -> str:
    parts = [
        f"{i.local_start}-{i.local_end}",
        _name(plan, i.site_id),
        _name(plan, i.computer_id) if i.computer_id else "sans poste",
        _name(plan, i.company_id),
        f"candidat {i.candidate_id}",
    ]
    if i.kind != "interview":
        parts.append(_KIND.get(i.kind, i.kind))
    if i.wish_rank is not None:
        parts.append(f"vœu {i.wish_rank}")
    if i.status not in ("assigned", "provisional"):
        parts.append(_STATUS.get(i.status, i.status))
    return "  ".join(parts)
