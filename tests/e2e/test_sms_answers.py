"""A candidate answers NON to their convocation SMS on the embedded stack: the provider's signed call to
notifications reaches registration over NATS (as their personal link would), which withdraws them
« indisponible à la date »; scheduling frees their interviews; their counsellor, signed in, sees it on their
call list's source and receives the e-mail telling them to call. Everything real: the processes of
`jobdating up --demo`, NATS with its users, SQLite, the embedded SMTP server; only the SMS provider is the
test, signing with the secret `jobdating up` drew into the data folder."""

from __future__ import annotations

import email
import email.policy
import json
import os
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from jobdating.bus.server import free_port
from jobdating.notifications.adapters.webhook_signature import SIGNATURE_HEADER, TIMESTAMP_HEADER, sign
from jobdating.ops.demo_accounts import ACCOUNTS_FILE, load_accounts, sign_in
from jobdating.ops.stack import free_base_port
from jobdating.ops.stack_folder import SMS_PROVIDER_SECRET_FILE
from jobdating.testing.waiting import wait_until

from .test_up import running

pytestmark = [pytest.mark.nats, pytest.mark.slow]
DAYTIME = "2027-01-05T10:00+01:00"  # a Tuesday morning: convocations go out by SMS at once


def sms_lines(data: Path) -> list[dict[str, Any]]:
    path = data / "sms.jsonl"
    return (
        [json.loads(line) for line in path.read_text().splitlines() if line.strip()] if path.exists() else []
    )


def counsellor_calls(data: Path, to: str) -> list[str]:
    found = []
    for file in (data / "maildir" / "new").glob("*"):
        message = email.message_from_bytes(file.read_bytes(), policy=email.policy.default)
        if message["X-Jobdating-Kind"] == "counsellor_call" and message["To"] == to:
            body = message.get_body(("plain",))
            found.append(body.get_content() if body is not None else "")
    return found


def test_a_no_by_sms_withdraws_the_candidate_frees_their_slots_and_tells_their_counsellor(
    tmp_path: Path,
) -> None:
    data, base = tmp_path / "data", free_base_port()
    # The counsellor's notice gathers its moment for a second here, not two minutes.
    env = {**os.environ, "JOBDATING_NOTIFICATIONS_COUNSELLOR_CALL_WAIT": "1"}
    with running(data, free_port(), base, tmp_path / "up.log", clock_start=DAYTIME, env=env):
        accounts = load_accounts(data / ACCOUNTS_FILE)
        counsellor = accounts["counsellor-mission-locale"]
        with httpx.Client(timeout=30) as http:
            token = sign_in(http, f"http://127.0.0.1:{base + 5}", counsellor)
        headers = {"Authorization": f"Bearer {token}"}
        registration = httpx.Client(base_url=f"http://127.0.0.1:{base + 1}", headers=headers, timeout=30)
        page = registration.get("/candidates", params={"counsellor_id": counsellor.account_id, "limit": 100})
        phones = {
            c["personal"]["phone"]: c["candidate_id"]
            for c in page.json()["items"]
            if c["personal"] is not None and c["personal"].get("phone") and c["status"] == "registered"
        }
        assert phones, "the Mission Locale's counsellor follows candidates with a mobile"

        def convocation() -> dict[str, Any] | None:
            return next((line for line in sms_lines(data) if line["to"] in phones), None)

        wait_until("an SMS convocation to one of their candidates", lambda: convocation() is not None)
        sms = convocation()
        assert sms is not None
        candidate_id = phones[sms["to"]]

        # The provider's call: NON, in reply to that SMS, signed with the shared secret.
        body = json.dumps({"from": sms["to"], "text": "Non merci", "in_reply_to": sms["id"]}).encode()
        secret = (data / SMS_PROVIDER_SECRET_FILE).read_bytes().strip()
        stamp = str(int(time.time()))
        signed = {TIMESTAMP_HEADER: stamp, SIGNATURE_HEADER: sign(secret, stamp, body)}
        notifications = f"http://127.0.0.1:{base + 4}/sms/replies"
        forged = httpx.post(notifications, content=body, headers={**signed, SIGNATURE_HEADER: "0" * 64})
        assert forged.status_code == 401
        answer = httpx.post(notifications, content=body, headers=signed, timeout=30)
        assert answer.status_code == 200, answer.text
        assert answer.json()["answer"] == "not_coming"
        assert answer.json()["recorded"] is True

        # Registration recorded it as the candidate's own answer, as from their personal link.
        record = registration.get(f"/candidates/{candidate_id}").json()
        assert (record["status"], record["withdrawal_reason"]) == ("withdrawn", "indisponible à la date")

        # Scheduling freed their interviews (cancelled: the candidate withdrew).
        scheduling = httpx.Client(base_url=f"http://127.0.0.1:{base + 3}", headers=headers, timeout=30)
        jd = next(j for j in scheduling.get("/job-datings").json() if j.get("published"))["job_dating_id"]

        def their_interviews() -> list[dict[str, Any]]:
            params = {"by": "candidate", "key": candidate_id, "include_cancelled": "true"}
            plan = scheduling.get(f"/job-datings/{jd}/plan", params=params).json()
            return [i for g in plan["groups"] for i in g["interviews"] if i["candidate_id"] == candidate_id]

        wait_until(
            "their interviews cancelled",
            lambda: bool(their_interviews()) and all(i["status"] == "cancelled" for i in their_interviews()),
        )
        assert {i["cancel_reason"] for i in their_interviews()} == {"candidate_withdrew"}

        # Their counsellor is told to call them, in plain French.
        wait_until("the counsellor's notice", lambda: bool(counsellor_calls(data, counsellor.email)))
        [notice] = counsellor_calls(data, counsellor.email)
        assert "« Je ne peux pas venir »" in notice
        (tmp_path / "counsellor_call.txt").write_text(notice)
