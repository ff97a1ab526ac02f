"""The render workers say what the service's own renderer says (its operator's templates and signature
included), raise what it raises, and a worker that dies loses no message: it is rendered in the service."""

from __future__ import annotations

import asyncio
import os
import signal
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from jinja2 import UndefinedError

from jobdating.notifications.adapters import render_pool
from jobdating.notifications.adapters.render_pool import RenderPool
from jobdating.notifications.adapters.rendering import JinjaRenderer

AT = datetime(2026, 12, 3, 9, 30, tzinfo=ZoneInfo("Europe/Paris"))
SIGNATURE = "Service emploi du Département du Nord\n03 20 00 00 00"


def convocation(company: str = "Logistique du Nord") -> dict[str, Any]:
    interview = {
        "starts_at": AT,
        "ends_at": AT.replace(minute=50),
        "minutes": 20,
        "second": False,
        "site": {
            "name": "Maison de l'emploi",
            "address": "2 rue de l'Emploi",
            "commune": "Seclin",
            "postcode": "59113",
            "wheelchair": True,
            "hearing_loop": False,
            "phone": "0320000000",
        },
        "computer": "PC 3",
        "place": "site",
        "address": None,
        "video_link": None,
        "company": company,
        "positions": ["Préparateur de commandes (CDI)"],
        "change": "new",
        "reason": None,
        "previous": None,
    }
    return {
        "interviews": [interview],
        "standing": [interview],
        "cancelled": [],
        "one_place": interview,
        "first_name": "Inès",
        "title": "Emploi Booster",
        "call": "+33320000001",
        "link": None,
        "counsellor_told": False,
    }


@pytest.fixture
def local(tmp_path: Path) -> JinjaRenderer:
    """The service's renderer: an operator's folder replacing the SMS convocation, and a signature."""
    (tmp_path / "sms").mkdir()
    (tmp_path / "sms" / "convocation.j2").write_text(
        "Bonjour {{ first_name }}, entretien avec {{ interviews[0].company }} "
        "le {{ interviews[0].starts_at|short_day }}."
    )
    return JinjaRenderer(tmp_path, signature=SIGNATURE)


def workers(pool: RenderPool) -> list[int]:
    return [w.process.pid for w in pool._live()]


async def test_the_workers_render_as_the_service_does_with_its_operators_templates(
    local: JinjaRenderer,
) -> None:
    pool = RenderPool(local, processes=2)
    try:
        await pool.warm()
        assert len(workers(pool)) == 2
        facts = [convocation(f"Entreprise {i}") for i in range(12)]
        # Several at once, across both workers: each answer goes back to its own message.
        for channel in ("email", "sms", "voice"):
            got = await asyncio.gather(*(pool.render("convocation", channel, f) for f in facts))
            assert got == [local.render("convocation", channel, f) for f in facts]
        sms = await pool.render("convocation", "sms", facts[0])
        assert sms.text == "Bonjour Inès, entretien avec Entreprise 0 le jeudi 3/12."  # the operator's
        email = await pool.render("convocation", "email", facts[0])
        assert email.text.endswith(f"-- \n{SIGNATURE}\n")
    finally:
        await pool.close()


async def test_a_template_error_reaches_the_sender_as_the_services_own_would(local: JinjaRenderer) -> None:
    pool = RenderPool(local, processes=1)
    try:
        facts = convocation()
        del facts["first_name"]
        with pytest.raises(UndefinedError, match="first_name"):
            local.render("convocation", "email", facts)
        with pytest.raises(UndefinedError, match="first_name"):
            await pool.render("convocation", "email", facts)
        # The worker is still there for the next message.
        assert await pool.render("convocation", "email", convocation()) == local.render(
            "convocation", "email", convocation()
        )
    finally:
        await pool.close()


async def test_a_killed_worker_loses_no_message_and_a_new_one_takes_over(
    local: JinjaRenderer, monkeypatch: pytest.MonkeyPatch
) -> None:
    pool = RenderPool(local, processes=1)
    try:
        await pool.warm()
        [first] = workers(pool)
        os.kill(first, signal.SIGKILL)
        facts = convocation()
        expected = local.render("convocation", "sms", facts)
        # Rendered in the service while no worker is there (a new one is not started at once).
        assert await pool.render("convocation", "sms", facts) == expected
        assert workers(pool) == []
        assert await pool.render("convocation", "sms", facts) == expected
        assert workers(pool) == []
        monkeypatch.setattr(render_pool, "RESTART_AFTER", 0.0)
        pool._not_before = 0.0
        assert await pool.render("convocation", "sms", facts) == expected
        [second] = workers(pool)
        assert second != first
    finally:
        await pool.close()


async def test_closing_the_pool_ends_its_workers(local: JinjaRenderer) -> None:
    pool = RenderPool(local, processes=2)
    await pool.warm()
    processes = [w.process for w in pool._live()]
    await pool.close()
    assert [p.returncode for p in processes] == [0, 0]
    assert pool._live() == []
