"""Replay is first-class, and the plan prints: rebuild from the log, export as text or CSV."""

from __future__ import annotations

import csv
import io

import pytest

from jobdating.eventstore.sqlite import SqliteEventStore
from jobdating.scheduling.adapters import projections, tables
from jobdating.scheduling.bootstrap import SchedulingService
from jobdating.scheduling.main import main
from jobdating.scheduling.testing import MovableClock, candidate_id, company_id
from jobdating.testing.rebuild import rebuild_by_command

from .conftest import Api, paris, published_demo


async def a_busy_day(api: Api, service: SchedulingService, clock: MovableClock) -> None:
    await published_demo(api, service)
    clock.set(paris(8, 10))
    await api.ok(
        "POST",
        f"/job-datings/{api.jd}/check-ins",
        json={"candidate_id": candidate_id(api.prefix, 0), "site_id": f"{api.prefix}-site-faches"},
    )
    await api.ok(
        "POST", f"/job-datings/{api.jd}/no-shows", json={"candidate_id": candidate_id(api.prefix, 4)}
    )
    await api.ok(
        "POST",
        f"/job-datings/{api.jd}/companies/{company_id(api.prefix, 'hypersud')}/late",
        json={"arrives_at": "2026-12-03T10:15"},
    )
    clock.set(paris(11))
    await api.ok(
        "POST",
        f"/job-datings/{api.jd}/companies/{company_id(api.prefix, 'garage')}/leave",
        json={"reason": "panne"},
    )
    first = next(s for s in await api.published_slots(include_cancelled=False) if s["local_start"] <= "10:40")
    await api.ok("POST", f"/slots/{first['slot_id']}/outcome", json={"outcome": "second_interview"})


async def test_a_rebuild_from_the_log_equals_the_live_read_model(
    api: Api, service: SchedulingService, clock: MovableClock
) -> None:
    await a_busy_day(api, service, clock)
    live = projections.snapshot(service.store)
    for table in ("sched_job_dating", "sched_slot", "sched_slot_change", "sched_attendance"):
        assert live[table], table
    assert service.store.checkpoint(projections.PROJECTION) == service.store.head()
    assert projections.rebuild(service.store) == service.store.count()
    assert projections.snapshot(service.store) == live


async def test_the_rebuild_command_restores_a_lost_read_model_and_keeps_the_provisional_plans(
    api: Api, service: SchedulingService, clock: MovableClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    await a_busy_day(api, service, clock)
    live = projections.snapshot(service.store)
    plans = service.store.query("SELECT plan_id FROM sched_plan")
    rebuild_by_command(service.store, tables.READ_MODEL_TABLES, "JOBDATING_SCHEDULING_", main, monkeypatch)
    assert projections.snapshot(service.store) == live
    assert service.store.query("SELECT plan_id FROM sched_plan") == plans


async def test_the_export_prints_the_plan_per_site_and_per_candidate_as_text_and_csv(
    api: Api,
    service: SchedulingService,
    clock: MovableClock,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    await a_busy_day(api, service, clock)
    assert isinstance(service.store, SqliteEventStore)
    monkeypatch.setenv("JOBDATING_SCHEDULING_STORE_URL", f"sqlite:///{service.store.path}")
    capsys.readouterr()
    assert main(["export", "--job-dating", api.jd, "--by", "site", "--format", "text"]) == 0
    text = capsys.readouterr().out
    assert text.startswith("Emploi Booster : plan publié, par site\n")
    assert "== Mission Locale de Seclin ==" in text
    assert "jeudi 3 décembre 2026" in text
    assert "Poste 1" in text
    assert main(["export", "--job-dating", api.jd, "--by", "candidate", "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    plan = await api.ok("GET", f"/job-datings/{api.jd}/plan", params={"by": "candidate"})
    assert len(rows) == sum(len(g["interviews"]) for g in plan["groups"])
    assert {r["statut"] for r in rows} <= {"prévu", "passé"}
    assert rows[0]["groupe"] == rows[0]["candidat"]
    assert main(["export", "--job-dating", "inconnu"]) == 1
    assert "job dating inconnu" in capsys.readouterr().err
