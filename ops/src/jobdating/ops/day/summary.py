"""The demo day's figures (`DayReport`), the closing summary they make, and the report the day ends with."""

from __future__ import annotations

import asyncio
import time
from datetime import date, datetime

import msgspec
from rich.console import Console
from rich.table import Table

from jobdating.ops.day.people import site_name
from jobdating.ops.demo_calendar import ZONE
from jobdating.ops.demo_report import DemoError, DemoReport
from jobdating.ops.reporting.source import report_from
from jobdating.ops.stack import Stack
from jobdating.reporting.figures import Report, Scope
from jobdating.testing.demo_data import JOB_DATING_ID


class DayReport(msgspec.Struct, kw_only=True):
    """The figures of one demo day (what a test checks and the closing summary prints)."""

    seed: int
    day: date
    interviews_published: int = 0
    checked_in: int = 0
    no_show_candidate: str = ""
    no_show_name: str = ""
    no_show_cancelled: int = 0
    broken_computer: str = ""
    computer_failed_at: datetime | None = None
    repair_moved: int = 0
    repair_cancelled: int = 0
    completed: int = 0
    outcomes: dict[str, int] = msgspec.field(default_factory=dict)
    second_interviews: int = 0
    second_interviews_unplaced: int = 0
    moved: dict[str, int] = msgspec.field(default_factory=dict)
    cancelled: dict[str, int] = msgspec.field(default_factory=dict)
    refilled: int = 0
    mails: int = 0
    convocations: int = 0
    sms: int = 0
    ended_at: datetime | None = None
    moved_by_hand: str = ""  # the slot the coordinator moved by hand
    walk_in_candidate: str = ""
    walk_in_interviews: int = 0  # the interviews the walk-in was booked as they joined (end of day count)
    late_candidate: str = ""
    late_cancelled: int = 0  # the late candidate's interviews cancelled when marked absent
    late_given_back: int = 0  # and given back (same slot or the nearest) when they arrived
    computer_back_at: datetime | None = None
    back_refilled: int = 0  # the repaired computer's slots given to the waiting list
    closed_site: str = ""  # the site closed by its host, then reopened (`reopening`)
    site_closed_at: datetime | None = None
    closure_cancelled: int = 0  # its interviews to come, cancelled by the closing
    closure_cancelled_seconds: int = 0  # and its second interviews to come
    site_reopened_at: datetime | None = None
    seconds_given_back: int = 0  # the second interviews the closing cancelled, given back once reopened
    reopen_refilled: int = 0  # its computers' free slots given to its waiting list once reopened
    sign_ins: int = 0  # the people's sign-ins to identity, renewals of their access tokens included


OUTCOME_WORDS = {
    "second_interview": "deuxième entretien demandé",
    "hired": "[green]recruté(e)[/]",
    "not_retained": "non retenu(e)",
    "no_show": "absent(e)",
}
_REASON_WORDS = {
    "no_show": "candidat absent",
    "computer_broken": "ordinateur en panne",
    "candidate_withdrew": "candidat désinscrit",
    "candidate_changed": "inscription du candidat modifiée",
    "company_late": "entreprise en retard",
    "company_left": "entreprise partie",
    "company_changed": "entreprise modifiée",
    "site_closed": "site fermé",
    "coordinator": "changement à la main (coordination)",
}


def wait_relayed(stack: Stack, timeout: float = 30.0) -> None:
    """Until every service that says where its relay stands has published its whole log to the stream."""
    deadline = time.monotonic() + timeout
    for spec in stack.services:
        while True:
            health = stack.wait_healthy(spec)
            head, relayed = health.get("log_head"), health.get("relay_position")
            if not isinstance(head, int) or not isinstance(relayed, int) or relayed >= head:
                break
            if time.monotonic() > deadline:
                raise DemoError(
                    f"le relais de {spec.name} n'a pas tout publié sur NATS après {timeout:.0f} s"
                )
            time.sleep(0.1)


def closing_report(stack: Stack) -> Report:
    """`jobdating report` on the demo job dating, from the running stack's stream."""
    wait_relayed(stack)
    return asyncio.run(report_from(stack.nats_url(), Scope(job_dating_id=JOB_DATING_ID)))


def print_summary(console: Console, loaded: DemoReport, report: DayReport, stack: Stack) -> None:
    """The day's figures, in French, from what the services answered."""
    table = Table(title=f"Bilan du job dating du {report.day:%d/%m/%Y}")
    table.add_column("")
    table.add_column("nombre", justify="right")
    table.add_row("entretiens publiés", str(loaded.interviews or report.interviews_published))
    table.add_row("candidats arrivés", str(report.checked_in))
    table.add_row(
        f"absent : {report.no_show_name or '-'}", f"{report.no_show_cancelled} entretien(s) annulé(s)"
    )
    if report.broken_computer:
        failed = report.computer_failed_at.astimezone(ZONE) if report.computer_failed_at else None
        table.add_row(
            f"panne : {report.broken_computer}" + (f" à {failed:%H:%M}" if failed else ""),
            f"{report.repair_moved} déplacé(s), {report.repair_cancelled} annulé(s)",
        )
    if report.late_candidate:
        table.add_row(
            "arrivée en retard", f"{report.late_cancelled} annulé(s), {report.late_given_back} rendu(s)"
        )
    if report.walk_in_candidate:
        table.add_row("inscription sur place : entretiens", str(report.walk_in_interviews))
    if report.closed_site:
        table.add_row(
            f"site fermé puis rouvert : {site_name(report.closed_site)}",
            f"{report.closure_cancelled} annulé(s), {report.reopen_refilled} redonné(s) ; "
            f"deuxièmes entretiens : {report.closure_cancelled_seconds} annulé(s), "
            f"{report.seconds_given_back} rendu(s)",
        )
    if report.moved_by_hand:
        table.add_row("entretien déplacé à la main par la coordination", "1")
    table.add_row("entretiens tenus (résultat enregistré)", str(report.completed))
    for outcome in ("hired", "second_interview", "not_retained"):
        table.add_row(f"  {OUTCOME_WORDS[outcome]}", str(report.outcomes.get(outcome, 0)))
    table.add_row("deuxièmes entretiens réservés", str(report.second_interviews))
    if report.second_interviews_unplaced:
        table.add_row("  sans créneau ce matin", str(report.second_interviews_unplaced))
    for reason, n in sorted(report.moved.items()):
        table.add_row(f"déplacés : {_REASON_WORDS.get(reason, reason)}", str(n))
    for reason, n in sorted(report.cancelled.items()):
        table.add_row(f"annulés : {_REASON_WORDS.get(reason, reason)}", str(n))
    table.add_row("places redonnées (liste d'attente)", str(report.refilled))
    table.add_row(
        f"courriels dans {stack.maildir}", f"{report.mails} (dont {report.convocations} convocations)"
    )
    table.add_row(f"SMS dans {stack.sms_file}", str(report.sms))
    console.print(table)
