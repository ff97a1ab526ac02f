"""Where the demo goes when the services run in the embedded stack: their addresses, the coordination's
machine token, the stack's Maildir and folders. `jobdating up --demo` and the browser tests load it alike;
`demo_stack` starts a stack with the demo loaded, on a clock that starts at a given local time (tests)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

from jobdating.bus.server import free_port
from jobdating.ops.day.clock import local
from jobdating.ops.demo import PEOPLE, ROLES
from jobdating.ops.demo_accounts import DemoAccount
from jobdating.ops.demo_setup import DemoPlace, load_with_people
from jobdating.ops.stack import Stack, free_base_port
from jobdating.runtime.clock import ScaledClock
from jobdating.testing.demo_data import COORDINATOR_ORG, staff_toml


def demo_place(stack: Stack) -> DemoPlace:
    """The started `stack` as the demo loader reaches it."""
    return DemoPlace(
        identity_url=stack.url("identity"),
        registration_url=stack.url("registration"),
        sites_url=stack.url("sites"),
        scheduling_url=stack.url("scheduling"),
        machine_token=stack.token_for(COORDINATOR_ORG, "coordinator"),
        maildir=stack.maildir,
        folder=stack.data_dir,
        staff_file=stack.staff_file,
    )


@contextmanager
def demo_stack(data_dir: Path, day: date, at: str = "07:30") -> Iterator[tuple[Stack, list[DemoAccount]]]:
    """An embedded stack on `data_dir`, its clock at `at` on `day` (real speed), the demo loaded for `day` as
    `jobdating up --demo` loads it (the staff's accounts, the demo, the recruiters); stopped on leaving."""
    stack = Stack(data_dir, nats_port=free_port(), base_port=free_base_port())
    stack.prepare(ROLES, PEOPLE)
    try:
        stack.staff_file.write_text(staff_toml())
        stack.use_clock(ScaledClock(local(day, at), 1.0))
        stack.start()
        _, accounts, _ = load_with_people(demo_place(stack), day)
        yield stack, accounts
    finally:
        stack.stop()
