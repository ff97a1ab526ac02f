"""A hub cluster and partner leaves as real nats-server processes on loopback (tests, benchmarks): their
configs and TLS certificates are the files `jobdating partner add` writes, their streams provisioned as it
does. Every client needs a certificate of the federation's authority: `tls_env()` names the hub operators'
for the environment (`jobdating.bus.connection`)."""

from __future__ import annotations

import os
import signal
import ssl
from collections.abc import Sequence
from pathlib import Path

from jobdating.bus.connection import TLS_CA, TLS_CERT, TLS_KEY, tls_context
from jobdating.bus.server import NatsServer, free_port
from jobdating.ops import federation, federation_leaf, federation_plan, federation_tls
from jobdating.ops.federation import HubNode
from jobdating.ops.federation_provision import connect, provision_all
from jobdating.ops.nats_users import OPS_USER


class ConfiguredServer(NatsServer):
    """A nats-server run with a config written elsewhere (a hub server, a partner leaf)."""

    def __init__(self, data_dir: Path, port: int, text: str) -> None:
        super().__init__(data_dir, port)
        self.text = text

    def config(self) -> str:
        return self.text


class Federation:
    """Three hub servers and one leaf per partner, in `root`, on free loopback ports; `stop()` ends them."""

    def __init__(self, root: Path, partners: Sequence[str], *, keep_events_local: bool = True) -> None:
        self.root = root
        self.keep_events_local = keep_events_local
        hub = [
            HubNode(
                name=f"hub-{i}",
                client_port=free_port(),
                cluster_port=free_port(),
                leaf_port=free_port(),
                store_dir=str(root / f"hub-{i}" / "jetstream"),
                # The servers read their certificates where `partner add` writes them.
                tls_dir=str(root / "hub" / federation_tls.TLS_DIR / f"hub-{i}"),
            )
            for i in range(federation.HUB_REPLICAS)
        ]
        plan = federation_plan.new_plan(hub)
        for org in partners:
            plan = federation_plan.with_partner(
                plan,
                org,
                host="127.0.0.1",
                client_port=free_port(),
                store_dir=str(root / org / "jetstream"),
                tls_dir=str(federation_plan.partner_tls_path(root, org)),
                # Every server shares this machine's loopback: no monitoring port to collide on.
                monitor_port=None,
            )
        self.plan = plan
        federation_plan.save(root, plan)
        self.hub = [
            ConfiguredServer(
                root / n.name, n.client_port, federation_plan.hub_config_path(root, n).read_text()
            )
            for n in plan.hub
        ]
        self.partners = {
            org: ConfiguredServer(root / org, leaf.client_port, self._leaf_conf(org))
            for org, leaf in plan.partners.items()
        }

    @property
    def hub_url(self) -> str:
        """Every hub server, as the operators' user: a client fails over to the others."""
        return self.hub_url_as(OPS_USER, self.plan.ops_password)

    def hub_url_as(self, user: str, password: str) -> str:
        return ",".join(s.url.replace("//", f"//{user}:{password}@") for s in self.hub)

    def leaf_url(self, org: str) -> str:
        """The hub as a partner's leaf credentials reach it (a client using them is held to the same)."""
        return self.hub_url_as(federation_leaf.leaf_user(org), self.plan.partners[org].leaf_password)

    def partner_url(self, org: str, user: str = OPS_USER) -> str:
        """The partner's server as one of its users (its operators' by default)."""
        password = self.plan.partners[org].passwords[user]
        return self.partners[org].url.replace("//", f"//{user}:{password}@")

    def tls_files(self, org: str | None = None, user: str = OPS_USER) -> federation_tls.TlsFiles:
        """A user's client certificate: a partner server's user, or (`org` None) the hub's operators'."""
        return federation_tls.TlsFiles.under(federation_plan.client_tls_path(self.root, org, user))

    def tls(self, org: str | None = None, user: str = OPS_USER) -> ssl.SSLContext:
        files = self.tls_files(org, user)
        return tls_context(files.ca, files.cert, files.key)

    def tls_env(self) -> dict[str, str]:
        """The environment naming the hub operators' certificate, which every server of the federation
        takes (the user signs in by password)."""
        files = self.tls_files()
        return {TLS_CA: files.ca, TLS_CERT: files.cert, TLS_KEY: files.key}

    def start(self) -> Federation:
        try:
            for server in [*self.hub, *self.partners.values()]:
                server.start()
        except BaseException:
            self.stop()
            raise
        return self

    async def __aenter__(self) -> Federation:
        """Started, and provisioned as `jobdating partner add` does; stopped when the block ends."""
        self.start()
        try:
            await self.provision()
        except BaseException:
            self.stop()
            raise
        return self

    async def __aexit__(self, *exc: object) -> None:
        self.stop()

    def stop(self) -> None:
        for server in [*self.partners.values(), *self.hub]:
            server.stop()

    async def provision(self) -> None:
        """As `jobdating partner add` does: the hub's stream, then each partner's through the hub."""
        nc = await connect(self.hub_url, self.tls())
        try:
            await provision_all(nc, self.plan)
        finally:
            await nc.close()

    def kill_hub_server(self, index: int) -> None:
        """Kill -9 one hub server, as a crash would."""
        self.hub[index].kill()

    def restart_hub_server(self, index: int) -> None:
        """Start a killed or stopped hub server again on its port, with its JetStream folder."""
        self.hub[index].start()

    def reload_hub(self) -> None:
        """Every hub server rereads its config as `jobdating partner add` left it (SIGHUP: nats-server's
        reload), its clients and leaves staying connected."""
        for node, server in zip(self.plan.hub, self.hub, strict=True):
            server.text = federation_plan.hub_config_path(self.root, node).read_text()
            (server.data_dir / "nats.conf").write_text(server.text)
            assert server.process is not None
            os.kill(server.process.pid, signal.SIGHUP)

    def cut_off(self, org: str) -> None:
        """Restart the partner's server without its leaf connection: it runs on its own."""
        self._restart_partner(org, federation_plan.partner_config(self.plan, org, connected=False))

    def reconnect(self, org: str) -> None:
        """Restart the partner's server as a leaf of the hub again."""
        self._restart_partner(org, self._leaf_conf(org))

    def _leaf_conf(self, org: str) -> str:
        if self.keep_events_local:
            return federation_plan.partner_config_path(self.root, org).read_text()
        # A misconfigured or hostile partner: its server lets its events out to the hub.
        return federation.partner_conf(self.plan.partners[org], self.plan.hub, keep_events_local=False)

    def _restart_partner(self, org: str, text: str) -> None:
        server = self.partners[org]
        server.stop()
        server.text = text
        server.start()
