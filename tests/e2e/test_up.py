"""`jobdating up --demo` as an operator runs it: everything starts, the demo is planned and published,
convocations land in the Maildir, Ctrl-C stops cleanly, a second run resumes without sending anything twice,
and a port already taken is a one-sentence error."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from jobdating.bus.server import free_port, port_is_free
from jobdating.ops.maildir import settled_count
from jobdating.ops.stack import free_base_port

pytestmark = [pytest.mark.nats, pytest.mark.slow]
JOBDATING = str(Path(sys.executable).parent / "jobdating")


def start(
    data: Path,
    nats_port: int,
    base: int,
    log: Path,
    *,
    clock_start: str | None = None,
    env: dict[str, str] | None = None,
) -> subprocess.Popen[bytes]:
    command = [
        JOBDATING,
        "up",
        "--demo",
        "--data-dir",
        str(data),
        "--nats-port",
        str(nats_port),
        "--base-port",
        str(base),
    ]
    if clock_start is not None:
        command += ["--clock-start", clock_start]
    return subprocess.Popen(command, stdout=log.open("wb"), stderr=subprocess.STDOUT, env=env)


def wait_for(log: Path, text: str, process: subprocess.Popen[bytes], limit: float = 150) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if text in log.read_text(errors="replace"):
            return
        if process.poll() is not None:
            break
        time.sleep(0.2)
    raise AssertionError(f"{text!r} never printed:\n{log.read_text(errors='replace')[-3000:]}")


@contextmanager
def running(
    data: Path,
    nats_port: int,
    base: int,
    log: Path,
    *,
    clock_start: str | None = None,
    stop: signal.Signals = signal.SIGTERM,
    env: dict[str, str] | None = None,
) -> Iterator[None]:
    """`jobdating up --demo` started and ready (it printed its Ctrl-C line); stopped by `stop`, cleanly."""
    process = start(data, nats_port, base, log, clock_start=clock_start, env=env)
    try:
        wait_for(log, "Ctrl-C", process)
        yield
    finally:
        process.send_signal(stop)
        assert process.wait(timeout=60) == 0


def settle(data: Path) -> int:
    """The Maildir count once it stopped growing for 3 s."""
    return settled_count(data / "maildir", quiet=3.0, limit=60)


# The Maildir once the demo is loaded, counted by hand from `demo_data`: the 32 accounts' invitations
# (identity), one convocation per candidate with an e-mail address listing all their interviews (i % 3 != 0:
# 33 of the 50; the plan serves all 50) and one agenda per recruiting company (15).
DEMO_MAILS = 32 + 33 + 15
THURSDAY, FRIDAY_DAWN = "2027-01-07T10:00+01:00", "2027-01-08T06:00+01:00"


def test_up_runs_the_demo_stops_on_ctrl_c_and_resumes(tmp_path: Path) -> None:
    """Also the date case of a stack resumed on another day: loaded on a Thursday, the demo's day is
    Friday, and a stack resumed early on Friday (when "the next working day" is Monday) keeps it."""
    data, nats_port, base = tmp_path / "data", free_port(), free_base_port()
    first_log = tmp_path / "first.log"
    with running(data, nats_port, base, first_log, stop=signal.SIGINT, clock_start=THURSDAY):
        text = first_log.read_text()
        assert "Job dating de démonstration : le vendredi 8 janvier 2027." in text
        assert "planning publié" in text
        assert " 15 entreprises, 50 candidats (" in text
        assert ", 0 déjà présentes)" in text
        # The demo's people, invited and activated: the coordinator, 5 admins, 15 recruiters, 5 counsellors,
        # 4 site hosts and the 2 workshop coaches.
        assert "32 comptes (32 créés maintenant)" in text
        sent = settle(data)
        assert sent == DEMO_MAILS

        # A second instance on the same folder is refused in one sentence.
        second_log = tmp_path / "second.log"
        second = start(data, nats_port, base, second_log)
        assert second.wait(timeout=60) == 2
        assert "tourne déjà" in second_log.read_text()
        assert "Traceback" not in second_log.read_text()
    assert "Tout est arrêté" in first_log.read_text()
    assert not (data / "up.pid").exists()

    # The stack stopped, `jobdating audit` starts the folder's NATS to check the stream too.
    audited = subprocess.run(
        [JOBDATING, "audit", "--data-dir", str(data)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "COLUMNS": "200"},
    )
    assert audited.returncode == 0, audited.stdout + audited.stderr
    assert "Aucune différence" in audited.stderr
    assert " messages." in audited.stderr  # the stream was read, not skipped
    assert not (data / "up.pid").exists()

    again_log = tmp_path / "again.log"
    # Stopped by a `kill` (SIGTERM) this time: everything stops as on Ctrl-C, no service or NATS left running.
    with running(data, nats_port, base, again_log, stop=signal.SIGTERM, clock_start=FRIDAY_DAWN):
        assert "Job dating de démonstration : le vendredi 8 janvier 2027." in again_log.read_text()
        # What the demo holds, and nothing registered twice.
        assert "Démo chargée : 4 sites, 18 ordinateurs, " in again_log.read_text()
        assert " 15 entreprises, 50 candidats (0 fiches ajoutées maintenant, " in again_log.read_text()
        assert "32 comptes (0 créés maintenant)" in again_log.read_text()  # nor any account created twice
        assert settle(data) == sent  # and nobody told twice
    assert "Tout est arrêté" in again_log.read_text()
    assert not (data / "up.pid").exists()
    assert port_is_free(nats_port)
    assert all(port_is_free(base + n) for n in range(1, 5))


# Two whole stacks (20 s each): a holiday and a weekend across the new year in winter time, and a weekend
# in summer time. The calendar itself (a Friday, a Saturday, Ascension, Christmas...) is
# `ops/tests/test_demo_calendar.py`'s; these show the services' clocks carry it to the demo and its messages.
@pytest.mark.parametrize(
    ("clock_start", "day"),
    [
        ("2026-12-31T18:00+01:00", "lundi 4 janvier 2027"),  # New Year's Eve
        ("2027-08-13T09:00+02:00", "lundi 16 août 2027"),  # a Friday in August
    ],
    ids=["31-december", "august"],
)
def test_the_demo_is_held_on_the_next_working_day_whatever_the_date(
    tmp_path: Path, clock_start: str, day: str
) -> None:
    """The services' clock set to another date (`--clock-start`): the demo's day follows it and
    convocations go out (nothing has passed). A resumed stack keeping its day: the test above."""
    data, nats_port, base = tmp_path / "data", free_port(), free_base_port()
    log = tmp_path / "up.log"
    with running(data, nats_port, base, log, clock_start=clock_start):
        assert f"Job dating de démonstration : le {day}." in log.read_text()
        assert "planning publié" in log.read_text()
        assert settle(data) == DEMO_MAILS


def test_a_port_already_taken_is_named(tmp_path: Path) -> None:
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        log = tmp_path / "up.log"
        process = start(tmp_path / "data", port, free_base_port(), log)
        assert process.wait(timeout=60) == 2
    text = log.read_text()
    assert f"le port {port} (NATS) est déjà pris" in text
    assert "Traceback" not in text
