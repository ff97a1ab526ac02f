"""The federation's folder: who is in it (`federation.json`, mode 0600: it holds the leaf passwords) and
every server's config generated from it (`hub/<server>.conf`, `partners/<org>/nats.conf`). Written by
`jobdating partner add`; nothing in it is edited by hand."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from pathlib import Path

import msgspec

from jobdating.ops import federation
from jobdating.ops.federation import HubNode, PartnerLeaf
from jobdating.ops.files import replace_file
from jobdating.testing.demo_data import COORDINATOR_ORG

PLAN_FILE = "federation.json"
# Where a server keeps its stream in the deployed images (a volume), and its usual ports.
STORE_DIR = "/data"
CLIENT_PORT, CLUSTER_PORT, LEAF_PORT = 4222, 6222, 7422


class FederationPlan(msgspec.Struct, kw_only=True):
    """The hub's servers, the organisations publishing into the hub itself, and the partner leaves."""

    hub: list[HubNode]
    hub_orgs: list[str]
    ops_password: str
    partners: dict[str, PartnerLeaf] = {}


def default_hub() -> list[HubNode]:
    """Three servers named as the compose services would be, on NATS's usual ports."""
    return [
        HubNode(
            name=f"nats-hub-{i}",
            host=f"nats-hub-{i}",
            client_port=CLIENT_PORT,
            cluster_port=CLUSTER_PORT,
            leaf_port=LEAF_PORT,
            store_dir=STORE_DIR,
        )
        for i in range(federation.HUB_REPLICAS)
    ]


def new_plan(
    hub: Sequence[HubNode] | None = None, hub_orgs: Sequence[str] = (COORDINATOR_ORG,)
) -> FederationPlan:
    return FederationPlan(
        hub=list(hub or default_hub()), hub_orgs=list(hub_orgs), ops_password=new_password()
    )


def new_password() -> str:
    # A letter first: nats-server reads a value starting with `-` or a digit as a number.
    return "p" + secrets.token_urlsafe(24)


def load(folder: Path) -> FederationPlan:
    """The folder's plan, or a new one (default hub) when there is none yet."""
    path = folder / PLAN_FILE
    if not path.exists():
        return new_plan()
    return msgspec.json.decode(path.read_bytes(), type=FederationPlan)


def with_partner(
    plan: FederationPlan,
    org: str,
    *,
    host: str = "0.0.0.0",  # noqa: S104 - a partner server serves its own instances
    client_port: int = CLIENT_PORT,
    store_dir: str = STORE_DIR,
) -> FederationPlan:
    """The plan with `org` as a partner leaf; an organisation already there keeps its password."""
    federation.check_org(org)
    if org in plan.hub_orgs:
        raise ValueError(f"{org} publie déjà dans le hub : ce n'est pas un partenaire sur son propre serveur")
    if org in plan.partners:
        return plan
    leaf = PartnerLeaf(
        org=org, host=host, client_port=client_port, store_dir=store_dir, leaf_password=new_password()
    )
    return msgspec.structs.replace(plan, partners={**plan.partners, org: leaf})


def hub_config(plan: FederationPlan, node: HubNode) -> str:
    passwords = [(leaf.org, leaf.leaf_password) for leaf in plan.partners.values()]
    return federation.hub_conf(node, plan.hub, passwords, plan.ops_password)


def partner_config(plan: FederationPlan, org: str, *, connected: bool = True) -> str:
    return federation.partner_conf(plan.partners[org], plan.hub if connected else [])


def hub_config_path(folder: Path, node: HubNode) -> Path:
    return folder / "hub" / f"{node.name}.conf"


def partner_config_path(folder: Path, org: str) -> Path:
    return folder / "partners" / org / "nats.conf"


def save(folder: Path, plan: FederationPlan) -> list[Path]:
    """Write the plan and every server's config (all mode 0600: they hold passwords); returns the paths."""
    files = {folder / PLAN_FILE: msgspec.json.format(msgspec.json.encode(plan).decode()) + "\n"}
    files |= {hub_config_path(folder, n): hub_config(plan, n) for n in plan.hub}
    files |= {partner_config_path(folder, org): partner_config(plan, org) for org in plan.partners}
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        replace_file(path, text)
    return list(files)


def elsewhere(plan: FederationPlan) -> list[str]:
    """Every organisation publishing somewhere in the federation."""
    return [*plan.hub_orgs, *plan.partners]
