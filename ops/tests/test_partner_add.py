"""`jobdating partner add ORG`: the files a partner's joining needs, then its stream provisioned through the
hub, on a running hub and a second partner started from the files the command wrote."""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path

import nats
import pytest
from cryptography import x509
from typer.testing import CliRunner

from jobdating.bus.connection import TLS_CA, TLS_CERT, TLS_KEY, connect_options
from jobdating.bus.server import free_port
from jobdating.contracts.subjects import STREAM_NAME
from jobdating.ops import compose_tls, federation_plan
from jobdating.ops.cli import app
from jobdating.ops.federation_provision import connect
from jobdating.ops.federation_servers import ConfiguredServer, Federation
from jobdating.ops.federation_tls import TlsFiles
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
        assert "{ user: leaf-mission-locale," in hub
        assert "{ user: leaf-plie," in hub
        # The hub's own instances, each its own user (docker-compose.federation.yml connects them so).
        assert all(f'password: "{pw}"' in hub for pw in plan.hub_passwords.values())
        assert "sync_interval: always" in hub
    assert plan.partners["mission-locale"].leaf_password in leaf.read_text()
    # Its own users, its server's and users' certificates, from the one authority of the federation.
    partner = plan.partners["mission-locale"]
    assert set(partner.passwords) == {"ops", "registration-mission-locale", "sites-mission-locale"}
    assert partner.passwords == first.partners["mission-locale"].passwords
    assert all(f'password: "{pw}"' in leaf.read_text() for pw in partner.passwords.values())
    authority = x509.load_pem_x509_certificate((tmp_path / "tls" / "ca.crt").read_bytes())
    assert (tmp_path / "tls" / "ca.key").stat().st_mode & 0o777 == 0o600
    folders = [
        *(federation_plan.hub_tls_path(tmp_path, node) for node in plan.hub),
        federation_plan.partner_tls_path(tmp_path, "plie"),
        federation_plan.client_tls_path(tmp_path, None, "ops"),
        federation_plan.client_tls_path(tmp_path, None, "scheduling"),
        federation_plan.client_tls_path(tmp_path, "plie", "sites-plie"),
    ]
    for folder in folders:
        cert = x509.load_pem_x509_certificate((folder / "cert.pem").read_bytes())
        assert compose_tls.signed_by(cert, authority), folder
        assert (folder / "key.pem").stat().st_mode & 0o777 == 0o600
    hub_cert = x509.load_pem_x509_certificate((folders[0] / "cert.pem").read_bytes())
    assert compose_tls.covers(hub_cert, ["nats-hub-0"])


def test_a_partner_from_a_plan_without_users_gains_them_when_another_joins(tmp_path: Path) -> None:
    partner_add("mission-locale", "--folder", str(tmp_path))
    plan = json.loads((tmp_path / "federation.json").read_text())
    for leaf in plan["partners"].values():
        del leaf["passwords"], leaf["tls_names"]
    (tmp_path / "federation.json").write_text(json.dumps(plan))
    partner_add("plie", "--folder", str(tmp_path))
    passwords = federation_plan.load(tmp_path).partners["mission-locale"].passwords
    assert set(passwords) == {"ops", "registration-mission-locale", "sites-mission-locale"}
    leaf = federation_plan.partner_config_path(tmp_path, "mission-locale").read_text()
    assert f'password: "{passwords["sites-mission-locale"]}"' in leaf


def test_partner_add_names_the_partners_server_in_its_certificate_and_keeps_it_while_good(
    tmp_path: Path,
) -> None:
    partner_add("plie", "--folder", str(tmp_path), "--tls-name", "nats.plie.example")
    cert_path = federation_plan.partner_tls_path(tmp_path, "plie") / "cert.pem"
    first = cert_path.read_bytes()
    cert = x509.load_pem_x509_certificate(first)
    assert compose_tls.covers(cert, ["nats.plie.example", "nats-plie", "127.0.0.1"])
    partner_add("plie", "--folder", str(tmp_path))
    assert cert_path.read_bytes() == first
    # A name added later: a certificate naming it too.
    partner_add("plie", "--folder", str(tmp_path), "--tls-name", "10.0.0.7")
    assert compose_tls.covers(x509.load_pem_x509_certificate(cert_path.read_bytes()), ["10.0.0.7"])


def test_partner_add_refuses_a_name_that_is_no_organisation_in_french(tmp_path: Path) -> None:
    result = runner.invoke(app, ["partner", "add", "mission locale", "--folder", str(tmp_path)])
    assert result.exit_code == 2
    assert "n'est pas un nom d'organisation" in result.output
    result = runner.invoke(app, ["partner", "add", "departement-nord", "--folder", str(tmp_path)])
    assert result.exit_code == 2
    assert "publie déjà dans le hub" in result.output


@pytest.mark.nats
async def test_a_partner_added_to_a_running_hub_publishes_into_it_and_the_others_read_its_sites(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    servers = Federation(tmp_path, ["mission-locale"]).start()
    plie: ConfiguredServer | None = None
    try:
        for name, value in servers.tls_env().items():
            monkeypatch.setenv(name, value)
        await servers.provision()
        port = free_port()
        store = str(tmp_path / "plie" / "jetstream")
        tls = str(federation_plan.partner_tls_path(tmp_path, "plie"))
        args = ["plie", "--folder", str(tmp_path), "--port", str(port), "--store-dir", store]
        args += ["--tls-dir", tls]
        await asyncio.to_thread(partner_add, *args)
        servers.reload_hub()
        text = federation_plan.partner_config_path(tmp_path, "plie").read_text()
        # Written for the hub's loopback servers by the Federation helper's plan; the command kept them.
        plie = ConfiguredServer(tmp_path / "plie", port, text.replace("0.0.0.0", "127.0.0.1"))
        plie.start()
        output = await asyncio.to_thread(partner_add, *args, "--hub-url", servers.hub_url)
        assert "flux JOBDATING de plie" in output
        site = f"jobdating.plie.sites.site.SiteOpened.{new_id()}"
        password = federation_plan.load(tmp_path).partners["plie"].passwords["sites-plie"]
        # A service of plie's, with its own user and certificate, named by its environment as a service's.
        files = TlsFiles.under(federation_plan.client_tls_path(tmp_path, "plie", "sites-plie"))
        service_env = {TLS_CA: files.ca, TLS_CERT: files.cert, TLS_KEY: files.key}
        plie_url = plie.url.replace("//", f"//sites-plie:{password}@")
        at_plie = await nats.connect(plie_url, **connect_options(plie_url, service_env))
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
