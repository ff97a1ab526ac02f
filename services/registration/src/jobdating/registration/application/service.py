"""What the application layer works with: store, keys, read models, file reader and the one write path,
wired by bootstrap."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

import structlog

from jobdating.contracts.envelope import RecordedEvent
from jobdating.contracts.sealed import Sealed
from jobdating.eventstore.base import EventStore, Transaction
from jobdating.registration.application.ports import Keys, Project, ProjectBatch, ReadTable
from jobdating.runtime.clock import Clock
from jobdating.runtime.commands import CommandBus

SERVICE = "registration"


class RegistrationService:
    """One registration instance: its org, its store, keys and read models, and hooks for metrics and logs;
    its day is the command bus's clock read in `zone` (where its people live)."""

    def __init__(
        self,
        *,
        org: str,
        store: EventStore,
        keyring: Keys,
        project: Project,
        project_batch: ProjectBatch | None = None,
        read_table: ReadTable,
        bus: CommandBus,
        log: Any = None,
        on_command: Callable[[str, str], None] | None = None,
        zone: str = "Europe/Paris",
    ) -> None:
        self.org = org
        self.store = store
        self.keyring = keyring
        self.project = project
        self.project_batch: ProjectBatch = project_batch or self._one_by_one
        self.read_table = read_table
        self.bus = bus
        self.log = log if log is not None else structlog.get_logger().bind(service=SERVICE, org=org)
        self.on_command = on_command
        self.zone = ZoneInfo(zone)

    def _one_by_one(
        self,
        tx: Transaction,
        recorded: Sequence[RecordedEvent],
        just_sealed: Sequence[Mapping[Sealed, bytes]],
        /,
    ) -> None:
        for event, sealed in zip(recorded, just_sealed, strict=True):
            self.project(tx, event, sealed)

    @property
    def clock(self) -> Clock:
        return self.bus.clock

    def today(self) -> date:
        """The service's day (the demo's sped-up clock included)."""
        return self.clock.now().astimezone(self.zone).date()

    def counted(self, command: str, outcome: str) -> None:
        """Report one handled command (`outcome`: accepted, unchanged or the kind of refusal)."""
        if self.on_command is not None:
            self.on_command(command, outcome)
