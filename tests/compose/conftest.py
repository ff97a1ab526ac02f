"""What the compose tests of one session share."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _step(*command: str, timeout: float = 1800) -> None:
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=timeout, check=False)
    if done.returncode != 0:
        raise AssertionError(f"{' '.join(command)} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")


@pytest.fixture(scope="session")
def built() -> None:
    """The wheels on the host, then the stand-ins for the public images (no network inside the builds):
    once a session, as the checkout does not change between its compose stacks (each stack built them
    again, the wheels as long as the first time, for the same files); each stack's `docker-compose build`
    then finds the service images in docker's cache."""
    _step(str(ROOT / "deploy" / "build-wheels.sh"))
    _step(str(ROOT / "deploy" / "standins" / "build.sh"))
