"""The privacy probe: once `jobdating up --demo` has loaded the demo (and sent its convocations), the
JetStream stream files, the logs and every store but registration's (the one that owns personal data) hold
none of the demo candidates' names, phones or e-mails, nor a candidate's postcode and commune or counsellor
in clear.

Read as raw bytes, like `test_erasure_leaves_nothing`. Left out: registration's store (its owner), the sinks
of the messages sent (`maildir/`, `sms.jsonl`, `voice.jsonl`: the messages themselves, which greet people
by name), and the stack's own configuration (`tokens.json`, `staff.toml`: accounts and staff directory,
not candidates).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from jobdating.bus.server import free_port
from jobdating.ops.demo_accounts import ACCOUNTS_FILE, load_accounts
from jobdating.ops.demo_sessions import counsellor_ids
from jobdating.ops.stack import free_base_port
from jobdating.testing.demo_data import DemoCandidate, candidates
from jobdating.testing.waiting import wait_until

from .test_up import running

pytestmark = [pytest.mark.nats, pytest.mark.slow]
DAYTIME = "2027-01-05T10:00+01:00"  # a Tuesday morning: SMS are not held back by the quiet hours
NOT_PROBED = ("maildir", "sms.jsonl", "voice.jsonl", "tokens.json", "operator-tokens.json", "staff.toml")


def needles(n: int, person: DemoCandidate, counsellor: str) -> dict[str, bytes]:
    """Every form a demo candidate's details may take in a file: phones in their three forms, e-mail, names
    as text, JSON and an SQLite record; their home and counsellor (`counsellor`: the account of their
    partner's counsellor, who follows them) as a profile carried them in JSON.

    The counsellor's account id alone is not looked for: it travels as the actor of what they do (they
    register their candidates), which is what the audit's "who did what" is for; whom they follow does not."""
    digits = person.phone.replace(" ", "")
    name = f"{person.first_name} {person.last_name}"
    found = {
        f"phone of #{n}": digits[1:].encode(),
        f"spaced phone of #{n}": person.phone.encode(),
        f"name of #{n}": name.encode(),
        f"JSON name of #{n}": json.dumps(name)[1:-1].encode(),
        f"record name of #{n}": f"{person.first_name}{person.last_name}".encode(),
        f"home of #{n}": f'"postcode":"{person.postcode}","commune":"{person.commune}"'.encode(),
        f"counsellor of #{n}": f'"counsellor_id":"{counsellor}"'.encode(),
    }
    if person.email is not None:
        found[f"e-mail of #{n}"] = person.email.encode()
    return found


def probed(data: Path) -> list[Path]:
    """The stream files, the logs, and the stores of every service but registration."""
    files = []
    for file in sorted(p for p in data.rglob("*") if p.is_file()):
        relative = file.relative_to(data)
        if relative.parts[0] in NOT_PROBED or relative.name.startswith("registration.db"):
            continue
        files.append(file)
    return files


def found_in(data: Path, wanted: dict[str, bytes]) -> list[str]:
    hits = []
    for file in probed(data):
        try:
            raw = file.read_bytes()
        except FileNotFoundError:  # a temporary file of nats-server, renamed meanwhile
            continue
        relative = file.relative_to(data)
        hits += [f"{what} in {relative}" for what, needle in wanted.items() if needle in raw]
    return hits


def test_the_demo_leaves_no_candidates_details_on_the_stream_in_the_logs_or_in_other_stores(
    tmp_path: Path,
) -> None:
    data = tmp_path / "data"
    demo = candidates()
    with running(data, free_port(), free_base_port(), tmp_path / "up.log", clock_start=DAYTIME):
        follows = counsellor_ids(load_accounts(data / ACCOUNTS_FILE).values())
        wanted = {
            what: needle
            for n, person in enumerate(demo)
            for what, needle in needles(n, person, follows[person.referring_org]).items()
        }
        # The convocations went out: notifications asked registration for contacts and counsellors.
        wait_until("convocations sent", lambda: any((data / "maildir" / "new").glob("*")))
        files = probed(data)
        assert any("nats" in f.parts for f in files)
        assert any("logs" in f.parts for f in files)
        assert {f.name for f in files} >= {"sites.db", "scheduling.db", "notifications.db"}
        # The probe sees what it looks for: registration's own store holds the details, in clear.
        own = b"".join(f.read_bytes() for f in data.glob("registration.db*"))
        assert demo[1].email is not None
        assert demo[1].email.encode() in own
        assert found_in(data, wanted) == []
    # Stopping (final checkpoints, flushed logs) brings nothing out either.
    assert found_in(data, wanted) == []
