"""The plan's CSV export keeps names as text: a company called `=HYPERLINK(...)` is no formula in a
spreadsheet."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime

from jobdating.scheduling.adapters.export import as_csv
from jobdating.scheduling.application.queries_plan_views import Group, InterviewView, PlanSummary, PlanView

AT = datetime(2026, 12, 3, 8, tzinfo=UTC)


def plan(names: dict[str, str]) -> PlanView:
    interview = InterviewView(
        candidate_id="cand-1",
        company_id="co-1",
        site_id="site-1",
        computer_id="pc-1",
        starts_at=AT,
        ends_at=AT,
        day=date(2026, 12, 3),
        local_start="09:00",
        local_end="09:20",
        status="assigned",
        wish_rank=1,
    )
    summary = PlanSummary(
        kind="published",
        plan_id="plan-1",
        computed_at=AT,
        engine="greedy",
        status="feasible",
        objective=1,
        bound=None,
        gap=None,
        interview_bound=1,
        interviews=1,
        candidates_served=1,
        fewest_interviews=1,
        seconds=0.0,
        reasons=[],
    )
    return PlanView(
        job_dating_id="jd-1",
        title="Emploi Booster",
        timezone="Europe/Paris",
        by="site",
        summary=summary,
        groups=[Group(key="site-1", interviews=[interview])],
        names=names,
    )


def test_names_a_spreadsheet_would_run_as_formulas_are_kept_as_text() -> None:
    names = {
        "site-1": '=HYPERLINK("https://example.org","Site")',
        "co-1": "+33 Logistique",
        "pc-1": "-PC 1",
    }

    [row] = list(csv.DictReader(io.StringIO(as_csv(plan(names)))))

    assert row["groupe"] == '\'=HYPERLINK("https://example.org","Site")'
    assert row["site"] == row["groupe"]
    assert row["entreprise"] == "'+33 Logistique"
    assert row["poste"] == "'-PC 1"
    assert (row["debut"], row["voeu"], row["candidat"]) == ("09:00", "1", "cand-1")


def test_an_ordinary_name_is_left_as_it_is_and_a_leading_at_sign_is_neutralised() -> None:
    [row] = list(csv.DictReader(io.StringIO(as_csv(plan({"site-1": "Maison de l'emploi", "co-1": "@Home"})))))

    assert row["site"] == "Maison de l'emploi"
    assert row["entreprise"] == "'@Home"
