"""Replay is first-class: the read model rebuilt from the log equals the one kept live."""

from __future__ import annotations

import pytest

from jobdating.sites.adapters import projections
from jobdating.sites.bootstrap import SitesService
from jobdating.sites.main import main
from jobdating.testing.rebuild import rebuild_by_command

from .conftest import Api


async def a_busy_morning(api: Api) -> None:
    async def do(method: str, url: str, body: dict[str, object] | None = None) -> None:
        response = await api.call(method, url, json=body)
        assert response.status_code in (200, 201), response.text

    ronchin = await api.open_site(name="Ronchin")
    seclin = await api.open_site(name="Seclin", postcode="59113", commune="Seclin")
    await do("POST", f"/sites/{ronchin['site_id']}/rooms", {"name": "Salle 1", "capacity": 12})
    await do("PATCH", f"/sites/{ronchin['site_id']}", {"contact": {"phone": "03 20 11 11 11"}})
    pcs = [await api.add_computer(ronchin["site_id"], f"PC {n}") for n in range(1, 4)]
    await api.add_computer(seclin["site_id"], "PC 1")
    await do("POST", f"/computers/{pcs[0]['computer_id']}/out-of-order", {"reason": "écran"})
    await do("POST", f"/computers/{pcs[0]['computer_id']}/back-in-service")
    await do("POST", f"/computers/{pcs[1]['computer_id']}/out-of-order", {"reason": "réseau"})
    await do("POST", f"/computers/{pcs[2]['computer_id']}/remove", {"reason": "repris"})
    await api.add_computer(ronchin["site_id"], "PC 3")
    await do("POST", f"/sites/{seclin['site_id']}/close", {"reason": "travaux"})


async def test_a_rebuild_from_the_log_equals_the_live_read_model(api: Api, service: SitesService) -> None:
    await a_busy_morning(api)
    store = service.store
    live = projections.snapshot(store)
    assert store.checkpoint(projections.PROJECTION) == store.head()
    assert projections.rebuild(store) == store.count() == 14
    assert projections.snapshot(store) == live
    assert store.checkpoint(projections.PROJECTION) == store.head()


async def test_the_rebuild_command_restores_a_lost_read_model(
    api: Api, service: SitesService, monkeypatch: pytest.MonkeyPatch
) -> None:
    await a_busy_morning(api)
    live = projections.snapshot(service.store)
    rebuild_by_command(service.store, projections.TABLES, "JOBDATING_SITES_", main, monkeypatch)
    assert projections.snapshot(service.store) == live
