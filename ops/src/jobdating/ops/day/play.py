"""The demo day played by its people: the accounts it needs created in identity, each person signed in,
then the demo loaded, planned and published and its day run (`driver.DemoDay`), every act by the signed-in
person whose act it is (see `demo_sessions`)."""

from __future__ import annotations

from collections.abc import Callable

import httpx

from jobdating.ops.day.clock import day_of
from jobdating.ops.day.driver import DemoDay, Say
from jobdating.ops.day.summary import DayReport
from jobdating.ops.demo import DemoReport
from jobdating.ops.demo import load as load_demo
from jobdating.ops.demo_accounts import create_accounts
from jobdating.ops.demo_sessions import Sessions, counsellor_ids, write_staff
from jobdating.ops.stack import Stack
from jobdating.runtime.clock import ScaledClock
from jobdating.testing.demo_data import COORDINATOR_ORG

# Who acts in the demo day, with the admins who invite them. Recruiters do not: scheduling knows a recruiter
# by a token whose organisation is registration's company id, which the demo's company accounts do not
# carry; the coordination records the outcomes on their behalf.
DAY_ROLES = frozenset({"coordinator", "partner_admin", "counsellor", "site_manager"})


def play(
    stack: Stack,
    clock: ScaledClock,
    *,
    seed: int = 2026,
    progress: Callable[[str], None] | None = None,
    say: Say | None = None,
) -> tuple[DemoReport, DayReport]:
    """On a started stack: create the demo's accounts, then load, plan and publish the demo and run its day,
    each act done by the signed-in person whose act it is (see `demo_sessions`)."""
    accounts, _ = create_accounts(
        stack.url("identity"),
        stack.token_for(COORDINATOR_ORG, "coordinator"),
        stack.maildir,
        stack.data_dir,
        roles=DAY_ROLES,
    )
    write_staff(stack.staff_file, accounts)
    with httpx.Client(timeout=15) as http:
        sessions = Sessions(http, stack.url("identity"), accounts)
        sessions.sign_in_all(a.key for a in accounts if a.role != "partner_admin")
        loaded = load_demo(
            stack.url("registration"),
            stack.url("sites"),
            sessions.of,
            day_of(clock),
            progress=progress,
            scheduling_url=stack.url("scheduling"),
            counsellor_of=counsellor_ids(accounts),
        )
        day = DemoDay(
            scheduling_url=stack.url("scheduling"),
            sites_url=stack.url("sites"),
            registration_url=stack.url("registration"),
            token=sessions.of,
            sessions=sessions,
            clock=clock,
            maildir=stack.maildir,
            sms_file=stack.sms_file,
            seed=seed,
            say=say,
            supervise=stack.supervise_once,
        )
        report = day.run()
    report.sign_ins = sessions.sign_ins
    return loaded, report
