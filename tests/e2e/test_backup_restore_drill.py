"""The restore drill on the embedded stack: the demo loaded (`jobdating up --demo`), a backup taken while it
runs, the day goes on (a candidate renamed, one withdrawn, one erased, one registered: scheduling repairs,
notifications writes), the stack stopped, its data destroyed, `jobdating restore`, `jobdating up` again, and
`jobdating audit` is clean. What followed the backup is replayed from the stream when the stream survived,
and named as lost by `restore` when it did not: never silently missing. The candidate erased after the
backup comes back in neither case: their key is gone and nothing of theirs is in any file of the folder."""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from jobdating.bus.server import free_port
from jobdating.ops.demo_accounts import ACCOUNTS_FILE, load_accounts, sign_in
from jobdating.ops.stack import SERVICES, free_base_port
from jobdating.testing.waiting import wait_until

pytestmark = [pytest.mark.nats, pytest.mark.slow]
JOBDATING = str(Path(sys.executable).parent / "jobdating")
DAYTIME = "2027-01-05T10:00+01:00"  # a Tuesday morning, the day before the demo's job dating
WIDE = {**os.environ, "COLUMNS": "250"}  # one line per message: ids are not folded


@dataclass
class Drill:
    data: Path  # the stack's folder after the day went on, stopped
    backup: Path
    erased: dict[str, Any]  # the candidate erased after the backup, with their personal data
    renamed: str
    registered: str
    after: dict[str, set[str]]  # each service's events after the backup


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([JOBDATING, *args], capture_output=True, text=True, env=WIDE, timeout=300)


def up(data: Path, log: Path, *extra: str) -> tuple[subprocess.Popen[bytes], int]:
    base = free_base_port()
    command = [JOBDATING, "up", *extra, "--data-dir", str(data), "--nats-port", str(free_port())]
    command += ["--base-port", str(base), "--clock-start", DAYTIME]
    process = subprocess.Popen(command, stdout=log.open("wb"), stderr=subprocess.STDOUT)
    wait_until("the stack up", lambda: "Ctrl-C" in log.read_text(errors="replace"))
    return process, base


def stop(process: subprocess.Popen[bytes]) -> None:
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=60) == 0


def log_ids(store: Path, after: int = 0) -> set[str]:
    with sqlite3.connect(f"{store.as_uri()}?mode=ro", uri=True) as db:
        return {r[0] for r in db.execute("SELECT event_id FROM events WHERE position > ?", (after,))}


def heads(data: Path) -> dict[str, tuple[int, int]]:
    """Each store's (last position, relay cursor)."""
    found = {}
    for service in SERVICES:
        with sqlite3.connect(f"{(data / f'{service}.db').as_uri()}?mode=ro", uri=True) as db:
            head = db.execute("SELECT COALESCE(MAX(position), 0) FROM events").fetchone()[0]
            relayed = db.execute("SELECT COALESCE(MAX(position), 0) FROM relay_positions").fetchone()[0]
        found[service] = (head, relayed)
    return found


def settled(data: Path) -> bool:
    """Every event relayed, and nothing new for a while (the consumers' reactions are in)."""
    before = heads(data)
    time.sleep(3)
    return before == heads(data) and all(head == relayed for head, relayed in before.values())


def counsellors(data: Path, base: int) -> tuple[httpx.Client, dict[str, dict[str, str]]]:
    with httpx.Client(timeout=30) as http:
        tokens = {
            a.account_id or a.key: sign_in(http, f"http://127.0.0.1:{base + 5}", a)
            for a in load_accounts(data / ACCOUNTS_FILE).values()
            if a.role == "counsellor"
        }
    headers = {who: {"Authorization": f"Bearer {token}"} for who, token in tokens.items()}
    return httpx.Client(base_url=f"http://127.0.0.1:{base + 1}", timeout=30), headers


def followed(api: httpx.Client, headers: dict[str, dict[str, str]]) -> list[tuple[str, dict[str, Any]]]:
    """(counsellor, candidate) for every candidate whose personal data their counsellor reads."""
    found = []
    for who in sorted(headers):
        items = api.get("/candidates", params={"limit": 100}, headers=headers[who]).json()["items"]
        found += [(who, c) for c in items if c["personal"] is not None]
    return found


Chosen = list[tuple[str, dict[str, Any]]]


def choose(api: httpx.Client, headers: dict[str, dict[str, str]]) -> Chosen:
    """Three candidates read by their counsellors; the third, to be erased after the backup, first takes a
    name of their own (demo names repeat), so that a file holding it can only be about them."""
    chosen = followed(api, headers)[:3]
    who, c = chosen[2]
    unique = {"first_name": "Anastasie", "last_name": f"Effacée-{c['candidate_id'][-12:]}"}
    assert api.patch(f"/candidates/{c['candidate_id']}", json=unique, headers=headers[who]).is_success
    chosen[2] = (who, {**c, "personal": {**c["personal"], **unique}})
    return chosen


def go_on(
    api: httpx.Client, headers: dict[str, dict[str, str]], chosen: Chosen
) -> tuple[str, dict[str, Any], str]:
    """The day after the backup: returns (renamed, erased with their counsellor, registered)."""
    (who_a, a), (who_b, b), (who_c, c) = chosen
    renamed = {"first_name": "Apolline"}
    assert api.patch(f"/candidates/{a['candidate_id']}", json=renamed, headers=headers[who_a]).is_success
    gone = {"reason": "a trouvé un emploi"}
    withdrawn = api.post(f"/candidates/{b['candidate_id']}/withdraw", json=gone, headers=headers[who_b])
    assert withdrawn.status_code == 200, withdrawn.text
    assert api.delete(f"/candidates/{c['candidate_id']}", headers=headers[who_c]).status_code == 204
    profile = a["profile"]
    body = {
        "first_name": "Nouvelle",
        "last_name": "Inscrite",
        "phone": "+33612345678",
        "email": "nouvelle.inscrite@exemple.fr",
        "postcode": profile["postcode"],
        "commune": profile["commune"],
        "site_id": profile["site_id"],
        "counsellor_id": who_a,
        "wishes": [{"rank": w["rank"], "company_id": w["company_id"]} for w in profile["wishes"]],
        "availability": [
            {"day": d["day"], "start": d["start"][:5], "end": d["end"][:5]} for d in profile["availability"]
        ],
        "accessibility": [],
        "consent_data": True,
        "consent_sms": True,
        "consent_email": True,
    }
    registered = api.post("/candidates", json=body, headers=headers[who_a])
    assert registered.status_code == 201, registered.text
    return a["candidate_id"], {**c, "counsellor": who_c}, registered.json()["candidate_id"]


@pytest.fixture(scope="module")
def drill(tmp_path_factory: pytest.TempPathFactory) -> Drill:
    root = tmp_path_factory.mktemp("drill")
    data = root / "data"
    process, base = up(data, root / "up.log", "--demo")
    try:
        api, headers = counsellors(data, base)
        chosen = choose(api, headers)
        taken = run("backup", "--to", str(root / "backups"), "--data-dir", str(data))
        assert taken.returncode == 0, taken.stderr
        backup = Path(taken.stdout.strip().splitlines()[-1])
        marks = {s: log_ids(backup / f"{s}.db") for s in SERVICES}
        renamed, erased, registered = go_on(api, headers, chosen)
        # The recruiters hear of the repairs at most once a minute after their agenda went (sent as the
        # demo loaded): notifications' part of the day comes with that update.
        store = data / "notifications.db"
        wait_until("notifications' reactions", lambda: log_ids(store) - marks["notifications"])
        wait_until("the day's reactions relayed", lambda: settled(data))
    finally:
        stop(process)
    after = {s: log_ids(data / f"{s}.db") - marks[s] for s in SERVICES}
    assert after["registration"]
    assert after["scheduling"]
    assert after["notifications"]
    return Drill(data, backup, erased, renamed, registered, after)


def destroyed_copy(drill: Drill, where: Path, *lost: str) -> Path:
    case = where / "data"
    shutil.copytree(drill.data, case)
    for name in lost:
        for path in case.glob(name):
            shutil.rmtree(path) if path.is_dir() else path.unlink()
    return case


def traces(person: dict[str, Any]) -> dict[str, bytes]:
    """What would show the person in a file: their phone's digits, their e-mail if any, their name."""
    personal = person["personal"]
    found = {
        "phone": personal["phone"].removeprefix("+33").encode(),
        "name (as an SQLite record)": f"{personal['first_name']}{personal['last_name']}".encode(),
    }
    if personal["email"]:
        found["e-mail"] = personal["email"].encode()
    return found


def found_in(data: Path, needles: dict[str, bytes]) -> list[str]:
    hits = []
    for file in sorted(p for p in data.rglob("*") if p.is_file()):
        raw = file.read_bytes()
        hits += [f"{what} in {file.relative_to(data)}" for what, needle in needles.items() if needle in raw]
    return hits


def check_restored_stack(drill: Drill, case: Path, where: Path) -> set[str]:
    """Start the restored stack: the erased candidate's data reads as nothing; returns every logged id once
    the stack settled and stopped, after a clean audit."""
    process, base = up(case, where / "up.log")
    try:
        api, headers = counsellors(case, base)
        erased = drill.erased
        got = api.get(f"/candidates/{erased['candidate_id']}", headers=headers[erased["counsellor"]]).json()
        assert got["erased"] is True
        assert got["personal"] is None
        wait_until("the restored stack settled", lambda: settled(case))
    finally:
        stop(process)
    audit = run("audit", "--data-dir", str(case))
    assert audit.returncode == 0, audit.stdout + audit.stderr
    assert "Aucune différence" in audit.stderr
    with sqlite3.connect(case / "registration.db") as db:
        keys = db.execute("SELECT 1 FROM person_keys WHERE subject_id = ?", (erased["candidate_id"],))
        assert keys.fetchall() == []
    # The backup, taken before the erasure, holds them (the probe sees them there); the restored folder not.
    assert found_in(drill.backup, traces(erased))
    assert found_in(case, traces(erased)) == []
    return set().union(*(log_ids(case / f"{s}.db") for s in SERVICES))


def test_with_the_stream_kept_what_followed_the_backup_is_replayed(drill: Drill, tmp_path: Path) -> None:
    # The stores, settings and secrets are lost; the stream's disk survived.
    case = destroyed_copy(drill, tmp_path, "*.db*", "*.json", "console-*", "staff.toml", "demo-day")
    restored = run("restore", str(drill.backup), "--data-dir", str(case))
    assert restored.returncode == 0, restored.stderr
    said = restored.stderr
    assert "Flux : conservé" in said
    assert "Perdus" not in said
    assert "Rejoué depuis le flux, registration : 4 événement(s)" in said
    assert "CandidateErased ×1" in said
    assert drill.erased["candidate_id"] in said
    # Registered after the backup: their key was only in the lost store, and the restore says so.
    assert f"1 candidat(s) : {drill.registered}" in said
    logged = check_restored_stack(drill, case, tmp_path)
    # Nothing lost, nothing done twice: the restored logs hold exactly the original ones.
    assert logged == set().union(*(log_ids(drill.data / f"{s}.db") for s in SERVICES))


def test_with_the_stream_lost_what_followed_the_backup_is_named_as_lost(drill: Drill, tmp_path: Path) -> None:
    # The stream and scheduling's store are lost; the other stores, damaged or not, are read as witnesses.
    case = destroyed_copy(drill, tmp_path, "nats/jetstream", "scheduling.db*")
    restored = run("restore", str(drill.backup), "--data-dir", str(case))
    assert restored.returncode == 1, restored.stderr
    said = restored.stderr
    assert "Flux : recréé depuis la sauvegarde" in said
    assert "Perdus, registration : 3 événement(s) (CandidateRegistered ×1, CandidateUpdated ×1" in said
    # The erasure was witnessed by registration's store: applied again, then relayed.
    assert f"Effacements réappliqués (clés supprimées) : {drill.erased['candidate_id']}" in said
    logged = check_restored_stack(drill, case, tmp_path)
    for service, events in drill.after.items():
        unnamed = {e for e in events if e not in logged and e not in said}
        assert unnamed == set(), f"{service}: lost without a word"
        if service == "scheduling":  # its store is gone: its events are named from notifications' inbox
            assert f"Perdus, scheduling : {len(events)} événement(s)" in said


def test_a_backup_whose_checksum_does_not_match_is_refused(drill: Drill, tmp_path: Path) -> None:
    copy = tmp_path / "backup"
    shutil.copytree(drill.backup, copy)
    with (copy / "registration.db").open("r+b") as db:  # one byte changed
        db.seek(200)
        byte = db.read(1)[0]
        db.seek(200)
        db.write(bytes([byte ^ 0xFF]))
    refused = run("restore", str(copy), "--data-dir", str(tmp_path / "data"))
    assert refused.returncode == 2
    assert "le fichier registration.db ne correspond pas à sa somme de contrôle" in refused.stderr
    assert not (tmp_path / "data" / "registration.db").exists()
