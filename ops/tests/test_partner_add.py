"""`jobdating partner add ORG`: the files a partner's joining needs, then its stream provisioned through the
hub, on a running hub and a second partner started from the files the command wrote."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from jobdating.bus.server import free_port
from jobdating.contracts.subjects import STREAM_NAME
from jobdating.ops import federation_plan
from jobdating.ops.cli import app
from jobdating.ops.federation_provision import connect
from jobdating.ops.federation_servers import ConfiguredServer, Federation
from jobdating.runtime.ids import new_id

runner = CliRunner()


def partner_add(*args: str) -> str:
    result = runner.invoke(app, ["partner", "add", *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_partner_add_writes_the_partners_leaf_and_the_hubs_side_and_keeps_its_password(
    tmp_path: Path,
) -> None:
    partner_add("mission-locale", "--folder", str(tmp_path))
    first = federation_plan.load(tmp_path)
    leaf = federation_plan.partner_config_path(tmp_path, "mission-locale")
    assert "domain: mission-locale" in leaf.read_text()
    assert leaf.stat().st_mode & 0o777 == 0o600
    partner_add("mission-locale", "--folder", str(tmp_path))
    partner_add("plie", "--folder", str(tmp_path))
    plan = federation_plan.load(tmp_path)
    assert plan.ops_password == first.ops_password
    assert plan.partners["mission-locale"] == first.partners["mission-locale"]
    for node in plan.hub:
        hub = federation_plan.hub_config_path(tmp_path, node).read_text()
        assert '"user": "leaf-mission-locale"' in hub
        assert '"user": "leaf-plie"' in hub
        assert "sync_interval: always" in hub
    assert plan.partners["mission-locale"].leaf_password in leaf.read_text()


def test_partner_add_refuses_a_name_that_is_no_organisation_in_french(tmp_path: Path) -> None:
    result = runner.invoke(app, ["partner", "add", "mission locale", "--folder", str(tmp_path)])
    assert result.exit_code == 2
    assert "n'est pas un nom d'organisation" in result.output
    result = runner.invoke(app, ["partner", "add", "departement-nord", "--folder", str(tmp_path)])
    assert result.exit_code == 2
    assert "publie déjà dans le hub" in result.output


@pytest.mark.nats
async def test_a_partner_added_to_a_running_hub_publishes_into_it_and_the_others_read_its_sites(
    tmp_path: Path,
) -> None:
    servers = Federation(tmp_path, ["mission-locale"]).start()
    plie: ConfiguredServer | None = None
    try:
        await servers.provision()
        port = free_port()
        store = str(tmp_path / "plie" / "jetstream")
        args = ["plie", "--folder", str(tmp_path), "--port", str(port), "--store-dir", store]
        await asyncio.to_thread(partner_add, *args)
        servers.reload_hub()
        text = federation_plan.partner_config_path(tmp_path, "plie").read_text()
        # Written for the hub's loopback servers by the Federation helper's plan; the command kept them.
        plie = ConfiguredServer(tmp_path / "plie", port, text.replace("0.0.0.0", "127.0.0.1"))
        plie.start()
        output = await asyncio.to_thread(partner_add, *args, "--hub-url", servers.hub_url)
        assert "flux JOBDATING de plie" in output
        site = f"jobdating.plie.sites.site.SiteOpened.{new_id()}"
        at_plie = await connect(plie.url)
        hub = await connect(servers.hub_url)
        mission_locale = await connect(servers.partner_url("mission-locale"))
        try:
            headers = {"Nats-Msg-Id": new_id()}
            await at_plie.jetstream().publish(site, b"{}", stream=STREAM_NAME, headers=headers)
            for js in (hub.jetstream(), mission_locale.jetstream()):
                deadline = time.monotonic() + 20
                while (await js.stream_info(STREAM_NAME)).state.messages < 1:
                    assert time.monotonic() < deadline, "plie's site did not arrive"
                    await asyncio.sleep(0.1)
                assert (await js.get_msg(STREAM_NAME, 1)).subject == site
        finally:
            for nc in (at_plie, hub, mission_locale):
                await nc.close()
    finally:
        if plie is not None:
            plie.stop()
        servers.stop()
