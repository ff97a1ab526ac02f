"""`jobdating compose-init --federation`: what docker-compose.federation.yml reads besides `.env`'s usual
settings. The federation's folder (`federation_plan`) for the hub and the demo's two partners on their own
servers, and in `.env` every NATS user's password of the plan, named as docker-compose.yml names them
(`NATS_<USER>_PASSWORD`; a partner's operators: `NATS_OPS_<ORG>_PASSWORD`), so the compose file builds
each instance's URL. The plan stays the one source of the passwords: the servers' configs hold them too.

The client certificates of the instances are handed to the containers' user (uid SERVICE_UID, see
deploy/docker/*.Dockerfile): their keys stay 0600, readable by that user alone.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from jobdating.ops import compose, federation_plan
from jobdating.ops.federation_plan import FederationPlan
from jobdating.ops.nats_users import OPS_USER, password_variable

# The demo's partners running their own server, PostgreSQL and instances in docker-compose.federation.yml.
COMPOSE_PARTNERS = ("mission-locale", "plie-lille-sud")
FEDERATION_COMPOSE_FILES = "docker-compose.federation.yml:docker-compose.direct.yml"
# The user the service images run as (deploy/docker/*.Dockerfile: `useradd --uid 10001`).
SERVICE_UID = 10001


def partner_ops_variable(org: str) -> str:
    """A partner's operators' password in `.env` (every partner server has its own `ops`)."""
    return password_variable(f"{OPS_USER}-{org}")


def settings(plan: FederationPlan) -> dict[str, str]:
    """The `.env` settings of the plan's passwords."""
    found = {password_variable(OPS_USER): plan.ops_password}
    found |= {password_variable(user): password for user, password in plan.hub_passwords.items()}
    for org, leaf in plan.partners.items():
        for user, password in leaf.passwords.items():
            found[partner_ops_variable(org) if user == OPS_USER else password_variable(user)] = password
    return found


def instance_certificates(folder: Path, plan: FederationPlan) -> list[Path]:
    """The client certificate folders the instances' containers mount (not the operators')."""
    hub = [federation_plan.client_tls_path(folder, None, user) for user in plan.hub_passwords]
    partners = [
        federation_plan.client_tls_path(folder, org, user)
        for org, leaf in plan.partners.items()
        for user in leaf.passwords
        if user != OPS_USER
    ]
    return hub + partners


def hand_to_containers(paths: Sequence[Path], uid: int = SERVICE_UID) -> None:
    """Each folder and its files owned by the containers' user (modes kept: the key 0600)."""
    for path in paths:
        for item in [path, *path.iterdir()]:
            if item.stat().st_uid != uid:
                os.chown(item, uid, uid)


def init(
    env: Path,
    folder: Path,
    partners: Sequence[str] = COMPOSE_PARTNERS,
    now: datetime | None = None,
    demo: bool = False,
) -> list[str]:
    """The federation's folder with `partners` (kept when there), the instances' certificates handed to
    the containers' user, the passwords in `env` (with `demo`, COMPOSE_FILE naming the federated files);
    returns what was written."""
    plan = federation_plan.load(folder)
    for org in partners:
        plan = federation_plan.with_partner(plan, org)
    written = [str(p) for p in federation_plan.save(folder, plan, now)]
    try:
        hand_to_containers(instance_certificates(folder, plan))
    except PermissionError as exc:
        raise PermissionError(
            f"les certificats des services doivent appartenir à l'utilisateur {SERVICE_UID} des conteneurs "
            f"(lancez en root, ou `chown -R {SERVICE_UID}` les dossiers clients) : {exc}"
        ) from exc
    wanted = settings(plan)
    if demo:
        wanted["COMPOSE_FILE"] = FEDERATION_COMPOSE_FILES
    present = compose.read_env(env)
    changed = {key: value for key, value in wanted.items() if present.get(key) != value}
    if changed:
        env.write_text(compose.with_settings(env.read_text(), changed))
        written.append(f"{env} ({len(changed)} réglages de la fédération)")
    return written


def hub_ops_url(plan: FederationPlan, port: str, host: str = "127.0.0.1") -> str:
    """The hub as its operators reach it from this machine (the port docker-compose.federation.yml
    publishes for the first hub server)."""
    return f"nats://{OPS_USER}:{plan.ops_password}@{host}:{port}"
