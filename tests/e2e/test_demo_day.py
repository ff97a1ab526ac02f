"""`jobdating demo`'s day, with real processes at 600 times real speed: the scenario's facts, read back from
the services' APIs rather than from what the driver says it did."""

from __future__ import annotations

import email
import email.policy
import io
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from rich.console import Console

from jobdating.bus.server import free_port
from jobdating.ops.audit.who import Action, ActorKind, Filters, accounts_of, actions, named
from jobdating.ops.audit.who_names import ask_names
from jobdating.ops.audit.who_run import read_envelopes
from jobdating.ops.day.clock import prepare
from jobdating.ops.day.play import play
from jobdating.ops.day.summary import DayReport, closing_report
from jobdating.ops.demo import ROLES, DemoReport
from jobdating.ops.demo_accounts import ACCOUNTS_FILE, load_accounts
from jobdating.ops.demo_calendar import ZONE
from jobdating.ops.demo_people import people
from jobdating.ops.operate import run_audit
from jobdating.ops.stack import SERVICES, Stack, free_base_port
from jobdating.reporting.figures import Report
from jobdating.reporting.sections import (
    ATTENDANCE,
    BY_COMPANY,
    BY_PARTNER,
    BY_SITE,
    COMPUTERS,
    CONTRIBUTION,
    CONVOKED,
    FUNNEL,
    HELD,
    HIRED,
    INTERVIEWED,
    NO_SHOW_RATE,
    NO_SHOWS,
    OUTCOMES,
    PRESENT,
    REGISTERED,
    SECOND,
    WITHDRAWN,
)
from jobdating.testing.demo_data import COMPANIES, COORDINATOR_ORG, JOB_DATING_ID, PARTNERS, SITES

pytestmark = [pytest.mark.nats, pytest.mark.slow]


def when(text: str) -> datetime:
    return datetime.fromisoformat(text)


@dataclass
class PlayedDay:
    """One demo day at 600 times real speed, with one service killed -9 mid-morning, read back at its end."""

    killed: str
    stack: Stack
    lines: list[str]
    took: float
    loaded: DemoReport
    report: DayReport
    plan: dict[str, Any]
    changes: list[dict[str, Any]]
    attendance: list[dict[str, Any]]
    closing: Report
    audited: int
    audit_output: str
    who: list[Action]


# Each played day falls on another date (nothing may depend on the date the tests run): a Friday, a
# Saturday, New Year's Eve and a summer day (Paris on UTC+2 instead of UTC+1).
ON = {
    "scheduling": date(2027, 1, 8),
    "registration": date(2027, 1, 9),
    "sites": date(2026, 12, 31),
    "notifications": date(2027, 8, 11),
    "identity": date(2027, 5, 4),
}


def play_day(folder: Path, kill: str) -> PlayedDay:
    """The day with `kill` killed -9 once the broken computer's slots are repaired (mid-morning): the
    driver's supervision restarts it and the day goes on. The day is `ON[kill]`."""
    stack = Stack(folder / "data", nats_port=free_port(), base_port=free_base_port())
    stack.prepare(ROLES)
    lines: list[str] = []

    def say(at: datetime, line: str) -> None:
        lines.append(f"{at:%H:%M} {line}")
        if "planning réparé" in line:
            stack.kill(kill)

    try:
        clock = prepare(stack, speed=600, today=ON[kill])
        began = time.monotonic()
        stack.start()
        loaded, report = play(stack, clock, say=say)
        took = time.monotonic() - began
        headers = {"Authorization": f"Bearer {stack.token_for(COORDINATOR_ORG, 'coordinator')}"}
        url = stack.url("scheduling")
        with httpx.Client(timeout=15, headers=headers) as http:
            plan = http.get(
                f"{url}/job-datings/{JOB_DATING_ID}/plan",
                params={"by": "candidate", "include_cancelled": True},
            ).json()
            changes: list[dict[str, Any]] = http.get(
                f"{url}/job-datings/{JOB_DATING_ID}/changes", params={"limit": 5000}
            ).json()
            attendance = http.get(f"{url}/job-datings/{JOB_DATING_ID}/attendance").json()
        closing = closing_report(stack)
        # After a kill -9 mid-morning, the logs, the projections and the stream still agree.
        audit_output = io.StringIO()
        audited = run_audit(Console(file=audit_output, width=200), stack.data_dir, stack.nats_url(), 20)
        # `jobdating audit --who` as the coordination reads it: its rows, names resolved through identity.
        rows = actions(read_envelopes(stack.data_dir, stack.nats_url())[0], Filters())
        known = ask_names(stack.url("identity"), headers["Authorization"][7:], accounts_of(rows))
        who = named(rows, known.names)
    finally:
        stack.stop()
    return PlayedDay(
        kill,
        stack,
        lines,
        took,
        loaded,
        report,
        plan,
        changes,
        attendance,
        closing,
        audited,
        audit_output.getvalue(),
        who,
    )


@pytest.fixture(scope="module")
def scheduling_killed(tmp_path_factory: pytest.TempPathFactory) -> PlayedDay:
    """One day shared by the tests of this module (a day takes a minute of CI)."""
    return play_day(tmp_path_factory.mktemp("scheduling-killed"), "scheduling")


def test_the_demo_day_at_600_times_real_speed(scheduling_killed: PlayedDay) -> None:
    played = scheduling_killed
    stack, lines, took, loaded, report = played.stack, played.lines, played.took, played.loaded, played.report
    plan, changes, attendance, closing = played.plan, played.changes, played.attendance, played.closing
    audited, audit_output = played.audited, played.audit_output
    assert audited == 0, audit_output
    slots = [interview for group in plan["groups"] for interview in group["interviews"]]
    story = "\n".join(lines)
    assert took < 85, story
    assert "le service scheduling s'était arrêté : redémarré" in story

    # Every act of the day's people was done by a signed-in person: the audit names them. Only the
    # coordination's script (a machine token) registered the organisations and sent the first invitations.
    kept = load_accounts(stack.data_dir / ACCOUNTS_FILE).values()
    # The recruiters' organisation is their company's id in registration.
    company_ids = {a.key.removeprefix("recruiter-"): a.org for a in kept if a.role == "recruiter"}
    assert len(company_ids) == len(COMPANIES)
    person = {p.key: p.name for p in people(company_ids)}
    name_of = {a.account_id: person[a.key] for a in kept}
    machine = {row.event_type for row in played.who if row.kind is ActorKind.MACHINE}
    assert machine <= {"OrganisationRegistered", "AccountInvited"}, machine
    acted = [row for row in played.who if row.kind is ActorKind.PERSON]
    assert all(row.actor_id.startswith("acc-") and row.who == name_of[row.actor_id] for row in acted)
    did = {(row.who, row.event_type) for row in acted}
    # Each company's recruiter recorded its interviews' outcomes, nobody else.
    assert {who for who, event in did if event == "InterviewCompleted"} == {
        person[f"recruiter-{c.key}"] for c in COMPANIES
    }
    assert {(person[f"host-{s.key}"], "CandidateCheckedIn") for s in SITES} <= did
    assert {(person[f"counsellor-{org}"], "CandidateRegistered") for org in PARTNERS} <= did
    # A rehearsal hashes at the settings' floor (OWASP's argon2id minimum): its people are ready in seconds.
    with sqlite3.connect(f"{(stack.data_dir / 'identity.db').as_uri()}?mode=ro", uri=True) as db:
        hashes = [row[0] for row in db.execute("SELECT password_hash FROM identity_login")]
    assert len(hashes) == len(name_of)
    assert all(h.startswith("$argon2id$v=19$m=19456,t=2,p=1$") for h in hashes), hashes[:1]
    # Each of them signed in once: an access token serves until it is close to its 15 minutes.
    assert report.sign_ins == 1 + len(SITES) + len(PARTNERS) + len(COMPANIES), report.sign_ins

    assert loaded.interviews == report.interviews_published > 100

    # The no-show: their slots cancelled for that reason, but one that had begun when they were marked absent
    # (the driver runs late on a loaded machine), which ends as `no_show`; everybody else checked in.
    absent = report.no_show_candidate
    assert absent, story
    theirs = [s for s in slots if s["candidate_id"] == absent]
    cancelled = [s for s in theirs if s["status"] == "cancelled"]
    assert len(cancelled) == report.no_show_cancelled >= 1
    assert all(s["cancel_reason"] == "no_show" for s in cancelled)
    assert all(s["outcome"] == "no_show" for s in theirs if s["status"] != "cancelled")
    assert [a["candidate_id"] for a in attendance if a["no_show"]] == [absent]
    assert sum(1 for a in attendance if a["checked_in_at"]) == report.checked_in == len(attendance) - 1

    # The broken computer: nothing on it from its failure on; what it held then moved within its site or
    # was cancelled for that reason. Where each slot stood just before the repair comes from the changes.
    broken, failed_at = report.broken_computer, report.computer_failed_at
    assert broken, story
    assert failed_at is not None
    site = broken.rsplit("-", 1)[0].replace("pc-", "site-")
    assert not [
        s
        for s in slots
        if s["computer_id"] == broken and s["status"] != "cancelled" and when(s["starts_at"]) >= failed_at
    ]
    where: dict[str, tuple[str, datetime]] = {}
    active: set[str] = set()
    repair = [c for c in changes if c["reason"] == "computer_broken"]
    assert repair, story
    for change in changes:
        if change["event_id"] == repair[0]["event_id"]:
            break
        if change["change"] in ("assigned", "moved"):
            where[change["slot_id"]] = (change["detail"]["computer_id"], when(change["detail"]["starts_at"]))
            active.add(change["slot_id"])
        elif change["change"] in ("cancelled", "completed"):
            active.discard(change["slot_id"])
    held = {sid for sid in active if where[sid][0] == broken and where[sid][1] >= failed_at}
    # A repair may also move one other interview of the site aside to save one from cancellation (a chain).
    aside = [c for c in repair if c["slot_id"] not in held]
    assert held <= {c["slot_id"] for c in repair}
    assert len(aside) <= sum(1 for c in repair if c["slot_id"] in held and c["change"] == "moved")
    for change in repair:
        if change["change"] == "moved":
            if change not in aside:
                assert change["detail"]["previous_computer_id"] == broken
            assert change["detail"]["computer_id"] != broken
            assert change["detail"]["computer_id"].startswith(site.replace("site-", "pc-") + "-")
        else:
            assert change["change"] == "cancelled"
            assert change not in aside
    assert report.repair_moved + report.repair_cancelled == len(repair)

    # Outcomes: one per interview held, nothing left waiting for one.
    completed = [s for s in slots if s["status"] == "completed"]
    assert all(s["outcome"] for s in completed)
    assert len(completed) == report.completed == sum(report.outcomes.values())
    assert not [s for s in slots if s["status"] == "assigned"]
    assert sum(1 for s in completed if s["outcome"] == "hired") == report.outcomes.get("hired", 0)

    # Second interviews are slots of their own, after a first interview that asked for one.
    seconds = [s for s in slots if s["kind"] == "second_interview"]
    assert len(seconds) == report.second_interviews >= 1
    asked = {
        (s["candidate_id"], s["company_id"])
        for s in slots
        if s["kind"] == "interview" and s["outcome"] == "second_interview"
    }
    assert {(s["candidate_id"], s["company_id"]) for s in seconds} <= asked
    assert report.second_interviews + report.second_interviews_unplaced == len(asked)

    # `jobdating report`, a projection over the stream, counts the same day.
    outcomes = closing.section("Issues des entretiens")
    # An interview the absent candidate was late-marked for ends as `no_show`: not held.
    assert outcomes["Entretiens tenus"] == report.completed - report.outcomes.get("no_show", 0)
    assert outcomes["Embauche"] == report.outcomes.get("hired", 0)
    assert outcomes["Second entretien"] == report.outcomes.get("second_interview", 0)

    # The changes the summary counts are the log's.
    assert report.cancelled.get("no_show") == report.no_show_cancelled
    assert report.cancelled.get("computer_broken", 0) == report.repair_cancelled

    # Convocations reached the Maildir (candidates with an e-mail address; recruiters get an agenda).
    subjects = [
        str(email.message_from_bytes(p.read_bytes(), policy=email.policy.default)["subject"]).strip()
        for p in (stack.maildir / "new").iterdir()
    ]
    convocations = [s for s in subjects if s.startswith(("Votre entretien d'embauche", "Votre deuxième"))]
    assert len(convocations) >= 50
    assert 0 < report.convocations <= len(convocations)
    assert report.mails <= len(subjects)


# The report of the demo day (seed 2026) counted by hand (demo_data.py, day/choices.py). The plan itself is
# not counted by hand: several plans reach the optimum of 163 interviews. Its solver returns the same one
# at every run (planning/highs.py: no clock chooses between the equal optima any more; it once did, and a
# loaded machine gave 173 or 174 interviews held, 33 or 34 hires), and `DemoDay._choose` draws the no-show
# and the failing computer from the seed among that plan's slots; so what follows from the plan is written
# down as seen in 10 played days (2 runs, every kill -9), in `PLAN_FIGURES`. Whether an interview of the
# no-show had begun when the site marked them absent is the driver's timing (2 or 3 slots cancelled, 0 or 1
# "Absence"): those are only checked against how the day accounts for them.
SITE_NAMES = {site.key: site.name for site in SITES}
HAND_COUNT: dict[tuple[str, str], int | float] = {
    # `candidates()` registers 50 people, the i-th referred by `_REFERRERS[i % 5]`: 10 per partner.
    (FUNNEL, REGISTERED): 50,
    **{(BY_PARTNER, org): 10 for org in PARTNERS},
    **{(CONTRIBUTION, f"{org} : candidats orientés"): 10 for org in PARTNERS},
    # The published plan serves all 50 (at least 3 interviews each) and nothing is cancelled before the
    # day: all 50 are convoked.
    (FUNNEL, CONVOKED): 50,
    # `DemoDay._choose` draws exactly one no-show among them; the 49 others check in before their first
    # interview, and each holds at least one (a breakdown cancels a few slots of one computer only).
    (FUNNEL, PRESENT): 49,
    (FUNNEL, INTERVIEWED): 49,
    (ATTENDANCE, NO_SHOWS): 1,
    (ATTENDANCE, NO_SHOW_RATE): 1 / 50,
    (ATTENDANCE, WITHDRAWN): 0,
    # `SITES`: 5 + 5 + 4 + 4 computers, each lent by its site's host; the one that breaks still counts
    # (lent, even if out of order). plie-lille-sud hosts nothing and lends nothing.
    (COMPUTERS, f"{SITE_NAMES['faches']} : ordinateurs"): 5,
    (COMPUTERS, f"{SITE_NAMES['ronchin']} : ordinateurs"): 5,
    (COMPUTERS, f"{SITE_NAMES['seclin']} : ordinateurs"): 4,
    (COMPUTERS, f"{SITE_NAMES['wattignies']} : ordinateurs"): 4,
    (CONTRIBUTION, "departement-nord : sites accueillis"): 1,
    (CONTRIBUTION, "france-travail : sites accueillis"): 1,
    (CONTRIBUTION, "mission-locale : sites accueillis"): 1,
    (CONTRIBUTION, "asso-reussir : sites accueillis"): 1,
    (CONTRIBUTION, "plie-lille-sud : sites accueillis"): 0,
    (CONTRIBUTION, "departement-nord : ordinateurs prêtés"): 5,
    (CONTRIBUTION, "france-travail : ordinateurs prêtés"): 5,
    (CONTRIBUTION, "mission-locale : ordinateurs prêtés"): 4,
    (CONTRIBUTION, "asso-reussir : ordinateurs prêtés"): 4,
    (CONTRIBUTION, "plie-lille-sud : ordinateurs prêtés"): 0,
}
PUBLISHED = 163  # the solver's proven optimum for the demo's 50 candidates and 15 companies
PLAN_FIGURES = {
    "held by company": {
        "Agence Intérim Lille Sud": 14,
        "Aide à Domicile Lille Sud": 13,
        "Crèche Les Petits Pas": 12,
        "EHPAD Les Tilleuls": 9,
        "Espaces Verts du Nord": 12,
        "Fournil du Nord": 12,
        "Garage Central Ronchin": 12,
        "Groupement d'employeurs BTP Métropole": 13,
        "Hyper Lille Sud": 12,
        "Logiplus Entrepôts": 11,
        # The breakdown's repair moves one interview aside to save another (a chain): one interview the
        # restaurant would have held goes to Nord Contact Services instead (seen the same in every day).
        "Nord Contact Services": 14,
        "Nord Propreté": 11,
        "Restaurant collectif de Seclin": 8,
        "Sécurité Nord Services": 8,
        "Transports de la Métropole": 12,
    },
    "held by site": {
        SITE_NAMES["faches"]: 49,
        SITE_NAMES["ronchin"]: 49,
        SITE_NAMES["seclin"]: 35,
        SITE_NAMES["wattignies"]: 40,
    },
    # 163 published - 4 cancelled by the breakdown - the no-show's 3 (or 2 cancelled and 1 begun, not
    # held) + 2 given again from the waiting list + 15 second interviews booked.
    "held": 173,
    "hired": 33,
    # 21 first interviews asked for a second one: 15 found a slot, 6 did not.
    "second interview asked": 21,
    "second interviews booked": 15,
    "second interviews unplaced": 6,
    "refilled": 2,
    "cancelled by the breakdown": 4,
}


def assert_hand_count(played: PlayedDay) -> None:
    """The report of a played day is the scenario's: the hand count above, and what depends on the plan
    accounted for by the day's own log."""
    story = "\n".join(played.lines)
    closing, day_report = played.closing, played.report
    found = {(f.section, f.key): f.value for f in closing.figures}
    assert {key: found.get(key) for key in HAND_COUNT} == pytest.approx(HAND_COUNT), story
    assert day_report.interviews_published == PUBLISHED, story

    companies, sites = counts(closing, BY_COMPANY), counts(closing, BY_SITE)
    assert sorted(companies) == sorted(c.name for c in COMPANIES)
    assert sorted(sites) == sorted(SITE_NAMES.values())
    outcomes, funnel = counts(closing, OUTCOMES), counts(closing, FUNNEL)
    held = outcomes[HELD]
    assert sum(companies.values()) == sum(sites.values()) == held
    assert all(companies.values()), companies  # every company interviewed someone
    assert held == outcomes["Second entretien"] + outcomes["Embauche"] + outcomes["Non retenu"]
    # Interviews held: the published ones, less those cancelled (the no-show's, the broken computer's), plus
    # the places given again from the waiting list and the second interviews booked, less those of the
    # absent candidate that had begun when they were marked absent.
    assert held == (
        PUBLISHED
        - sum(day_report.cancelled.values())
        + day_report.refilled
        + day_report.second_interviews
        - day_report.outcomes.get("no_show", 0)
    ), story
    assert outcomes["Absence"] == day_report.outcomes.get("no_show", 0)
    assert outcomes["Embauche"] == day_report.outcomes.get("hired", 0)
    assert outcomes["Non retenu"] == day_report.outcomes.get("not_retained", 0)
    # Each first interview asking for a second one led to one booking attempt (second interviews
    # themselves end in a hire or not).
    assert (
        outcomes["Second entretien"] == day_report.second_interviews + day_report.second_interviews_unplaced
    )
    assert funnel[SECOND] <= outcomes["Second entretien"]
    assert funnel[HIRED] <= outcomes["Embauche"]

    seen = {
        "held by company": companies,
        "held by site": sites,
        "held": held,
        "hired": outcomes["Embauche"],
        "second interview asked": outcomes["Second entretien"],
        "second interviews booked": day_report.second_interviews,
        "second interviews unplaced": day_report.second_interviews_unplaced,
        "refilled": day_report.refilled,
        "cancelled by the breakdown": day_report.cancelled.get("computer_broken", 0),
    }
    assert seen == PLAN_FIGURES, story


def slots_of(played: PlayedDay) -> list[dict[str, Any]]:
    return [interview for group in played.plan["groups"] for interview in group["interviews"]]


def counts(report: Report, section: str) -> dict[str, int]:
    values = report.section(section)
    assert all(isinstance(v, int) for v in values.values()), values
    return {key: int(value or 0) for key, value in values.items()}


def test_report_figures_equal_the_hand_count(scheduling_killed: PlayedDay) -> None:
    assert_hand_count(scheduling_killed)


@pytest.mark.parametrize("service", SERVICES)
def test_kill_9_any_service_mid_morning_the_day_ends_the_same(
    service: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    # Scheduling's case is the day the module's other tests share.
    played = (
        request.getfixturevalue("scheduling_killed")
        if service == "scheduling"
        else play_day(tmp_path, service)
    )
    story = "\n".join(played.lines)
    assert played.report.day == ON[service]
    assert all(when(s["starts_at"]).astimezone(ZONE).date() == ON[service] for s in slots_of(played))
    assert f"le service {service} s'était arrêté : redémarré" in story
    assert played.audited == 0, played.audit_output
    assert_hand_count(played)
    # No e-mail sent twice: notifications names each message after the notification it delivers.
    ids = Counter(
        str(email.message_from_bytes(p.read_bytes(), policy=email.policy.default)["message-id"])
        for p in (played.stack.maildir / "new").iterdir()
    )
    assert ids, story
    assert [i for i, n in ids.items() if n > 1] == []


def test_ctrl_c_stops_the_demo_day_cleanly(tmp_path: Path) -> None:
    data, log = tmp_path / "data", tmp_path / "demo.log"
    command = [
        str(Path(sys.executable).parent / "jobdating"),
        "demo",
        "--data-dir",
        str(data),
        "--speed",
        "60",
        "--nats-port",
        str(free_port()),
        "--base-port",
        str(free_base_port()),
    ]
    process = subprocess.Popen(command, stdout=log.open("wb"), stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 90
        while "planning publié" not in log.read_text(errors="replace"):
            assert process.poll() is None, log.read_text(errors="replace")
            assert time.monotonic() < deadline, log.read_text(errors="replace")
            time.sleep(0.2)
    finally:
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=60) == 0
    text = log.read_text(errors="replace")
    assert "Tout est arrêté" in text
    assert "Traceback" not in text
    assert not (data / "up.pid").exists()

    # The day starts from a fresh folder: a second run on this one says so in one sentence.
    again = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert again.returncode == 2
    assert "contient déjà un job dating" in again.stderr
    assert "Traceback" not in again.stderr
