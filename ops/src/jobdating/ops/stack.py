"""The embedded stack behind `jobdating up`: nats-server with JetStream, then each service as a child
process with its SQLite store, all in one data folder; a second `up` resumes with the same data. Which
services run and the environment each child starts with are `stack_children`.

NATS has the production shape: one user per service instance with compose's permissions (anonymous
clients are refused), each service given its credentials in its NATS URL.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import httpx

from jobdating.bus.provision import provision_url
from jobdating.bus.server import NatsServer, NatsServerError, free_port, port_is_free
from jobdating.ops import tokens
from jobdating.ops.embedded_nats import embedded_authorization, url_as
from jobdating.ops.nats_users import OPS_USER, Instance
from jobdating.ops.stack_children import (
    CONSOLE,
    SERVICES,
    WALL_CLOCK,
    ServiceSpec,
    clock_env,
    notifications_env,
    service_env,
)
from jobdating.ops.stack_console import SECRET_FILE, console_files
from jobdating.ops.stack_folder import StackError, StackFolder
from jobdating.ops.stack_wording import write_customization
from jobdating.ops.tokens import token_table
from jobdating.runtime.clock import Clock, ScaledClock, SystemClock
from jobdating.runtime.processes import stop_process

__all__ = ["CONSOLE", "SERVICES", "ServiceSpec", "Stack", "StackError", "clock_env", "free_base_port"]

SMTP_OFFSET = 25  # the embedded mail server listens on base_port + 25


class Stack(StackFolder):
    """Starts and stops the whole embedded system; every child gets its settings through the environment."""

    def __init__(
        self,
        data_dir: Path,
        nats_port: int,
        base_port: int,
        org: str = "departement-nord",
        services: Sequence[str] = SERVICES,
        console: bool = True,
    ):
        super().__init__(data_dir)
        self.nats = NatsServer(self.data_dir / "nats", port=nats_port)
        self.services = [
            ServiceSpec(name=name, port=base_port + SERVICES.index(name) + 1, org=org) for name in services
        ]
        # After the services' ports (base+1 ... base+5), with identity to sign in on.
        self.console = (
            ServiceSpec(name=CONSOLE, port=base_port + len(SERVICES) + 1, org=org)
            if console and "identity" in services
            else None
        )
        self.extra_env: dict[str, dict[str, str]] = {}
        self.identity_settings: dict[str, str] = {}  # after JOBDATING_IDENTITY_, kept across restarts
        self.smtp_port = base_port + SMTP_OFFSET
        self.mail: subprocess.Popen[bytes] | None = None
        self.clock: Clock = SystemClock()
        self.clock_env: dict[str, str] = {}
        self.children: dict[str, subprocess.Popen[bytes]] = {}

    def use_clock(self, clock: ScaledClock) -> None:
        """Every service started from now on reads `clock` (the demo day's sped-up one, or a rehearsal's
        set to another date): they all get the same start and origin, so they agree on "now"."""
        self.clock = clock
        self.clock_env = clock_env(clock)

    def url(self, service: str) -> str:
        spec = next(s for s in self._all if s.name == service)
        return f"http://127.0.0.1:{spec.port}"

    def nats_url(self, user: str = OPS_USER) -> str:
        """The NATS URL of a user of this stack (the operators' by default), credentials included."""
        kept = json.loads(self.nats_users_file.read_text()) if self.nats_users_file.exists() else {}
        if user not in kept:
            raise StackError(f"pas d'utilisateur NATS {user} dans {self.nats_users_file}")
        return url_as(self.nats.url, user, kept[user])

    def prepare(self, orgs: dict[str, list[str]], people: Iterable[tuple[str, str, str]] = ()) -> None:
        """Check the folder and ports, take the lock, write tokens once (kept across restarts)."""
        self.claim()
        ports = [(self.nats.port, "NATS")] + [(s.port, s.name) for s in self._all]
        if self._with_mail:
            ports.append((self.smtp_port, "SMTP"))
        for port, what in ports:
            if not port_is_free(port):
                self.release()
                raise StackError(
                    f"le port {port} ({what}) est déjà pris : arrêtez ce qui l'utilise ou choisissez "
                    "d'autres ports (--nats-port, --base-port)"
                )
        self._write_tokens(orgs, people)
        self.write_sms_provider_secret()
        if self.console is not None:
            console_files(self.data_dir, self.tokens())
        notifying = [s.org for s in self.services if s.name == "notifications"]
        if notifying:
            write_customization(self.data_dir, notifying)
        instances = [Instance(s.name, s.org) for s in self.services]
        self.nats.authorization = embedded_authorization(self.data_dir, instances)

    def _write_tokens(self, orgs: dict[str, list[str]], people: Iterable[tuple[str, str, str]]) -> None:
        """Draw the tokens once: clear in the operator's file, hashed in the services' (kept across
        restarts). A folder from before hashing (clear tokens in `tokens_file`) is converted, its tokens
        kept."""
        if not self.tokens_file.exists():
            drawn = token_table(orgs, people)
            tokens.write(self.operator_tokens_file, drawn)
            tokens.write(self.tokens_file, tokens.hashed(drawn))
            return
        tokens.hash_file(self.tokens_file, self.operator_tokens_file)

    def start(self, provision_timeout: float = 20.0) -> None:
        """Start NATS, provision, start every service and wait until each answers /health."""
        import asyncio

        try:
            self.nats.start()
        except NatsServerError as exc:
            raise StackError(str(exc)) from exc
        deadline = time.monotonic() + provision_timeout
        while True:
            try:
                asyncio.run(provision_url(self.nats_url()))
                break
            except Exception as exc:
                if time.monotonic() > deadline:
                    raise StackError(f"impossible de préparer JetStream : {exc}") from exc
                time.sleep(0.2)
        logs = self.data_dir / "logs"
        logs.mkdir(exist_ok=True)
        if self._with_mail:
            self._start_mail(logs)
        for spec in self._all:
            self.children[spec.name] = self._spawn(spec, logs)
        for spec in self._all:
            self.wait_healthy(spec)

    @property
    def _all(self) -> list[ServiceSpec]:
        return self.services + ([self.console] if self.console is not None else [])

    @property
    def console_secret_file(self) -> Path:
        """The key that signs candidates' personal links, kept across restarts (links stay valid)."""
        return self.data_dir / SECRET_FILE

    @property
    def _with_mail(self) -> bool:
        # Notifications sends convocations, identity invitations: both through the embedded mail server.
        return any(s.name in ("notifications", "identity") for s in self.services)

    @property
    def with_identity(self) -> bool:
        return any(s.name == "identity" for s in self.services)

    def _start_mail(self, logs: Path) -> None:
        """The local SMTP server writing a Maildir the operator can read (what a mail relay would be)."""
        exe = Path(sys.executable).parent / "jobdating-notifications"
        # `prepare` checked the port, but another program may have taken it since: a listener there would
        # pass for ours while ours died on "address already in use", and no mail would ever arrive.
        if not port_is_free(self.smtp_port):
            raise StackError(f"le port {self.smtp_port} (SMTP) vient d'être pris : choisissez d'autres ports")
        out = open(logs / "mail.log", "ab")  # noqa: SIM115 - lives as long as the child
        self.mail = subprocess.Popen(  # noqa: S603
            [str(exe), "smtp-sink"],
            env={**os.environ, **notifications_env(self)},
            stdout=out,
            stderr=out,
            start_new_session=True,
        )
        deadline = time.monotonic() + 20
        while not _listening(self.smtp_port):
            if self.mail.poll() is not None or time.monotonic() > deadline:
                raise StackError(f"le serveur de courrier local ne démarre pas ; voir {logs / 'mail.log'}")
            time.sleep(0.05)
        time.sleep(0.2)
        if self.mail.poll() is not None:
            raise StackError(f"le serveur de courrier local s'est arrêté ; voir {logs / 'mail.log'}")

    def _spawn(self, spec: ServiceSpec, logs: Path) -> subprocess.Popen[bytes]:
        env = service_env(self, spec)
        exe = Path(sys.executable).parent / f"jobdating-{spec.name}"
        out = open(logs / f"{spec.name}.log", "ab")  # noqa: SIM115 - lives as long as the child
        return subprocess.Popen(  # noqa: S603
            [str(exe), "serve"], env=env, stdout=out, stderr=out, start_new_session=True
        )

    def restart(self, name: str, env: dict[str, str] | None = None, wait: bool = True) -> None:
        """(Re)start one service, with extra environment (e.g. failpoints) for this run only."""
        spec = next(s for s in self._all if s.name == name)
        self.extra_env[name] = env or {}
        self.children[name] = self._spawn(spec, self.data_dir / "logs")
        if wait:
            self.wait_healthy(spec)

    def move_clock(self, clock: ScaledClock) -> None:
        """Every service reading the stack's clock stopped (SIGTERM: each flushes its relay first) and
        started again reading `clock`: a demo prepared weeks before its day moves on to the day."""
        self.use_clock(clock)
        moved = [s for s in self._all if s.name not in WALL_CLOCK]
        for spec in moved:
            self.children[spec.name].send_signal(signal.SIGTERM)
        for spec in moved:
            try:
                self.children[spec.name].wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill(spec.name)
        for spec in moved:
            self.children[spec.name] = self._spawn(spec, self.data_dir / "logs")
        for spec in moved:
            self.wait_healthy(spec)

    def wait_healthy(self, spec: ServiceSpec, timeout: float = 30.0) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        child = self.children[spec.name]
        while time.monotonic() < deadline:
            if child.poll() is not None:
                raise StackError(
                    f"le service {spec.name} s'est arrêté (code {child.returncode}) ; "
                    f"voir {self.data_dir / 'logs' / (spec.name + '.log')}"
                )
            try:
                response = httpx.get(f"http://127.0.0.1:{spec.port}/health", timeout=1)
                if response.status_code == 200:
                    return dict(response.json())
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise StackError(
            f"le service {spec.name} ne répond pas sur le port {spec.port} après {timeout:.0f} s"
        )

    def exited(self, name: str) -> int | None:
        """The exit code of a service that ended (-9 after a failpoint), or None while it runs."""
        return self.children[name].poll()

    def supervise_once(self) -> list[str]:
        """Restart any service that died on its own; returns their names."""
        restarted = []
        for spec in self._all:
            child = self.children.get(spec.name)
            if child is not None and child.poll() is not None:
                self.restart(spec.name)
                restarted.append(spec.name)
        return restarted

    def kill(self, name: str) -> None:
        """kill -9 one service (the crash proofs)."""
        child = self.children[name]
        child.send_signal(signal.SIGKILL)
        child.wait()

    def stop(self) -> None:
        """Stop services first (they flush their relay), then NATS; release the lock."""
        for child in self.children.values():
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
        for child in self.children.values():
            try:
                child.wait(timeout=15)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
        self.children.clear()
        stop_process(self.mail)
        self.nats.stop()
        self.release()


def free_base_port() -> int:
    """A base port whose service ports (base+1, base+2, ...) and SMTP port are all free now, so that
    stacks started side by side (tests) do not collide."""
    return free_port(span=SMTP_OFFSET + 1)


def _listening(port: int) -> bool:
    import socket

    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return True
    except OSError:
        return False
