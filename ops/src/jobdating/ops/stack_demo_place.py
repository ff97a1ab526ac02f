"""Where the demo goes when the services run in the embedded stack: their addresses, the coordination's
machine token, the stack's Maildir and folders. `jobdating up --demo` and the browser tests load it alike."""

from __future__ import annotations

from jobdating.ops.demo_setup import DemoPlace
from jobdating.ops.stack import Stack
from jobdating.testing.demo_data import COORDINATOR_ORG


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
