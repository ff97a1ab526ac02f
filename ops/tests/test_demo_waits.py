"""A long wait of `jobdating up --demo` or `jobdating demo` shows how far it got, in lines a log keeps (a
spinner shows nothing there): here scheduling learning the demo's facts, served by a small real HTTP server
whose counts grow as the stream would feed them."""

from __future__ import annotations

import time
from collections.abc import Iterator

import httpx
import pytest

from jobdating.ops.demo_plan import wait_for_facts
from jobdating.ops.demo_report import DemoError
from jobdating.testing.http_stub import JsonHandler, serving

FULL = {"candidates": 50, "companies": 15, "sites": 4, "computers": 18}


@pytest.fixture
def learning() -> Iterator[str]:
    """A `/facts` that knows nothing for 1.2 s, then half the candidates until 2.4 s, then everything."""
    started = time.monotonic()

    class Facts(JsonHandler):
        def answer(self, path: str) -> dict[str, int]:
            elapsed = time.monotonic() - started
            known = dict.fromkeys(FULL, 0) if elapsed < 1.2 else {**FULL, "candidates": 25}
            return FULL if elapsed >= 2.4 else known

    with serving(Facts) as url:
        yield url


def test_the_wait_for_scheduling_says_how_far_it_got_every_few_seconds(learning: str) -> None:
    lines: list[str] = []
    with httpx.Client(timeout=5) as http:
        wait_for_facts(http, learning, {}, lines.append, every=0.5)
    assert len(lines) >= 3
    assert "0/50 candidats, 0/15 entreprises, 0/4 sites, 0/18 ordinateurs" in lines[0]
    assert any("25/50 candidats, 15/15 entreprises" in line for line in lines)
    assert all(line.startswith("la planification apprend la démo (") for line in lines)


def test_a_wait_that_never_ends_is_an_error_after_its_limit(learning: str) -> None:
    with httpx.Client(timeout=5) as http, pytest.raises(DemoError, match="within 1 s"):
        wait_for_facts(http, learning, {}, None, limit=1.0)
