"""The demo day played by its people: the accounts it needs created in identity, each person signed in,
then the demo loaded, planned and published and its day run (`driver.DemoDay`), every act by the signed-in
person whose act it is (see `demo_sessions`)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor

import httpx

from jobdating.ops.day.clock import day_of, to_the_day
from jobdating.ops.day.driver import DemoDay, Say
from jobdating.ops.day.services import DayApi
from jobdating.ops.day.summary import DayReport
from jobdating.ops.demo import load as load_demo
from jobdating.ops.demo_accounts import create_accounts
from jobdating.ops.demo_people import STAFF_ROLES
from jobdating.ops.demo_plan import plan, planned
from jobdating.ops.demo_prep import prepare_weeks
from jobdating.ops.demo_report import DemoReport
from jobdating.ops.demo_sessions import Sessions, counsellor_ids, write_staff
from jobdating.ops.demo_setup import Status, quiet
from jobdating.ops.stack import Stack
from jobdating.runtime.clock import ScaledClock
from jobdating.testing.demo_data import COORDINATOR_ORG

# Who acts in the demo day before the load, with the admins who invite them; each company's recruiter comes
# once registration gave the company its id (their organisation in identity, see demo_people).
DAY_ROLES = STAFF_ROLES


def play(
    stack: Stack,
    clock: ScaledClock,
    *,
    seed: int = 2026,
    progress: Callable[[str], None] | None = None,
    say: Say | None = None,
    status: Status = quiet,
) -> tuple[DemoReport, DayReport]:
    """On a started stack: create the demo's accounts, load the demo and book its weeks before (the
    stack's clock reads then, see `day.clock.prepare`), move the services to the day's `clock`, plan and
    publish the demo and run its day, each act done by the signed-in person whose act it is (see
    `demo_sessions`). Each long step shows under `status` (the terminal's spinner), and `progress` hears
    of the waits within them."""
    tell = progress or (lambda _: None)
    with status("Comptes de démonstration (invitations par courriel)..."):
        accounts, _ = create_accounts(
            stack.url("identity"),
            stack.token_for(COORDINATOR_ORG, "coordinator"),
            stack.maildir,
            stack.data_dir,
            roles=DAY_ROLES,
        )
    tell(f"{len(accounts)} comptes de démonstration")
    write_staff(stack.staff_file, accounts)
    with httpx.Client(timeout=15) as http:
        sessions = Sessions(http, stack.url("identity"), accounts)
        # Those who act in the day; the coaches are named by the workshops but book nothing themselves.
        with status("Connexion des personnes de la démo..."):
            sessions.sign_in_all(a.key for a in accounts if a.role not in ("partner_admin", "coach"))
        with status("Chargement du job dating de démonstration..."):
            loaded = load_demo(
                stack.url("registration"),
                stack.url("sites"),
                sessions.of,
                day_of(clock),
                progress=progress,
                counsellor_of=counsellor_ids(accounts),
            )
        # The weeks before: the services read a clock three weeks ahead of the day until they are booked.
        urls = {name: stack.url(name) for name in ("registration", "sites", "scheduling", "notifications")}
        with status("Les semaines avant le jour (ateliers, entretiens de préparation)..."):
            loaded.preparation = prepare_weeks(urls, sessions.of, sessions, day_of(clock), loaded)
        to_the_day(stack, clock)
        # The companies' recruiters (who record their interviews' outcomes) are invited and signed in while
        # scheduling plans: the day's clock already runs, every second of setup is ten minutes of it.
        with ThreadPoolExecutor(max_workers=1) as pool:
            recruiting = pool.submit(recruiters_of, stack, sessions, loaded.company_ids)
            coordinator = {"Authorization": f"Bearer {sessions.of(COORDINATOR_ORG, 'coordinator')}"}
            with status("Planning : la planification apprend la démo, calcule et publie..."):
                plan(http, stack.url("scheduling"), coordinator, loaded, day_of(clock), progress)
            tell(planned(loaded))
            recruiting.result()
        api = DayApi(
            scheduling_url=stack.url("scheduling"),
            sites_url=stack.url("sites"),
            registration_url=stack.url("registration"),
            token=sessions.of,
            recruiters=True,
        )
        day = DemoDay(
            api=api,
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


def recruiters_of(stack: Stack, sessions: Sessions, company_ids: Mapping[str, str]) -> None:
    """Each company's recruiter, created in identity under the company's id and signed in."""
    recruiters, _ = create_accounts(
        stack.url("identity"),
        stack.token_for(COORDINATOR_ORG, "coordinator"),
        stack.maildir,
        stack.data_dir,
        roles={"recruiter"},
        company_ids=company_ids,
    )
    sessions.add(recruiters)
    sessions.sign_in_all(a.key for a in recruiters)
