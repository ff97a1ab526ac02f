"""The federation's folder: who is in it (`federation.json`, mode 0600: it holds the passwords), every
server's config generated from it (`hub/<server>.conf`, `partners/<org>/nats.conf`) and the TLS material
of the federation's authority (see `federation_tls`): `tls/` (the authority; `tls/ops/`, the hub
operators' client certificate), `hub/tls/<server>/`, `partners/<org>/tls/` (the partner's server) and
`partners/<org>/clients/<user>/` (its users'). Written by `jobdating partner add`; nothing in it is edited
by hand."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import msgspec

from jobdating.ops import federation, federation_tls
from jobdating.ops.federation import HubNode, PartnerLeaf
from jobdating.ops.files import replace_file
from jobdating.ops.nats_users import OPS_USER
from jobdating.testing.demo_data import COORDINATOR_ORG

PLAN_FILE = "federation.json"
# Where `jobdating partner add` keeps it by default, from the project's folder (compose-init makes its
# authority there).
DEFAULT_FOLDER = Path("deploy/federation")
# Where a server keeps its stream in the deployed images (a volume), and its usual ports.
STORE_DIR = "/data"
CLIENT_PORT, CLUSTER_PORT, LEAF_PORT, MONITOR_PORT = 4222, 6222, 7422, 8222
# The names besides its host a hub server's certificate carries: the operators' tools on the hub's own
# machine reach it through a published port on loopback (docker-compose.federation.yml).
HUB_LOCAL_NAMES = ("localhost", "127.0.0.1")


class FederationPlan(msgspec.Struct, kw_only=True):
    """The hub's servers, the organisations publishing into the hub itself, the passwords of the hub's
    users (its operators' `ops`, and one per hub instance, see `federation.hub_users`) and the partner
    leaves."""

    hub: list[HubNode]
    hub_orgs: list[str]
    ops_password: str
    partners: dict[str, PartnerLeaf] = {}
    hub_passwords: dict[str, str] = {}


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
            monitor_port=MONITOR_PORT,
        )
        for i in range(federation.HUB_REPLICAS)
    ]


def new_plan(
    hub: Sequence[HubNode] | None = None, hub_orgs: Sequence[str] = (COORDINATOR_ORG,)
) -> FederationPlan:
    plan = FederationPlan(
        hub=list(hub or default_hub()), hub_orgs=list(hub_orgs), ops_password=new_password()
    )
    return with_hub_users(plan)


def with_hub_users(plan: FederationPlan) -> FederationPlan:
    """The plan with a password for each hub user lacking one (a plan written before the hub's instances
    had users of their own); `ops` keeps `ops_password`."""
    names = [u.name for u in federation.hub_users(plan.hub_orgs) if u.name != OPS_USER]
    passwords = {name: plan.hub_passwords.get(name) or new_password() for name in names}
    if passwords == plan.hub_passwords:
        return plan
    return msgspec.structs.replace(plan, hub_passwords=passwords)


def hub_password(plan: FederationPlan, user: str) -> str:
    return plan.ops_password if user == OPS_USER else plan.hub_passwords[user]


def new_password() -> str:
    # A letter first: nats-server reads a value starting with `-` or a digit as a number.
    return "p" + secrets.token_urlsafe(24)


def load(folder: Path) -> FederationPlan:
    """The folder's plan, or a new one (default hub) when there is none yet."""
    path = folder / PLAN_FILE
    if not path.exists():
        return new_plan()
    plan = with_hub_users(msgspec.json.decode(path.read_bytes(), type=FederationPlan))
    # A plan written before partners' servers had users and certificates: each partner gains them.
    for org in list(plan.partners):
        plan = with_partner(plan, org)
    return plan


def default_tls_names(org: str) -> list[str]:
    """The names a partner's clients reach its server by: its compose service, and loopback."""
    return [f"nats-{org}", "localhost", "127.0.0.1", "::1"]


def with_partner(
    plan: FederationPlan,
    org: str,
    *,
    host: str = "0.0.0.0",  # noqa: S104 - a partner server serves its own instances
    client_port: int = CLIENT_PORT,
    store_dir: str = STORE_DIR,
    tls_dir: str = federation.TLS_MOUNT,
    tls_names: Sequence[str] = (),
    monitor_port: int | None = MONITOR_PORT,
) -> FederationPlan:
    """The plan with `org` as a partner leaf; an organisation already there keeps its passwords and gains
    the users and certificate names it lacks (a plan written before its server had users)."""
    federation.check_org(org)
    if org in plan.hub_orgs:
        raise ValueError(f"{org} publie déjà dans le hub : ce n'est pas un partenaire sur son propre serveur")
    leaf = plan.partners.get(org) or PartnerLeaf(
        org=org,
        host=host,
        client_port=client_port,
        store_dir=store_dir,
        tls_dir=tls_dir,
        monitor_port=monitor_port,
        leaf_password=new_password(),
    )
    names = list(dict.fromkeys([*(leaf.tls_names or default_tls_names(org)), *tls_names]))
    passwords = {u.name: leaf.passwords.get(u.name) or new_password() for u in federation.partner_users(org)}
    if (names, passwords) == (leaf.tls_names, leaf.passwords):
        return plan
    leaf = msgspec.structs.replace(leaf, tls_names=names, passwords=passwords)
    return msgspec.structs.replace(plan, partners={**plan.partners, org: leaf})


def hub_config(plan: FederationPlan, node: HubNode) -> str:
    leaves = [(leaf.org, leaf.leaf_password) for leaf in plan.partners.values()]
    passwords = {OPS_USER: plan.ops_password, **plan.hub_passwords}
    return federation.hub_conf(node, plan.hub, leaves, passwords, plan.hub_orgs)


def partner_config(plan: FederationPlan, org: str, *, connected: bool = True) -> str:
    return federation.partner_conf(plan.partners[org], plan.hub if connected else [])


def hub_config_path(folder: Path, node: HubNode) -> Path:
    return folder / "hub" / f"{node.name}.conf"


def partner_config_path(folder: Path, org: str) -> Path:
    return folder / "partners" / org / "nats.conf"


def hub_tls_path(folder: Path, node: HubNode) -> Path:
    return folder / "hub" / federation_tls.TLS_DIR / node.name


def partner_tls_path(folder: Path, org: str) -> Path:
    return folder / "partners" / org / federation_tls.TLS_DIR


def client_tls_path(folder: Path, org: str | None, user: str) -> Path:
    """A user's client certificate: a partner server's user, or (`org` None) the hub's operators'."""
    if org is None:
        return folder / federation_tls.TLS_DIR / user
    return folder / "partners" / org / "clients" / user


def save(folder: Path, plan: FederationPlan, now: datetime | None = None) -> list[Path]:
    """Write the plan and every server's config (all mode 0600: they hold passwords), and the TLS
    certificates missing or near their end; returns the paths written."""
    files = {folder / PLAN_FILE: msgspec.json.format(msgspec.json.encode(plan).decode()) + "\n"}
    files |= {hub_config_path(folder, n): hub_config(plan, n) for n in plan.hub}
    files |= {partner_config_path(folder, org): partner_config(plan, org) for org in plan.partners}
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        replace_file(path, text)
    return list(files) + [Path(p) for p in certificates(folder, plan, now or datetime.now(UTC))]


def certificates(folder: Path, plan: FederationPlan, now: datetime) -> list[str]:
    """The authority, each server's certificate (for the names its peers and clients reach it by) and
    each user's client certificate, those missing or near their end; returns the paths written."""
    written: list[str] = []
    signer = federation_tls.authority(folder, now, written)

    def issue(path: Path, names: Sequence[str], node: bool) -> None:
        usage = federation_tls.NODE_USAGE if node else federation_tls.CLIENT_USAGE
        written.extend(federation_tls.issue(path, names, signer, now, usage))

    for node in plan.hub:
        issue(hub_tls_path(folder, node), [node.host, *HUB_LOCAL_NAMES], node=True)
    for user in [OPS_USER, *plan.hub_passwords]:
        issue(client_tls_path(folder, None, user), [user], node=False)
    for org, leaf in plan.partners.items():
        issue(partner_tls_path(folder, org), leaf.tls_names, node=True)
        for user in leaf.passwords:
            issue(client_tls_path(folder, org, user), [user], node=False)
    return written


def elsewhere(plan: FederationPlan) -> list[str]:
    """Every organisation publishing somewhere in the federation."""
    return [*plan.hub_orgs, *plan.partners]
