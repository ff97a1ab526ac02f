"""`./dev`: its usage names what it really does, and an unknown command is an error, not a silent success."""

from __future__ import annotations

import subprocess
from pathlib import Path

DEV = Path(__file__).resolve().parents[2] / "dev"


def _dev(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(DEV), *args], capture_output=True, text=True, timeout=30, check=False)


def test_help_lists_each_command() -> None:
    done = _dev("help")
    assert done.returncode == 0
    for command in ("./dev run", "./dev test", "./dev help"):
        assert command in done.stdout
    assert "demo" in done.stdout  # run loads the demo job dating


def test_an_unknown_command_fails_and_says_which() -> None:
    done = _dev("tset")
    assert done.returncode == 2
    assert "unknown command 'tset'" in done.stderr
    assert "./dev test" in done.stderr  # and what it could have been
