"""`jobdating demo`'s day, with real processes at 600 times real speed: the scenario's facts, read back from
the services' APIs rather than from what the driver says it did."""

from __future__ import annotations

import email
import email.policy
import io
import signal
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from rich.console import Console

from jobdating.bus.server import free_port, port_is_free
from jobdating.ops import day
from jobdating.ops.demo import ROLES
from jobdating.ops.demo_data import COORDINATOR_ORG, JOB_DATING_ID
from jobdating.ops.operate import run_audit
from jobdating.ops.stack import Stack

pytestmark = [pytest.mark.nats, pytest.mark.slow]


def base_port() -> int:
    while True:
        base = free_port()
        if base < 60000 and all(port_is_free(base + i) for i in (1, 2, 3, 4, 25)):
            return base


def when(text: str) -> datetime:
    return datetime.fromisoformat(text)


def test_the_demo_day_at_600_times_real_speed(tmp_path: Path) -> None:
    stack = Stack(tmp_path / "data", nats_port=free_port(), base_port=base_port())
    stack.prepare(ROLES)
    lines: list[str] = []

    def say(at: datetime, line: str) -> None:
        lines.append(f"{at:%H:%M} {line}")
        if "planning réparé" in line:
            stack.kill("scheduling")  # kill -9 mid-morning: the day goes on once it is restarted

    try:
        clock = day.prepare(stack, speed=600)
        began = time.monotonic()
        stack.start()
        loaded, report = day.play(stack, clock, say=say)
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
        closing = day.closing_report(stack)
        # After a kill -9 mid-morning, the logs, the projections and the stream still agree.
        audit_output = io.StringIO()
        audited = run_audit(Console(file=audit_output, width=200), stack.data_dir, stack.nats.url, 20)
    finally:
        stack.stop()
    assert audited == 0, audit_output.getvalue()
    slots = [interview for group in plan["groups"] for interview in group["interviews"]]
    story = "\n".join(lines)
    assert took < 85, story
    assert "le service scheduling s'était arrêté : redémarré" in story

    assert loaded.interviews == report.interviews_published > 100

    # The no-show: every one of their slots cancelled, for that reason; everybody else checked in.
    absent = report.no_show_candidate
    assert absent, story
    theirs = [s for s in slots if s["candidate_id"] == absent]
    assert len(theirs) == report.no_show_cancelled >= 2
    assert all(s["status"] == "cancelled" and s["cancel_reason"] == "no_show" for s in theirs)
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
    assert held == {c["slot_id"] for c in repair}
    for change in repair:
        if change["change"] == "moved":
            assert change["detail"]["previous_computer_id"] == broken
            assert change["detail"]["computer_id"] != broken
            assert change["detail"]["computer_id"].startswith(site.replace("site-", "pc-") + "-")
        else:
            assert change["change"] == "cancelled"
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
    assert outcomes["Entretiens tenus"] == report.completed
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
        str(base_port()),
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
