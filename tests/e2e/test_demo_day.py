"""`jobdating demo`'s day, with real processes at 600 times real speed: the scenario's facts, read back from
the services' APIs rather than from what the driver says it did."""

from __future__ import annotations

import email
import email.policy
import io
import json
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from itertools import pairwise
from pathlib import Path
from typing import Any

import httpx
import pytest
from rich.console import Console

from jobdating.bus.server import free_port
from jobdating.ops.audit.who import Action, ActorKind, Filters, accounts_of, actions, named
from jobdating.ops.audit.who_names import ask_names
from jobdating.ops.audit.who_run import read_envelopes
from jobdating.ops.day.clock import local, prepare
from jobdating.ops.day.hands import HAND_REASON
from jobdating.ops.day.play import play
from jobdating.ops.day.summary import DayReport, closing_report
from jobdating.ops.demo import ROLES
from jobdating.ops.demo_accounts import ACCOUNTS_FILE, load_accounts
from jobdating.ops.demo_calendar import ZONE
from jobdating.ops.demo_people import COACH_ORGS, people
from jobdating.ops.demo_prep import WORKSHOP_HOURS, WORKSHOPS
from jobdating.ops.demo_report import DemoReport, PrepReport
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
from jobdating.testing.demo_data import (
    COMPANIES,
    COORDINATOR_ORG,
    JOB_DATING_ID,
    PARTNERS,
    SITES,
    WALK_IN_SITE,
    candidates,
)

pytestmark = [pytest.mark.nats, pytest.mark.slow]


def when(text: str) -> datetime:
    return datetime.fromisoformat(text)


@dataclass
class PlayedDay:
    """One demo day at 600 times real speed, with services killed -9 in the late morning, read back at its
    end."""

    killed: tuple[str, ...]
    killed_at: dict[str, datetime]
    """When each service was killed, on the day's clock."""
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
    weeks_before: dict[str, Any]
    """The preparation pathway as scheduling and notifications tell it once the day is over."""


# The day the module's tests share kills scheduling, the one service the driver calls after the reopening;
# one other day kills the four others in turn. Each day falls on another date (nothing may depend on the
# date the tests run): a Friday in winter (Paris on UTC+1, the weeks before in the year before) and a
# Saturday in summer (UTC+2, the eve of a public holiday).
SCHEDULING_DAY = date(2027, 1, 8)
# Notifications first, at the reopening, as its notices of the places given back go out.
OTHERS = ("notifications", "sites", "registration", "identity")
OTHERS_DAY = date(2027, 8, 14)
# After the first kill (at the reopening, 11:32), each next one waits for the previous restart and for the
# end of the next row of interviews (rows end every 20 minutes): the row's outcomes are recorded and its
# second interviews booked (from half an hour after it) before the restart holds the driver, which thus
# has 20 minutes of the day's clock to restart before the next row ends, and 30 more before a booking
# it delays could miss its first time: as much as the one kill of a day had (seen: 30 minutes and more
# on a loaded machine), so no figure moves.
NEXT_KILL_AFTER = ("11:45", "12:05", "12:25")
RESTARTED = "le service {} s'était arrêté : redémarré"


def play_day(folder: Path, kills: tuple[str, ...], day: date) -> PlayedDay:
    """The day `day` with `kills[0]` killed -9 once the site closed for a fire alarm is reopened and its
    free slots given to the waiting list (near noon, after every act by hand of the day, so that how long
    the restart takes on a loaded machine changes none of them), each other one in turn after it (see
    `NEXT_KILL_AFTER`): the driver's supervision restarts each and the day goes on."""
    assert len(kills) <= 1 + len(NEXT_KILL_AFTER)
    stack = Stack(folder / "data", nats_port=free_port(), base_port=free_base_port())
    stack.prepare(ROLES)
    lines: list[str] = []
    killed_at: dict[str, datetime] = {}
    back: set[str] = set()  # the killed services the driver said it restarted

    def kill(name: str, at: datetime) -> None:
        killed_at[name] = at
        stack.kill(name)

    def say(at: datetime, line: str) -> None:
        lines.append(f"{at:%H:%M} {line}")
        back.update(name for name in killed_at if RESTARTED.format(name) in line)
        n = len(killed_at)
        if n == 0 and "rouvert : " in line:
            kill(kills[0], at)
        elif 0 < n < len(kills) and kills[n - 1] in back and at >= local(day, NEXT_KILL_AFTER[n - 1]):
            kill(kills[n], at)

    try:
        clock = prepare(stack, speed=600, today=day)
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
            weeks_before = read_weeks_before(http, stack, day)
        closing = closing_report(stack)
        # After kill -9s in the late morning, the logs, the projections and the stream still agree.
        audit_output = io.StringIO()
        audited = run_audit(Console(file=audit_output, width=200), stack.data_dir, stack.nats_url(), 20)
        # `jobdating audit --who` as the coordination reads it: its rows, names resolved through identity.
        rows = actions(read_envelopes(stack.data_dir, stack.nats_url())[0], Filters())
        known = ask_names(stack.url("identity"), headers["Authorization"][7:], accounts_of(rows))
        who = named(rows, known.names)
    finally:
        stack.stop()
    return PlayedDay(
        kills,
        killed_at,
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
        weeks_before,
    )


def read_weeks_before(http: httpx.Client, stack: Stack, day: date) -> dict[str, Any]:
    """The workshops, the individual interviews of each partner's counsellor, and the preparation's
    messages by kind and status, read back from the services."""
    accounts = load_accounts(stack.data_dir / ACCOUNTS_FILE)
    counsellings = [
        item
        for org in PARTNERS
        for item in http.get(
            f"{stack.url('scheduling')}/counselling-interviews",
            params={"counsellor_id": accounts[f"counsellor-{org}"].account_id},
        ).json()
    ]
    messages: Counter[tuple[str, str, str]] = Counter()
    for kind in (
        "workshop_convocation",
        "workshop_reminder",
        "counselling_convocation",
        "counselling_reminder",
    ):
        for n in http.get(
            f"{stack.url('notifications')}/notifications", params={"kind": kind, "limit": 500}
        ).json():
            # Told inside another message of the same moment (one message per person per moment).
            messages[(kind, n["channel"], "merged" if n["reason"] == "merged" else n["status"])] += 1
    workshops = http.get(
        f"{stack.url('scheduling')}/workshops", params={"job_dating_id": JOB_DATING_ID}
    ).json()
    coaches = {accounts[f"coach-{org}"].account_id: org for org in COACH_ORGS}
    return {"workshops": workshops, "counselling": counsellings, "messages": messages, "coaches": coaches}


@pytest.fixture(scope="module")
def scheduling_killed(tmp_path_factory: pytest.TempPathFactory) -> PlayedDay:
    """One day shared by the tests of this module (a day takes a minute of CI)."""
    return play_day(tmp_path_factory.mktemp("scheduling-killed"), ("scheduling",), SCHEDULING_DAY)


@pytest.fixture(scope="module")
def others_killed(tmp_path_factory: pytest.TempPathFactory) -> PlayedDay:
    """The other four services killed in turn in one day (a day for each added four days of CI, 77 s
    each)."""
    return play_day(tmp_path_factory.mktemp("others-killed"), OTHERS, OTHERS_DAY)


def test_the_demo_day_at_600_times_real_speed(scheduling_killed: PlayedDay) -> None:
    played = scheduling_killed
    stack, lines, took, loaded, report = played.stack, played.lines, played.took, played.loaded, played.report
    plan, changes, attendance, closing = played.plan, played.changes, played.attendance, played.closing
    audited, audit_output = played.audited, played.audit_output
    assert audited == 0, audit_output
    slots = [interview for group in plan["groups"] for interview in group["interviews"]]
    story = "\n".join(lines)
    # The services start on the clock of the weeks before; the preparation is booked, then they restart on
    # the day's clock with the same lead as before (`day.clock.to_the_day`): the stack's start, the load
    # and the preparation no longer fall inside that lead (seen: 66 s before, 90 s with them, load 9-15).
    assert took < 105, story
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
    # The day's acts by hand, each by the person whose act it is: the coordinator's change (its reason in
    # the audit), the hosts' walk-in, late arrival and repaired computer.
    by_hand = [row for row in acted if row.event_type == "InterviewChangedByHand"]
    said = f"entretien {report.moved_by_hand} déplacé ; raison : {HAND_REASON}"
    assert [(row.who, row.detail) for row in by_hand] == [(person["coordinator"], said)], by_hand
    late_site = next(s["site_id"] for s in slots if s["candidate_id"] == report.late_candidate)
    assert {
        (person[f"host-{WALK_IN_SITE}"], "CandidateWalkedIn"),
        (person[f"host-{late_site.removeprefix('site-')}"], "CandidateArrivedLate"),
        (person[f"host-{report.broken_computer.split('-')[1]}"], "ComputerBackInService"),
        (person[f"host-{report.closed_site.removeprefix('site-')}"], "SiteClosed"),
        (person[f"host-{report.closed_site.removeprefix('site-')}"], "SiteReopened"),
    } <= did, sorted(event for _, event in did)
    # A rehearsal hashes at the settings' floor (OWASP's argon2id minimum): its people are ready in seconds.
    with sqlite3.connect(f"{(stack.data_dir / 'identity.db').as_uri()}?mode=ro", uri=True) as db:
        hashes = [row[0] for row in db.execute("SELECT password_hash FROM identity_login")]
    assert len(hashes) == len(name_of)
    assert all(h.startswith("$argon2id$v=19$m=19456,t=2,p=1$") for h in hashes), hashes[:1]
    # Each of them signed in once: an access token serves until it is close to its 15 minutes.
    assert report.sign_ins == 1 + len(SITES) + len(PARTNERS) + len(COMPANIES), report.sign_ins

    # The coordinator's change by hand: one interview moved to another computer of its site, same time.
    moved_by_hand = [c for c in changes if c["reason"] == "coordinator" and c["change"] == "moved"]
    assert [c["slot_id"] for c in moved_by_hand] == [report.moved_by_hand]
    assert moved_by_hand[0]["detail"]["previous_computer_id"] != moved_by_hand[0]["detail"]["computer_id"]

    # The walk-in: checked in as registered, booked on the free slots of their own site only.
    walked_in = [s for s in slots if s["candidate_id"] == report.walk_in_candidate]
    booked = [s for s in walked_in if s["kind"] == "interview" and not s["from_waiting_list"]]
    assert len(booked) == report.walk_in_interviews >= 1
    assert {s["site_id"] for s in walked_in} == {f"site-{WALK_IN_SITE}"}

    # The late arrival: marked absent (their interviews to come cancelled for that reason), then there
    # after all: not absent any more, checked in, and given back what scheduling could.
    late = report.late_candidate
    assert late, story
    assert late != report.no_show_candidate
    assert report.late_cancelled >= 1
    late_back = [s for s in slots if s["candidate_id"] == late and s["status"] != "cancelled"]
    assert report.late_given_back <= report.late_cancelled
    assert len([s for s in slots if s["candidate_id"] == late and s["cancel_reason"] == "no_show"]) == (
        report.late_cancelled
    )
    assert late_back, story

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

    # The broken computer: nothing on it from its failure to its return; what it held then moved within
    # its site or was cancelled for that reason. Where each slot stood before the repair comes from the
    # changes. Back in service, its free slots went to the waiting list.
    broken, failed_at, back_at = report.broken_computer, report.computer_failed_at, report.computer_back_at
    assert broken, story
    assert failed_at is not None
    assert back_at is not None
    site = broken.rsplit("-", 1)[0].replace("pc-", "site-")
    assert not [
        s
        for s in slots
        if s["computer_id"] == broken
        and s["status"] != "cancelled"
        and failed_at <= when(s["starts_at"]) < back_at
    ]
    given = [s for s in slots if s["computer_id"] == broken and s["from_waiting_list"]]
    # (the later places freed at the site may go on it too)
    assert len([s for s in given if when(s["starts_at"]) >= back_at]) >= report.back_refilled >= 1
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

    # The site closed for a fire alarm, reopened five minutes later by its host (`day/reopening.py`): no
    # interview began there while it was closed; those to come were cancelled for that reason, second
    # interviews included, and once it reopened the second interviews came back (at their own time and
    # computer: nothing could take them while the day waited) and its computers' free slots went to its
    # waiting list, as a computer back's do.
    closed, closed_at, reopened_at = report.closed_site, report.site_closed_at, report.site_reopened_at
    assert closed not in {f"site-{WALK_IN_SITE}", late_site, site}, story
    assert closed_at is not None
    assert reopened_at is not None
    assert closed_at < reopened_at
    assert not [
        s
        for s in slots
        if s["site_id"] == closed
        and s["status"] != "cancelled"
        and closed_at <= when(s["starts_at"]) < reopened_at
    ]
    shut = {c["slot_id"] for c in changes if c["reason"] == "site_closed"}
    # A second interview booked on the day has its booking in the feed first: each ends cancelled.
    last = {c["slot_id"]: c["change"] for c in changes}
    assert all(last[slot_id] == "cancelled" for slot_id in shut)
    shut_slots = [s for s in slots if s["slot_id"] in shut]
    assert {s["site_id"] for s in shut_slots} == {closed}
    shut_kinds = Counter(s["kind"] for s in shut_slots)
    assert (shut_kinds["interview"], shut_kinds["second_interview"]) == (
        report.closure_cancelled,
        report.closure_cancelled_seconds,
    ), story
    assert len(shut) == report.cancelled.get("site_closed", 0), story
    assert report.closure_cancelled >= 1, story
    back = {
        (s["candidate_id"], s["company_id"], s["starts_at"], s["computer_id"])
        for s in slots
        if s["kind"] == "second_interview" and s["status"] != "cancelled"
    }
    shut_seconds = [s for s in shut_slots if s["kind"] == "second_interview"]
    assert all(
        (s["candidate_id"], s["company_id"], s["starts_at"], s["computer_id"]) in back for s in shut_seconds
    ), story
    assert report.seconds_given_back == len(shut_seconds), story
    regiven = [
        s
        for s in slots
        if s["site_id"] == closed and s["from_waiting_list"] and when(s["starts_at"]) >= reopened_at
    ]
    assert len(regiven) >= report.reopen_refilled >= 1, story

    # Outcomes: one per interview held, nothing left waiting for one.
    completed = [s for s in slots if s["status"] == "completed"]
    assert all(s["outcome"] for s in completed)
    assert len(completed) == report.completed == sum(report.outcomes.values())
    assert not [s for s in slots if s["status"] == "assigned"]
    assert sum(1 for s in completed if s["outcome"] == "hired") == report.outcomes.get("hired", 0)

    # Second interviews are slots of their own, after a first interview that asked for one.
    # Those the reopened site gave back are new slots of the same pairs, beside the cancelled ones.
    seconds = [s for s in slots if s["kind"] == "second_interview"]
    assert len(seconds) == report.second_interviews + report.seconds_given_back
    assert report.second_interviews >= 1
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
    assert report.cancelled.get("no_show") == report.no_show_cancelled + report.late_cancelled
    assert report.moved.get("coordinator") == 1
    assert report.cancelled.get("computer_broken", 0) == report.repair_cancelled

    # Convocations reached the Maildir (candidates with an e-mail address; recruiters get an agenda).
    subjects = [
        str(email.message_from_bytes(p.read_bytes(), policy=email.policy.default)["subject"]).strip()
        for p in (stack.maildir / "new").iterdir()
    ]
    convocations = [
        s for s in subjects if s.startswith(("Votre entretien d'embauche", "Votre deuxième", "Vos "))
    ]
    assert 0 < report.convocations <= len(convocations)
    assert report.mails <= len(subjects)
    assert_one_message_per_person_per_moment(stack, slots)


def assert_one_message_per_person_per_moment(stack: Stack, slots: list[dict[str, Any]]) -> None:
    """One message per person per moment, read from notifications' table and the SMS sink.

    Counted by hand from `demo_data.candidates()`: the published plan serves all 50 candidates (at least 3
    interviews each) and all 50 consent to SMS; those with an address (i % 3 != 0) are 33. So the plan's
    convocation is 50 SMS and 33 e-mails, one per candidate whatever their number of interviews (it was one
    per interview: 163 SMS). The weeks before sent 22 workshop and 50 individual-interview convocations
    by SMS (`test_the_weeks_before_had_their_workshops_and_individual_interviews`), the coordinator's move by
    hand one SMS to its candidate. What the day's other changes send (the no-show's and the late candidate's
    cancellations, the breakdown, the waiting list, the walk-in, 15 second interviews) depends on the plan
    and the driver's timing; each is one message per candidate and moment, so never two slot notices to one
    person within the change delay (2 minutes of the services' clock).
    """
    with sqlite3.connect(f"{(stack.data_dir / 'notifications.db').as_uri()}?mode=ro", uri=True) as db:
        rows = db.execute(
            "SELECT d.notification_id, d.kind, d.channel, d.status, d.recipient_id, "
            "d.cause_event_id = j.plan_event_id FROM notif_delivery d "
            "JOIN notif_job_dating j ON j.job_dating_id = d.job_dating_id "
            "WHERE d.recipient_type = 'candidate'"
        ).fetchall()
        merged_sms = Counter(
            kind
            for (kind,) in db.execute(
                "SELECT kind FROM notif_delivery WHERE channel = 'sms' AND reason = 'merged'"
            )
        )
    of_plan = Counter(
        (channel, status) for _, kind, channel, status, _, plan in rows if kind == "convocation" and plan
    )
    assert of_plan == {("sms", "sent"): 50, ("email", "sent"): 33, ("email", "skipped"): 17}, of_plan
    assert {s["candidate_id"] for s in slots} >= {r[4] for r in rows if r[1] == "convocation" and r[5]}
    kind_of = {r[0]: (r[1], r[4]) for r in rows}
    texts = [json.loads(line) for line in stack.sms_file.read_text().splitlines() if line.strip()]
    # Candidate 12 has a landline: what is planned as their SMS is read to them in a call instead.
    calls = [json.loads(line) for line in stack.voice_file.read_text().splitlines() if line.strip()]
    [called_person] = {kind_of[c["idempotency_key"]][1] for c in calls}
    assert not [t for t in texts if kind_of[t["idempotency_key"]][1] == called_person]  # never texted
    sent = Counter(kind_of[t["idempotency_key"]][0] for t in texts)
    called = Counter(kind_of[c["idempotency_key"]][0] for c in calls)
    # A workshop seat is told by its own SMS, or inside the counsellor's of the same moment (`merged`).
    assert sent["workshop_convocation"] + merged_sms["workshop_convocation"] == 22
    assert sent["counselling_convocation"] + called["counselling_convocation"] == 50
    assert called["counselling_convocation"] == called["convocation"] == 1
    assert sent["slot_moved"] >= 1  # the coordinator's move by hand
    # Before: 188 SMS to 50 people on this day, up to 6 each. Now the preparation's 72, the plan's 50, and
    # the day's changes, each told once (seen: 25 in all before the site's closing), and the closing's:
    # its 4 candidates told of the cancellation, then 5 minutes later of the place given back (8 more),
    # and the 3 whose second interview it cancelled, told again when it is given back (6 more at most).
    assert len(texts) <= 72 + 50 + 30 + 8 + 6, sent
    news = sorted(
        (kind_of[t["idempotency_key"]][1], datetime.fromisoformat(t["at"]))
        for t in texts
        if kind_of[t["idempotency_key"]][0] in ("convocation", "slot_moved", "slot_cancelled")
    )
    close = [(a, b) for a, b in pairwise(news) if a[0] == b[0] and b[1] - a[1] < timedelta(minutes=2)]
    assert not close, close


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
    # `candidates()` registers 50 people, the i-th referred by `_REFERRERS[i % 5]`: 10 per partner; the
    # walk-in (`walk_in()`) makes 51, registered by the Faches host, so referred by its organisation
    # (departement-nord, the coordination's): 11 for it.
    (FUNNEL, REGISTERED): 51,
    # Partners by the names identity registered for them (`PARTNERS`), as a funder reads them.
    **{(BY_PARTNER, name): 11 if org == COORDINATOR_ORG else 10 for org, name in PARTNERS.items()},
    **{
        (CONTRIBUTION, f"{name} : candidats orientés"): 11 if org == COORDINATOR_ORG else 10
        for org, name in PARTNERS.items()
    },
    # The published plan serves all 50 (at least 3 interviews each) and nothing is cancelled before the
    # day: all 50 are convoked; so is the walk-in, booked on free slots as they register (`hands`).
    (FUNNEL, CONVOKED): 51,
    # `DemoDay._choose` draws exactly one no-show among the 50; the 49 others check in before their first
    # interview (the late candidate too: marked absent, then arrived, they count as present and not
    # absent), and each holds at least one (a breakdown cancels a few slots of one computer only, the
    # late candidate gets at least one back); the walk-in is checked in as registered and holds the
    # interviews they were booked: 50 present and interviewed.
    (FUNNEL, PRESENT): 50,
    (FUNNEL, INTERVIEWED): 50,
    (ATTENDANCE, NO_SHOWS): 1,
    (ATTENDANCE, NO_SHOW_RATE): 1 / 51,
    (ATTENDANCE, WITHDRAWN): 0,
    # `SITES`: 5 + 5 + 4 + 4 computers, each lent by its site's host; the one that breaks still counts
    # (lent, even if out of order). plie-lille-sud hosts nothing and lends nothing.
    (COMPUTERS, f"{SITE_NAMES['faches']} : ordinateurs"): 5,
    (COMPUTERS, f"{SITE_NAMES['ronchin']} : ordinateurs"): 5,
    (COMPUTERS, f"{SITE_NAMES['seclin']} : ordinateurs"): 4,
    (COMPUTERS, f"{SITE_NAMES['wattignies']} : ordinateurs"): 4,
    (CONTRIBUTION, f"{PARTNERS['departement-nord']} : sites accueillis"): 1,
    (CONTRIBUTION, f"{PARTNERS['france-travail']} : sites accueillis"): 1,
    (CONTRIBUTION, f"{PARTNERS['mission-locale']} : sites accueillis"): 1,
    (CONTRIBUTION, f"{PARTNERS['asso-reussir']} : sites accueillis"): 1,
    (CONTRIBUTION, f"{PARTNERS['plie-lille-sud']} : sites accueillis"): 0,
    (CONTRIBUTION, f"{PARTNERS['departement-nord']} : ordinateurs prêtés"): 5,
    (CONTRIBUTION, f"{PARTNERS['france-travail']} : ordinateurs prêtés"): 5,
    (CONTRIBUTION, f"{PARTNERS['mission-locale']} : ordinateurs prêtés"): 4,
    (CONTRIBUTION, f"{PARTNERS['asso-reussir']} : ordinateurs prêtés"): 4,
    (CONTRIBUTION, f"{PARTNERS['plie-lille-sud']} : ordinateurs prêtés"): 0,
}
PUBLISHED = 163  # the solver's proven optimum for the demo's 50 candidates and 15 companies
# The day's acts by hand (`day/hands.py`), recounted from the figures of the day without them (seen in 10
# days: held 173, Faches 49, Seclin 35, Logiplus 11, the Groupement BTP 13, the Seclin restaurant 8,
# Sécurité 8, 2 refilled), each change then checked against played days:
# - the coordinator's move by hand: same site, same time, same company, another computer: no figure moves;
# - the walk-in (Faches, wishing for Logiplus then the Intérim agency) registers at 08:10, before any
#   interview began: Logiplus has a recruiter and a Faches computer free at 09:30 and is booked, the
#   Intérim agency has no recruiter free when a Faches computer is that morning (as seen in every played
#   day): 1 interview, Faches and Logiplus +1;
# - the late candidate, drawn apart from the no-show's and the walk-in's sites (Ronchin), is marked absent
#   45 minutes before their first interview: their 3 interviews are cancelled and offered to the site's
#   waiting list, where nobody takes them (as seen in every played day); 20 minutes later they arrive
#   and get all 3 back at the same slots: no figure moves but
#   the 3 cancelled for `no_show` (`late_cancelled`) and the 3 given back;
# - pc-seclin-1, broken at 10:15, is back in service at 10:45: its 3 free slots of the late morning go to
#   Seclin candidates with the fewest interviews (the breakdown's cancelled ones first), each with a wished
#   company they have not met yet (scheduling once gave a candidate a company they had met that morning:
#   the demo showed it), the Groupement BTP, the Seclin restaurant and Sécurité Nord Services: Seclin +3,
#   each of those +1, refilled 2 + 3 = 5; none of the 3 draws (keyed by candidate and company) asks for a
#   second interview, so the 21 asked, 15 booked and 6 unplaced stay;
# - Wattignies, the one site where none of the acts above happens, is closed by its host for a fire alarm
#   at 11:27, once the outcomes of the row that ended at 11:25 are recorded (the second interviews they
#   ask for are booked before it closes), and reopened five minutes later (`day/reopening.py`); the day
#   waits meanwhile, then waits until scheduling knows the site closed, and after the reopening until it
#   knows it open (never a set time: a second is ten minutes of this day). The closing also cancels the
#   3 second interviews booked there that morning (12:15 on pc-wattignies-4, 12:30 on pc-wattignies-1
#   and -2, as seen in every played day), and the reopening gives the 3 back at the same time on the
#   same computer (nobody could take their place while the day waited) before the refill below, which
#   thus sees them as booked: no other figure moves (held: 3 cancelled, 3 given back). Before scheduling
#   gave them back, their recruiters and candidates were free again from the closing on and the figures
#   went with whatever the day booked in their place (seen: 11 to 17 second interviews booked, 176 or
#   177 held). Its interviews to come in the published plan are the row of 11:45 on pc-wattignies-1, -2
#   and -3 and one at 12:05 on
#   pc-wattignies-3: the 4 are cancelled for `site_closed`. Once it reopens, its free computer-slots from
#   11:32 on go to its candidates with the fewest interviews first (`planning/capacity.refill_all`): the
#   4 who just lost one get back the company they lost, at the same time (as seen in a played day), the
#   12:05 one on the first free computer (pc-wattignies-1). But the time the closing's 3 cancelled
#   second interviews freed went at once to the waiting lists (`refill_freed`, across the sites where
#   their companies meet candidates): one recruiter's freed time went to a Faches-Thumesnil candidate
#   waiting there, so at the reopening that company's recruiter is no longer free for one of the 4 (seen
#   the same in 6 played days): 3 given back at Wattignies, 1 more held at Faches-Thumesnil, the same
#   company. The outcomes are drawn by candidate and company: no figure moves but cancelled +4 and
#   refilled 2 + 3 + 3 + 1 = 9.
# Then the kill -9 comes once the site is reopened, after every act by hand: a restart that takes long on
# a loaded machine (it took 30 minutes of the day's clock and more) no longer changes them. What still
# changes them, as it changes the figures before them, is a day that begins late: on a machine so loaded
# that the setup outlasts the clock's lead (seen: load 10 to 20 on 2 cores, the day beginning 50 minutes
# to 3 hours late), acts due at different times are done at once and the places freed go elsewhere. And
# a restart that takes hours of the day's clock (seen at load 13: 12 s, two hours) leaves the second
# interviews asked for meanwhile without a slot (seen: 11 booked, 10 unplaced, 30 hires; again at load
# 11 to 17: 15 s, two and a half hours, 11 or 12 booked), and a driver so slow to record a row's
# outcomes (seen at load 17: 20 minutes of the day) that the closing comes after the next row began
# cancels fewer there (seen: 1 cancelled, 1 refilled).
PLAN_FIGURES = {
    "held by company": {
        "Agence Intérim Lille Sud": 14,
        "Aide à Domicile Lille Sud": 13,
        "Crèche Les Petits Pas": 12,
        "EHPAD Les Tilleuls": 9,
        "Espaces Verts du Nord": 12,
        "Fournil du Nord": 12,
        "Garage Central Ronchin": 12,
        "Groupement d'employeurs BTP Métropole": 14,  # 13 + 1 on the repaired computer
        "Hyper Lille Sud": 12,
        "Logiplus Entrepôts": 12,  # 11 + the walk-in
        # The breakdown's repair moves one interview aside to save another (a chain): one interview the
        # restaurant would have held goes to Nord Contact Services instead (seen the same in every day).
        "Nord Contact Services": 14,
        "Nord Propreté": 11,
        "Restaurant collectif de Seclin": 9,  # 8 + 1 on the repaired computer
        "Sécurité Nord Services": 9,  # 8 + 1 on the repaired computer
        "Transports de la Métropole": 12,
    },
    "held by site": {
        SITE_NAMES["faches"]: 51,  # 49 + the walk-in + 1 in time the closure's second interviews freed
        SITE_NAMES["ronchin"]: 49,  # the late candidate's 3 cancelled, then given back
        SITE_NAMES["seclin"]: 38,  # 35 + 3 on the repaired computer
        SITE_NAMES["wattignies"]: 39,  # its 4 cancelled by the closing, 3 given back at its reopening
    },
    # 163 published - 4 cancelled by the breakdown - the no-show's 3 (or 2 cancelled and 1 begun, not
    # held) - the late candidate's 3 + their 3 given back + 2 given again from the waiting list after the
    # no-show + 3 after the computer's return - 4 cancelled by the closure + 3 given back at its reopening
    # + 1 at Faches-Thumesnil in time its second interviews freed + the walk-in's 1 + 15 second interviews
    # booked (3 of them cancelled by the closure and given back at its reopening: - 3 + 3).
    "held": 177,
    "hired": 33,
    # 21 first interviews asked for a second one: 15 found a slot, 6 did not.
    "second interview asked": 21,
    "second interviews booked": 15,
    "second interviews unplaced": 6,
    "refilled": 9,
    "cancelled by the breakdown": 4,
    "walk-in interviews": 1,
    "late candidate's cancelled": 3,
    "late candidate's given back": 3,
    "given on the repaired computer": 3,
    "cancelled by the closure": 4,
    "given at the reopened site": 3,
    "second interviews cancelled by the closure": 3,
    "second interviews given back at the reopening": 3,
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
    # Interviews held: the published ones, less those cancelled (the no-show's, the late candidate's while
    # absent, the broken computer's), plus the places given again from the waiting list (after the
    # no-show, the late candidate's absence and the computer's return), the late candidate's interviews
    # given back, the walk-in's and the second interviews booked, less those of the absent candidate that
    # had begun when they were marked absent. The coordinator's move by hand changes none of these.
    assert held == (
        PUBLISHED
        - sum(day_report.cancelled.values())
        + day_report.refilled
        + day_report.late_given_back
        + day_report.walk_in_interviews
        + day_report.second_interviews
        + day_report.seconds_given_back
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
        "walk-in interviews": day_report.walk_in_interviews,
        "late candidate's cancelled": day_report.late_cancelled,
        "late candidate's given back": day_report.late_given_back,
        "given on the repaired computer": day_report.back_refilled,
        "cancelled by the closure": day_report.closure_cancelled,
        "given at the reopened site": day_report.reopen_refilled,
        "second interviews cancelled by the closure": day_report.closure_cancelled_seconds,
        "second interviews given back at the reopening": day_report.seconds_given_back,
    }
    assert seen == PLAN_FIGURES, story


def slots_of(played: PlayedDay) -> list[dict[str, Any]]:
    return [interview for group in played.plan["groups"] for interview in group["interviews"]]


def counts(report: Report, section: str) -> dict[str, int]:
    values = report.section(section)
    assert all(isinstance(v, int) for v in values.values()), values
    return {key: int(value or 0) for key, value in values.items()}


def test_the_weeks_before_had_their_workshops_and_individual_interviews(
    scheduling_killed: PlayedDay,
) -> None:
    """Booked while the services' clock read three weeks before the day, by the people whose act it is,
    their convocations sent then; counted by hand from `demo_data.candidates()` and `demo_prep`."""
    played, day = scheduling_killed, SCHEDULING_DAY
    prep = played.weeks_before
    assert played.loaded.preparation == PrepReport(rooms=2, workshops=2, enrolments=22, counselling=50)
    # Two workshops, at Seclin 14 days and at Wattignies 7 days before the day, run by the coaches of
    # mission-locale and asso-reussir; candidate i is at `SITES[i % 4]` for i < 44 (i = 2, 6, ..., 42 at
    # Seclin, 3, 7, ..., 43 at Wattignies: 11 each), each enrolled at their own site.
    by_site = {w["site_id"]: w for w in prep["workshops"]}
    assert set(by_site) == {"site-seclin", "site-wattignies"}
    for site_key, days in WORKSHOPS:
        workshop = by_site[f"site-{site_key}"]
        starts = when(workshop["starts_at"]).astimezone(ZONE)
        assert starts.date() == day - timedelta(days=days)
        assert f"{starts:%H:%M}" == WORKSHOP_HOURS[0]
        assert len(workshop["enrolled"]) == 11
        assert not workshop["cancelled"]
        assert dict(zip(workshop["coach_ids"], workshop["coach_orgs"], strict=True)) == prep["coaches"]
    # Every candidate met their partner's counsellor (10 each) at their own site, weeks before the day,
    # no counsellor booked twice at once.
    counselling = prep["counselling"]
    assert len(counselling) == 50 == len({c["candidate_id"] for c in counselling})
    assert not [c for c in counselling if c["cancelled"]]
    assert all(when(c["starts_at"]).astimezone(ZONE).date() < day - timedelta(days=7) for c in counselling)
    for who in {c["counsellor_id"] for c in counselling}:
        theirs = sorted((c["starts_at"], c["ends_at"]) for c in counselling if c["counsellor_id"] == who)
        assert len(theirs) == 10
        assert all(a[1] <= b[0] for a, b in pairwise(theirs))
    sites = Counter(c["site_id"] for c in counselling)
    assert sites == {"site-faches": 14, "site-ronchin": 14, "site-seclin": 11, "site-wattignies": 11}
    # Convocations: an SMS to each (all consent), an e-mail to those with an address (i % 3 != 0): 7 of
    # the 11 at Seclin (not 6, 18, 30, 42) and 7 at Wattignies (not 3, 15, 27, 39); 33 of the 50.
    emails = sum(1 for c in candidates() if c.email is not None)
    assert emails == 33
    # Told: sent, or inside the other convocation of the candidate's moment (a seat and an interview
    # booked within the change delay go as one message, the counsellor's; how many did depends on the
    # load's pace, so the two are counted together).
    told: Counter[tuple[str, str]] = Counter()
    for (k, ch, status), n in prep["messages"].items():
        if status in ("sent", "merged"):
            told[(k, ch)] += n
    assert told == {
        ("workshop_convocation", "sms"): 22,
        ("workshop_convocation", "email"): 14,
        ("counselling_convocation", "sms"): 50,
        ("counselling_convocation", "email"): 33,
    }
    # The eve reminders of those weeks were due while the demo jumped to its day: dropped, none sent late.
    assert not [k for (k, _, status) in prep["messages"] if k.endswith("_reminder") and status != "skipped"]


def test_report_figures_equal_the_hand_count(scheduling_killed: PlayedDay) -> None:
    assert_hand_count(scheduling_killed)


@pytest.mark.parametrize("service", SERVICES)
def test_kill_9_any_service_mid_morning_the_day_ends_the_same(
    service: str, request: pytest.FixtureRequest
) -> None:
    # Scheduling's case is the day the module's other tests share; the others share a day of their own.
    played: PlayedDay = request.getfixturevalue(
        "scheduling_killed" if service == "scheduling" else "others_killed"
    )
    day = SCHEDULING_DAY if service == "scheduling" else OTHERS_DAY
    story = "\n".join(played.lines)
    assert played.report.day == day
    assert all(when(s["starts_at"]).astimezone(ZONE).date() == day for s in slots_of(played))
    # Killed after every act by hand of the day (the site reopened), each kill after the previous restart.
    assert played.killed_at.keys() == set(played.killed), story
    reopened = played.report.site_reopened_at
    assert reopened is not None
    assert reopened <= played.killed_at[service], story
    kills = [played.killed_at[name] for name in played.killed]
    assert kills == sorted(kills), story
    assert RESTARTED.format(service) in story
    for before, after in pairwise(played.killed):
        assert story.index(RESTARTED.format(before)) < story.index(RESTARTED.format(after)), story
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
