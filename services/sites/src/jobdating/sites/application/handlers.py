"""The one write path of the sites service: load a stream, decide, append, project, in one transaction.

Each handler returns the events it stored; an empty list means the command changed nothing. A refused
command raises a `SiteRefusal` and stores nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar

import msgspec

from jobdating.contracts.envelope import Event, decode_envelope
from jobdating.contracts.sites import ComputerAdded
from jobdating.eventstore.base import StoredEvent, Transaction
from jobdating.runtime.commands import Aggregate, CommandBus, Extra, Meta
from jobdating.sites.domain import commands as cmd
from jobdating.sites.domain import decide
from jobdating.sites.domain.errors import AlreadyExists
from jobdating.sites.domain.evolve import evolve_computer, evolve_site
from jobdating.sites.domain.permissions import Actor
from jobdating.sites.domain.state import ComputerState, SiteState

S = TypeVar("S")
SITES: Aggregate[SiteState] = Aggregate(SiteState, evolve_site)
COMPUTERS: Aggregate[ComputerState] = Aggregate(ComputerState, evolve_computer)

Project = Callable[[Transaction, Sequence[StoredEvent]], None]
"""Brings the read model up to date with events appended in the same transaction."""
LabelsInUse = Callable[[Transaction, str], list[str]]
"""Labels of the computers a site holds, read in the command's transaction."""


class SiteHandlers:
    """Runs the sites service's commands through the command bus."""

    def __init__(
        self, bus: CommandBus, project: Project, labels_in_use: LabelsInUse, log: Any = None
    ) -> None:
        self.bus = bus
        self.project = project
        self.labels_in_use = labels_in_use
        self.log = log

    def open_site(self, command: cmd.OpenSite, actor: Actor, meta: Meta) -> list[StoredEvent]:
        return self._site(command.site_id, lambda s: decide.open_site(command, s, actor), meta)

    def change_site_details(
        self, command: cmd.ChangeSiteDetails, actor: Actor, meta: Meta
    ) -> list[StoredEvent]:
        return self._site(command.site_id, lambda s: decide.change_site_details(command, s, actor), meta)

    def close_site(self, command: cmd.CloseSite, actor: Actor, meta: Meta) -> list[StoredEvent]:
        return self._site(command.site_id, lambda s: decide.close_site(command, s, actor), meta)

    def reopen_site(self, command: cmd.ReopenSite, actor: Actor, meta: Meta) -> list[StoredEvent]:
        return self._site(command.site_id, lambda s: decide.reopen_site(command, s, actor), meta)

    def add_room(self, command: cmd.AddRoom, actor: Actor, meta: Meta) -> list[StoredEvent]:
        return self._site(command.site_id, lambda s: decide.add_room(command, s, actor), meta)

    def add_computer(self, command: cmd.AddComputer, actor: Actor, meta: Meta) -> list[StoredEvent]:
        def check_site_then_project(tx: Transaction, stored: list[StoredEvent]) -> None:
            # After the append the store's append lock is held: no closing or labelling can interleave.
            added = self.bus.registry.decode(decode_envelope(stored[0].body)).data
            assert isinstance(added, ComputerAdded)
            site = SITES.fold(self.bus.load(tx, added.site_id))
            decide.check_site_takes_computer(added, site, self.labels_in_use(tx, added.site_id))
            self.project(tx, stored)

        return self._execute(
            COMPUTERS,
            command.computer_id,
            lambda c: decide.add_computer(command, c, actor),
            meta,
            check_site_then_project,
        )

    def put_out_of_order(
        self, command: cmd.PutComputerOutOfOrder, actor: Actor, meta: Meta
    ) -> list[StoredEvent]:
        return self._computer(command.computer_id, lambda c: decide.put_out_of_order(command, c, actor), meta)

    def put_back_in_service(
        self, command: cmd.PutComputerBackInService, actor: Actor, meta: Meta
    ) -> list[StoredEvent]:
        return self._computer(
            command.computer_id, lambda c: decide.put_back_in_service(command, c, actor), meta
        )

    def remove_computer(self, command: cmd.RemoveComputer, actor: Actor, meta: Meta) -> list[StoredEvent]:
        return self._computer(command.computer_id, lambda c: decide.remove_computer(command, c, actor), meta)

    def _site(
        self, site_id: str, decision: Callable[[SiteState], list[Event]], meta: Meta
    ) -> list[StoredEvent]:
        return self._execute(SITES, site_id, decision, meta, self.project)

    def _computer(
        self, computer_id: str, decision: Callable[[ComputerState], list[Event]], meta: Meta
    ) -> list[StoredEvent]:
        return self._execute(COMPUTERS, computer_id, decision, meta, self.project)

    def _execute(
        self,
        aggregate: Aggregate[S],
        stream_id: str,
        decision: Callable[[S], list[Event]],
        meta: Meta,
        extra: Extra,
    ) -> list[StoredEvent]:
        stored = self.bus.execute(aggregate, stream_id, decision, meta, extra=extra)
        self._log_stored(stream_id, stored)
        return stored

    def _log_stored(self, stream_id: str, stored: list[StoredEvent]) -> None:
        # Ids and types only: a site's contact is professional, but logs carry no contact at all.
        if self.log is not None:
            for row in stored:
                self.log.info(
                    "event_recorded",
                    event_type=row.event_type,
                    stream_id=stream_id,
                    event_id=row.event_id,
                    position=row.position,
                )


class SetUpReport(msgspec.Struct, kw_only=True):
    """What a set-up did: commands that recorded something, and commands whose work was already done."""

    done: int = 0
    already_done: int = 0


def set_up(
    handlers: SiteHandlers, commands: Iterable[cmd.SetUpCommand], actor: Actor, meta: Meta
) -> SetUpReport:
    """Furnish sites before the day (open sites, add rooms and computers), in the order given.

    Ids come with the commands, so a second run finds each site, room and computer already there and
    skips it: a demo loader can run this at every start. Any other refusal stops the set-up.
    """
    report = SetUpReport()
    for command in commands:
        try:
            match command:
                case cmd.OpenSite():
                    handlers.open_site(command, actor, meta)
                case cmd.AddRoom():
                    handlers.add_room(command, actor, meta)
                case cmd.AddComputer():
                    handlers.add_computer(command, actor, meta)
        except AlreadyExists:
            report.already_done += 1
        else:
            report.done += 1
    return report
