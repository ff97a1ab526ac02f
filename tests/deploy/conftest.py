"""The compose NATS configuration (deploy/nats/nats.conf) run by the real nats-server, on free ports, with
every user's password `pw-<user>`: shared by the tests that check what it allows."""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from jobdating.bus.server import free_port, nats_binary
from jobdating.ops.nats_users import password_variable

CONF = Path(__file__).resolve().parents[2] / "deploy" / "nats" / "nats.conf"


def config_users() -> list[str]:
    """Every user the configuration declares."""
    return re.findall(r"user: ([A-Za-z0-9_-]+),", CONF.read_text())


def user_url(port: int, user: str) -> str:
    return f"nats://{user}:pw-{user}@127.0.0.1:{port}"


@contextmanager
def compose_nats(here: Path, users: Iterable[str]) -> Iterator[int]:
    """The configuration's nats-server run in `here` (its JetStream and its log there); yields its port."""
    port = free_port()
    conf = CONF.read_text()
    conf = re.sub(r"(?m)^port: 4222$", f"port: {port}", conf)
    conf = re.sub(r"(?m)^http_port: 8222$", f"http_port: {free_port()}", conf)
    conf = conf.replace("store_dir: /data", f'store_dir: "{here / "js"}"')
    (here / "nats.conf").write_text(conf)
    env = {**os.environ, **{password_variable(u): f"pw-{u}" for u in users}}
    with open(here / "log", "wb") as log:
        process = subprocess.Popen(
            [nats_binary(), "-c", str(here / "nats.conf")], env=env, stdout=log, stderr=log
        )
        try:
            yield port
        finally:
            process.terminate()
            process.wait(10)
