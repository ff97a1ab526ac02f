"""A site closed during the demo day and reopened five minutes later (a fire alarm, then the all-clear), by
its host: the closing cancels its interviews to come, the reopening gives its computers' free slots to the
site's waiting list, as a computer back in service does.

Both happen in one act, within one row of interviews at the site (from 10:45, after the break, the rows
start every 20 minutes: 11:25, then 11:45), and once the outcomes of the row that just ended are recorded
(the second interviews they ask for are booked before the site closes): the day waits while the site is
closed, as a building being evacuated does, so nothing else the driver does falls in between, and a
driver running up to a quarter of an hour late still closes and reopens before the next row begins.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from jobdating.ops.day.choices import Slot
from jobdating.ops.day.clock import local
from jobdating.ops.day.people import site_name
from jobdating.testing.demo_data import SITES, WALK_IN_SITE

if TYPE_CHECKING:
    from jobdating.ops.day.hands import Hands

CLOSE_AT = "11:27"  # two minutes into the row of 11:25: those of 11:45 and 12:05 are to come
REOPEN_AFTER = timedelta(minutes=5)  # the all-clear; a minute before the next row at the latest
CLOSE_REASON = "alarme incendie : évacuation du bâtiment"
WAIT_SECONDS = 3.0  # scheduling repairs and refills within a second; a day running late may have none left


def site_to_close(slots: list[Slot], late_candidate: str, broken_computer: str) -> str:
    """The first demo site where none of the day's other acts by hand happens (not the walk-in's, the late
    candidate's or the broken computer's), so that what it gives back does not depend on their order;
    "" when every site has one."""
    taken = {f"site-{WALK_IN_SITE}"}
    taken |= {s.site_id for s in slots if s.candidate_id == late_candidate and late_candidate}
    taken |= {s.site_id for s in slots if s.computer_id == broken_computer and broken_computer}
    return next((f"site-{s.key}" for s in SITES if f"site-{s.key}" not in taken), "")


class Reopening:
    """The site's host closes it at `CLOSE_AT` and reopens it `REOPEN_AFTER` later, or a minute before its
    next interview begins if that comes first (see the module)."""

    def __init__(self, hands: Hands) -> None:
        self.hands = hands  # the day's API, report, voice, clock and wait
        self.done = False

    def due(self, now: datetime) -> bool:
        report = self.hands.report
        return bool(report.closed_site) and not self.done and now >= local(report.day, CLOSE_AT)

    def close_and_reopen(self) -> None:
        api, report, say, now, wait = (
            self.hands.api,
            self.hands.report,
            self.hands.say,
            self.hands.now,
            self.hands.wait,
        )
        site_id = report.closed_site
        computers = site_id.replace("site-", "pc-") + "-"
        before = {c["event_id"] + c["slot_id"] for c in api.changes()}

        def new(change: str) -> list[str]:
            # A cancellation names no computer: only this closure cancels for that reason.
            return [
                c["slot_id"]
                for c in api.changes()
                if c["event_id"] + c["slot_id"] not in before
                and c["change"] == change
                and (
                    c.get("reason") == "site_closed"
                    if change == "cancelled"
                    else str(c["detail"].get("computer_id", "")).startswith(computers)
                )
            ]

        def to_come() -> list[datetime]:
            # Second interviews are booked apart from the plan: a closing leaves them be.
            return [
                s.starts_at
                for s in api.slots()
                if s.site_id == site_id
                and s.status == "assigned"
                and s.kind == "interview"
                and s.starts_at >= now()
            ]

        next_start = min(to_come(), default=None)
        api.close_site(site_id, CLOSE_REASON)
        report.site_closed_at = now()
        # Scheduling hears of it from the stream and cancels, in one transaction, what was to come there:
        # wait until it did (the plan first, the changes next: a repair committed in between shows in them).
        wait(lambda: bool(new("cancelled")) or not to_come(), WAIT_SECONDS)
        report.closure_cancelled = len(new("cancelled"))
        say(
            report.site_closed_at,
            f"[red]{CLOSE_REASON}[/] à {site_name(site_id)} : le site est fermé, "
            f"{report.closure_cancelled} entretien(s) annulé(s)",
        )
        reopen_at = report.site_closed_at + REOPEN_AFTER
        if next_start is not None:
            reopen_at = min(reopen_at, next_start - timedelta(minutes=1))
        wait(lambda: now() >= reopen_at, REOPEN_AFTER.total_seconds())
        before |= {c["event_id"] + c["slot_id"] for c in api.changes()}
        api.reopen_site(site_id)
        report.site_reopened_at = now()
        self.done = True
        say(report.site_reopened_at, f"fin de l'alerte à {site_name(site_id)} : le site rouvre")
        wait(lambda: bool(new("assigned")), WAIT_SECONDS)
        report.reopen_refilled = len(new("assigned"))
        say(
            now(),
            f"{site_name(site_id)} rouvert : {report.reopen_refilled} place(s) redonnée(s) "
            "à la liste d'attente",
        )
