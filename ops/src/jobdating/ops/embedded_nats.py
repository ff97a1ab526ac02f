"""The NATS users of `jobdating up`'s data folder: the same users and permissions as docker-compose.yml
(jobdating.ops.nats_users), with passwords drawn once and kept in the folder (`nats-users.json`, readable by
its owner only) so that a resumed stack and the ops commands (report, audit, replay, tally, provision) on the
folder connect as before; the operators' commands use the `ops` user.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

from jobdating.ops.compose import new_password
from jobdating.ops.nats_users import OPS_USER, Instance, authorization, users

USERS_FILE = "nats-users.json"
_LISTEN = re.compile(r"^\s*listen:\s*(\S+):(\d+)\s*$", re.MULTILINE)


class NoEmbeddedNats(RuntimeError):
    """The folder holds no NATS config of `jobdating up` (no stack ever ran there)."""


def passwords(data_dir: Path, names: Sequence[str]) -> dict[str, str]:
    """Each user's password: the one kept in the folder, or a new one (then written)."""
    path = data_dir / USERS_FILE
    kept: dict[str, str] = json.loads(path.read_text()) if path.exists() else {}
    missing = [name for name in names if name not in kept]
    if missing:
        kept.update({name: new_password() for name in missing})
        path.write_text(json.dumps(kept, indent=2) + "\n")
        path.chmod(0o600)
    return kept


def embedded_authorization(data_dir: Path, instances: Sequence[Instance]) -> str:
    """The `authorization` block of the folder's nats-server: compose's users for these instances."""
    all_users = users(instances)
    kept = passwords(data_dir, [u.name for u in all_users])
    return authorization(all_users, lambda name: json.dumps(kept[name]))


def ops_authorization(data_dir: Path) -> str:
    """The operators' user alone: for a server started on the folder's JetStream just for a report."""
    ops = users([])[0]
    kept = passwords(data_dir, [OPS_USER])
    return authorization([ops], lambda name: json.dumps(kept[name]))


def url_as(url: str, user: str, password: str) -> str:
    """`url` with the user's credentials (as docker-compose.yml writes the services' NATS URLs)."""
    parts = urlsplit(url)
    netloc = f"{quote(user, safe='')}:{quote(password, safe='')}@{parts.hostname}:{parts.port}"
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


def ops_url(data_dir: Path, url: str) -> str:
    """`url` as the operators' user of the folder; unchanged for a folder without users (an anonymous
    server started before users existed)."""
    path = data_dir / USERS_FILE
    if not path.exists():
        return url
    kept: dict[str, str] = json.loads(path.read_text())
    return url_as(url, OPS_USER, kept[OPS_USER]) if OPS_USER in kept else url


def address_of(data_dir: Path) -> str:
    """The NATS address written in the config `jobdating up` leaves in the folder (no credentials)."""
    conf = data_dir / "nats" / "nats.conf"
    try:
        found = _LISTEN.search(conf.read_text())
    except OSError as exc:
        raise NoEmbeddedNats(
            f"pas de configuration NATS dans {conf} : aucun `jobdating up` sur ce dossier"
        ) from exc
    if found is None:
        raise NoEmbeddedNats(f"adresse d'écoute introuvable dans {conf}")
    return f"nats://{found.group(1)}:{found.group(2)}"


def ops_url_of(data_dir: Path) -> str:
    """The folder's NATS as the operators' user."""
    return ops_url(data_dir, address_of(data_dir))
