"""The people of `jobdating up --demo`: the sign-ins it prints are real accounts of the identity service it
runs, their access tokens act as their account in the other services, a disabled account's token stops
working once the services refresh identity's list, and identity killed -9 comes back (restarted by `up`)
with the same signing keys. One stack for all of it: the e2e suite's time is counted."""

from __future__ import annotations

import base64
import json
import os
import re
import signal
import sqlite3
import subprocess
import time
import tomllib
from pathlib import Path
from typing import Any

import httpx
import pytest

from jobdating.bus.server import free_port
from jobdating.contracts.envelope import decode_envelope
from jobdating.ops.demo_people import COACH_ORGS
from jobdating.ops.stack import free_base_port
from jobdating.testing.demo_data import COMPANIES, COORDINATOR_ORG, JOB_DATING_ID, PARTNERS, SITES, candidates
from jobdating.testing.sign_ins import company_agenda, sign_ins

from .test_up import JOBDATING, start, wait_for

pytestmark = [pytest.mark.nats, pytest.mark.slow]


def part(token: str, index: int) -> dict[str, Any]:
    """The token's header (0) or claims (1), read without checking them (the services check them)."""
    segment = token.split(".")[index]
    decoded: dict[str, Any] = json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))
    return decoded


def children(pid: int) -> dict[int, str]:
    """The processes `pid` started (pid: command line)."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if int(stat.rpartition(")")[2].split()[1]) == pid:
            found[int(entry.name)] = cmdline
    return found


def last_event_of(store: Path, stream_id: str) -> bytes:
    with sqlite3.connect(f"{store.as_uri()}?mode=ro", uri=True) as conn:
        row = conn.execute(
            "SELECT body FROM events WHERE stream_id = ? ORDER BY stream_version DESC LIMIT 1", (stream_id,)
        ).fetchone()
    assert row is not None, stream_id
    return bytes(row[0])


def compose_demo_on(checkout: Path, data: Path, base: int) -> str:
    """`jobdating compose-demo` run from a checkout whose .env names the ports of the stack on `data` (one
    sites instance serves every organisation), with `data` as the operator's folder; what it printed."""
    checkout.mkdir()
    (data / "config").mkdir()  # compose-init's, where the staff directory goes
    (data / "machine-tokens.json").write_text((data / "operator-tokens.json").read_text())
    ports = {"REGISTRATION": 1, "SITES": 2, "SITES_MISSION_LOCALE": 2, "SCHEDULING": 3, "IDENTITY": 5}
    settings = {f"{name}_PORT": str(base + offset) for name, offset in ports.items()}
    settings |= {
        "CONSOLE_PORT": str(base + 6),
        "JOBDATING_CONFIG_DIR": str(data / "config"),
        "JOBDATING_MAIL_DIR": str(data / "maildir"),
        "JOBDATING_STAFF_FILE": "/etc/jobdating/staff.toml",
    }
    (checkout / ".env").write_text("".join(f"{key}={value}\n" for key, value in settings.items()))
    done = subprocess.run(
        [JOBDATING, "compose-demo", "--root", str(checkout)],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout + done.stderr


def stack_coordination(data: Path) -> str:
    """The coordination's machine token of the stack on `data` (the operator's clear copy)."""
    tokens = json.loads((data / "operator-tokens.json").read_text())
    return str(
        next(t for t, who in tokens.items() if who["org"] == COORDINATOR_ORG and who["role"] == "coordinator")
    )


def test_the_printed_sign_ins_act_in_the_services_until_disabled_and_survive_a_crash_of_identity(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The registration refreshes identity's list of disabled accounts every second (30 s by default).
    monkeypatch.setenv("JOBDATING_REGISTRATION_IDENTITY_REVOCATIONS_EVERY", "1")
    data, base = tmp_path / "data", free_base_port()
    log = tmp_path / "up.log"
    process = start(data, free_port(), base, log)
    try:
        wait_for(log, "Ctrl-C", process)
        text = log.read_text()
        printed = sign_ins(text)
        assert [len(printed.get(r, [])) for r in ("coordination", "administration", "conseil")] == [1, 5, 5]
        assert {email.split("@")[1] for email, _, _ in printed["conseil"]} == {
            f"{org}.exemple.fr" for org in PARTNERS
        }
        assert len(printed["accueil de site"]) == len(SITES)
        # The workshops' coaches (two organisations, see demo_people.COACH_ORGS) sign in too.
        assert {email for email, _, _ in printed["animation des ateliers"]} == {
            f"ateliers@{org}.exemple.fr" for org in COACH_ORGS
        }
        assert len(printed["recrutement"]) == len(COMPANIES)
        for role in ("coordination", "administration"):  # a TOTP secret for the roles that need one
            assert all(re.fullmatch(r"[A-Z2-7]{32}", secret) for _, _, secret in printed[role]), role
        assert all(secret == "-" for _, _, secret in printed["conseil"])
        assert "oathtool --totp" in text
        kept = data / "demo-accounts.json"
        assert kept.stat().st_mode & 0o077 == 0
        # `compose-demo` runs the same flow from a compose checkout's settings: pointed at this stack, with
        # this stack's folder as the operator's, it creates and loads nothing twice and prints the same
        # sign-ins, kept for the operator alone, and writes the staff directory with the counsellor accounts.
        again = compose_demo_on(tmp_path / "checkout", data, base)
        assert "(0 créés maintenant)" in again
        assert sign_ins(again) == printed
        kept_sign_ins = data / "demo-sign-ins.txt"
        assert kept_sign_ins.stat().st_mode & 0o777 == 0o600
        assert sign_ins(kept_sign_ins.read_text()) == printed
        staff = tomllib.loads((data / "config" / "staff.toml").read_text())["staff"]
        counsellors = [a for a in json.loads(kept.read_text()) if a["role"] == "counsellor"]
        assert len(counsellors) == len(PARTNERS)
        assert {(a["account_id"], a["email"]) for a in counsellors} <= {(m["id"], m["email"]) for m in staff}
        found = re.search(r"connexion : POST (\S+)/sign-in", text)
        assert found is not None
        identity, registration = found.group(1), f"http://127.0.0.1:{base + 1}"

        email, password, _ = next(p for p in printed["conseil"] if "@france-travail." in p[0])
        # The console's address is printed, and the printed sign-ins open it.
        console = re.search(r"Console : (\S+)/connexion", text)
        assert console is not None
        with httpx.Client(timeout=15, base_url=console.group(1)) as browser:
            form = browser.get("/connexion")
            csrf = re.search(r'name="csrf" value="([^"]+)"', form.text)
            assert csrf is not None
            signed = browser.post(
                "/connexion", data={"email": email, "password": password, "csrf": csrf.group(1)}
            )
            assert signed.status_code == 303, signed.text
            # The console opens on the counsellor's page, which names the signed-in person.
            assert email in browser.get("/", follow_redirects=True).text
        with httpx.Client(timeout=15) as http:
            signed = http.post(f"{identity}/sign-in", json={"email": email, "password": password})
            assert signed.status_code == 200, signed.text
            token = signed.json()["access_token"]
            account = part(token, 1)["sub"]
            assert account.startswith("acc-")
            auth = {"Authorization": f"Bearer {token}"}

            # Registration accepts the token and shows the counsellor their organisation's candidates.
            listed = http.get(f"{registration}/candidates", params={"limit": 100}, headers=auth)
            assert listed.status_code == 200, listed.text
            items = listed.json()["items"]
            own = [c for c in items if c["profile"]["referring_org"] == "france-travail"]
            assert own
            # The demo's candidates are followed by the partners' counsellor accounts: this counsellor reads
            # the names of the ten France Travail refers, and no other organisation's.
            people = {
                (p.first_name, p.last_name) for p in candidates() if p.referring_org == "france-travail"
            }
            assert {(c["personal"]["first_name"], c["personal"]["last_name"]) for c in own} == people
            others = [c for c in items if c["profile"]["referring_org"] != "france-travail"]
            assert len(others) == 40
            assert all(c["personal"] is None for c in others)
            other = http.get(f"{registration}/candidates/{others[0]['candidate_id']}", headers=auth)
            assert other.status_code == 200, other.text
            assert other.json()["personal"] is None
            # A change they make is theirs in the log: their account, never a shared token, is the actor.
            candidate = own[0]["candidate_id"]
            changed = http.patch(
                f"{registration}/candidates/{candidate}", json={"sectors": ["logistique"]}, headers=auth
            )
            assert changed.status_code == 200, changed.text
            assert decode_envelope(last_event_of(data / "registration.db", candidate)).actor_id == account

            # A printed recruiter reads their company's agenda and records its outcomes: their token's
            # organisation is the company's id in registration. Another company's interview is refused.
            r_email, r_password, _ = printed["recrutement"][0]
            signed = http.post(f"{identity}/sign-in", json={"email": r_email, "password": r_password})
            assert signed.status_code == 200, signed.text
            recruiter = {"Authorization": f"Bearer {signed.json()['access_token']}"}
            company = part(signed.json()["access_token"], 1)["org"]
            machine = {"Authorization": f"Bearer {stack_coordination(data)}"}
            companies = http.get(f"{registration}/companies", params={"limit": 100}, headers=machine)
            assert companies.status_code == 200, companies.text
            contact = {c["company_id"]: c["contact"]["email"] for c in companies.json()["items"]}
            assert contact[company] == r_email  # the company whose contact was invited as its recruiter
            scheduling = f"http://127.0.0.1:{base + 3}"
            own = company_agenda(http, scheduling, signed.json()["access_token"])
            assert own
            slot = http.get(f"{scheduling}/slots/{own[0]['slot_id']}", headers=recruiter)
            assert slot.status_code == 200, slot.text
            # The day is the next working day: allowed to record it, the interview has not begun yet.
            outcome = http.post(
                f"{scheduling}/slots/{own[0]['slot_id']}/outcome",
                json={"outcome": "hired"},
                headers=recruiter,
            )
            assert outcome.status_code == 409, outcome.text
            assert "pas encore commencé" in outcome.text
            coordination_plan = http.get(
                f"{scheduling}/job-datings/{JOB_DATING_ID}/plan",
                params={"by": "company"},
                headers=machine,
            )
            theirs = next(
                i
                for g in coordination_plan.json()["groups"]
                for i in g["interviews"]
                if i["company_id"] != company
            )
            for method, path in (("GET", ""), ("POST", "/outcome")):
                refused = http.request(
                    method,
                    f"{scheduling}/slots/{theirs['slot_id']}{path}",
                    json={"outcome": "hired"} if method == "POST" else None,
                    headers=recruiter,
                )
                assert refused.status_code == 403, (path, refused.text)

            # kill -9 identity: `up` restarts it, with the same keys (the token issued before still verifies).
            up_children = children(process.pid)
            pid = next(p for p, command in up_children.items() if "jobdating-identity" in command)
            os.kill(pid, signal.SIGKILL)
            wait_for(log, "Le service identity s'était arrêté : redémarré.", process, limit=30)
            kid = part(token, 0)["kid"]
            assert kid in {k["kid"] for k in http.get(f"{identity}/.well-known/jwks.json").json()["keys"]}
            mine = http.get(f"{identity}/accounts/{account}", headers=auth)
            assert mine.status_code == 200, mine.text

            # Disabled by the coordination: refused by registration once its list is refreshed.
            tokens = json.loads((data / "operator-tokens.json").read_text())
            # The services' file holds their digests only; the clear tokens are the operator's.
            assert not any(token in (data / "tokens.json").read_text() for token in tokens)
            coordination = stack_coordination(data)
            disabled = http.post(
                f"{identity}/accounts/{account}/disable", headers={"Authorization": f"Bearer {coordination}"}
            )
            assert disabled.status_code == 200, disabled.text
            deadline = time.monotonic() + 15
            while (answer := http.get(f"{registration}/candidates", headers=auth)).status_code == 200:
                assert time.monotonic() < deadline, "a disabled account's token still accepted after 15 s"
                time.sleep(0.3)
            assert answer.status_code == 401, answer.text
            assert "désactivé" in answer.text
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=60) == 0
    assert "Tout est arrêté" in log.read_text()
