"""An erasure on the embedded stack leaves nothing behind: once a candidate who was convoked by e-mail and
SMS is erased, no file of the data folder (stores and their WAL, JetStream, Maildir, SMS sink, logs) holds
their phone, e-mail or name, read as raw bytes right away, without waiting for any checkpoint."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from jobdating.bus.server import free_port
from jobdating.ops.demo_accounts import ACCOUNTS_FILE, load_accounts, sign_in
from jobdating.ops.stack import free_base_port
from jobdating.testing.waiting import wait_until

from .test_up import running

pytestmark = [pytest.mark.nats, pytest.mark.slow]
DAYTIME = "2027-01-05T10:00+01:00"  # a Tuesday morning: SMS are not held back by the quiet hours


def traces(person: dict[str, Any]) -> dict[str, bytes]:
    """Every form the person's details may be stored in: E.164 phone, its national and spaced forms."""
    national = "0" + person["phone"].removeprefix("+33")
    spaced = " ".join(national[i : i + 2] for i in range(0, 10, 2))
    name = f"{person['first_name']} {person['last_name']}"
    return {
        "phone (digits)": national[1:].encode(),
        "phone (spaced)": spaced.encode(),
        "e-mail": person["email"].encode(),
        "name": name.encode(),
        "name (JSON-escaped)": json.dumps(name)[1:-1].encode(),
        "name (as an SQLite record)": f"{person['first_name']}{person['last_name']}".encode(),
    }


def found_in(data: Path, needles: dict[str, bytes]) -> list[str]:
    """`what in file` for every needle found in every file of the folder, read raw."""
    hits = []
    for file in sorted(p for p in data.rglob("*") if p.is_file()):
        try:
            raw = file.read_bytes()
        except FileNotFoundError:  # a temporary file of nats-server, renamed meanwhile
            continue
        hits += [f"{what} in {file.relative_to(data)}" for what, needle in needles.items() if needle in raw]
    return hits


def test_an_erased_candidate_is_in_no_file_of_the_data_folder(tmp_path: Path) -> None:
    data, base = tmp_path / "data", free_base_port()
    with running(data, free_port(), base, tmp_path / "up.log", clock_start=DAYTIME):
        # Each demo counsellor, signed in, acts as themselves (their own candidates' personal data only).
        identity = f"http://127.0.0.1:{base + 5}"
        with httpx.Client(timeout=30) as http:
            token = {
                a.account_id or a.key: sign_in(http, identity, a)
                for a in load_accounts(data / ACCOUNTS_FILE).values()
                if a.role == "counsellor"
            }
        api = httpx.Client(base_url=f"http://127.0.0.1:{base + 1}", timeout=30)

        def followed_by(counsellor: str) -> list[dict[str, Any]]:
            headers = {"Authorization": f"Bearer {token[counsellor]}"}
            page = api.get("/candidates", params={"limit": 100}, headers=headers).json()
            return [
                {"candidate_id": c["candidate_id"], "counsellor": counsellor, **c["personal"]}
                for c in page["items"]
                if c["personal"] is not None
            ]

        mailed = [c for counsellor in sorted(token) for c in followed_by(counsellor) if c["email"]]

        def convoked() -> dict[str, Any] | None:
            """A candidate whose e-mail and SMS convocations both went out (phones and e-mails are unique)."""
            sent = b"".join(f.read_bytes() for f in (data / "maildir" / "new").glob("*"))
            sms = (data / "sms.jsonl").read_bytes() if (data / "sms.jsonl").exists() else b""
            for c in mailed:
                if c["email"].encode() in sent and c["phone"].encode() in sms:
                    return c
            return None

        wait_until("a candidate convoked by e-mail and SMS", lambda: convoked() is not None)
        person = convoked()
        assert person is not None
        # Demo names repeat: the person takes one of their own, which goes through an update as well.
        headers = {"Authorization": f"Bearer {token[person['counsellor']]}"}
        renamed = {"first_name": "Anastasie", "last_name": f"Erasée-{person['candidate_id'][-12:]}"}
        assert api.patch(f"/candidates/{person['candidate_id']}", json=renamed, headers=headers).is_success
        needles = traces(person | renamed)
        assert found_in(data, needles)  # the test sees them before the erasure

        erase = api.delete(f"/candidates/{person['candidate_id']}", headers=headers)
        assert erase.status_code == 204, erase.text
        # Notifications hears of the erasure from the stream: its sinks' copies go shortly after.
        deadline = time.monotonic() + 30
        while any("maildir" in hit or "sms" in hit for hit in found_in(data, needles)):
            if time.monotonic() > deadline:
                break
            time.sleep(0.2)
        assert found_in(data, needles) == []
    # Stopping (final checkpoints, flushed logs) brings nothing back either.
    assert found_in(data, needles) == []
