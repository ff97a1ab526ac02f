"""A site closed during the demo day and reopened five minutes later (a fire alarm, then the all-clear), by
its host: the closing cancels its interviews to come, second interviews included; the reopening gives back
the second interviews (same time and computer when all are free), then its computers' free slots to the
site's waiting list, as a computer back in service does.

Both happen in one act, within one row of interviews at the site (from 10:45, after the break, the rows
start every 20 minutes: 11:25, then 11:45), and once the outcomes of the row that just ended are recorded
(the second interviews they ask for are booked before the site closes): the day waits while the site is
closed, as a building being evacuated does, so nothing else the driver does falls in between, and a
driver running up to a quarter of an hour late still closes and reopens before the next row begins.
After each of the two, the day waits until scheduling knows of it (its site shown closed, then open: the
repair commits with that knowledge), never for a set time: on a sped-up clock, a second of waiting is ten
minutes of the day, and what the day does next (recording outcomes, booking second interviews at that
site) depends on the site being open for scheduling again.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from jobdating.ops.day.choices import Slot
from jobdating.ops.day.clock import local
from jobdating.ops.day.people import site_name
from jobdating.ops.demo_report import DemoError
from jobdating.testing.demo_data import SITES, WALK_IN_SITE

if TYPE_CHECKING:
    from jobdating.ops.day.hands import Hands

CLOSE_AT = "11:27"  # two minutes into the row of 11:25: those of 11:45 and 12:05 are to come
REOPEN_AFTER = timedelta(minutes=5)  # the all-clear; a minute before the next row at the latest
CLOSE_REASON = "alarme incendie : évacuation du bâtiment"
WAIT_SECONDS = 30.0  # scheduling hears of a site within a second; a service restarting takes longer


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
            # The plan's interviews to come there (its next row): the site reopens before it begins.
            return [
                s.starts_at
                for s in api.slots()
                if s.site_id == site_id
                and s.status == "assigned"
                and s.kind == "interview"
                and s.starts_at >= now()
            ]

        def known(open_: bool, what: str, change: str) -> Counter[str]:
            # Scheduling hears of it from the stream and repairs in the transaction that records it: once
            # it knows, the slots that `change`d there since, by kind.
            if not wait(lambda: api.site_open_for_scheduling(site_id) is open_, WAIT_SECONDS):
                raise DemoError(
                    f"scheduling n'a pas su {what} de {site_name(site_id)} en {WAIT_SECONDS:.0f} s : "
                    "voir le journal de scheduling"
                )
            kinds = {s.slot_id: s.kind for s in api.slots()}
            return Counter(kinds.get(slot_id, "") for slot_id in new(change))

        next_start = min(to_come(), default=None)
        api.close_site(site_id, CLOSE_REASON)
        report.site_closed_at = now()
        cancelled = known(False, "la fermeture", "cancelled")
        report.closure_cancelled = cancelled["interview"]
        report.closure_cancelled_seconds = cancelled["second_interview"]
        say(
            report.site_closed_at,
            f"[red]{CLOSE_REASON}[/] à {site_name(site_id)} : le site est fermé, "
            f"{report.closure_cancelled} entretien(s) et {report.closure_cancelled_seconds} deuxième(s) "
            "entretien(s) annulé(s)",
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
        given = known(True, "la réouverture", "assigned")
        report.reopen_refilled = given["interview"]
        report.seconds_given_back = given["second_interview"]
        say(
            now(),
            f"{site_name(site_id)} rouvert : {report.seconds_given_back} deuxième(s) entretien(s) rendu(s), "
            f"{report.reopen_refilled} place(s) redonnée(s) à la liste d'attente",
        )
