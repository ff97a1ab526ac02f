"""Plays the demo day against a running stack, only through the public HTTP APIs (see the package's
docstring for what happens); the figures end up in a `DayReport`."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

import httpx

from jobdating.ops.day.choices import Slot, choose, first_slots, minutes_early, outcome_of
from jobdating.ops.day.clock import SITE_CLOSES, SITE_OPENS, day_of, local
from jobdating.ops.day.hands import Hands
from jobdating.ops.day.patience import Patient
from jobdating.ops.day.people import candidate_name, site_name
from jobdating.ops.day.services import DayApi
from jobdating.ops.day.summary import OUTCOME_WORDS, DayReport
from jobdating.ops.day.tally import tally
from jobdating.ops.demo_calendar import ZONE
from jobdating.ops.demo_report import DemoError
from jobdating.ops.demo_sessions import Sessions, counsellor_ids
from jobdating.runtime.clock import ScaledClock
from jobdating.testing.demo_data import COMPANIES

Say = Callable[[datetime, str], None]


class DemoDay:
    """Drives the demo day against a running stack; `run` returns when the last interview has its outcome."""

    def __init__(
        self,
        *,
        api: DayApi,
        clock: ScaledClock,
        sessions: Sessions | None = None,
        maildir: Path,
        sms_file: Path,
        seed: int = 2026,
        say: Say | None = None,
        poll_seconds: float = 0.1,
        wait_seconds: float = 30.0,
        supervise: Callable[[], list[str]] | None = None,
    ) -> None:
        self.api = api
        self.sessions = sessions
        self.clock = clock
        self.maildir = maildir
        self.sms_file = sms_file
        self.seed = seed
        self.say: Say = say or (lambda _at, _line: None)
        self.poll_seconds = poll_seconds
        self.wait_seconds = wait_seconds
        self.supervise = supervise or (lambda: [])
        self.day = day_of(clock)
        self.report = DayReport(seed=seed, day=self.day)
        self.rank: dict[str, int] = {}  # candidate id -> rank in the demo data
        self.company_key: dict[str, str] = {}  # company id -> demo key
        self.company_name: dict[str, str] = {}
        self.arrived: set[str] = set()
        self.no_show_at: datetime | None = None
        self.fail_at: datetime | None = None
        self.second_asked: set[str] = set()  # first slots whose second interview was tried
        followers = counsellor_ids(sessions.accounts.values()) if sessions is not None else {}
        self.hands = Hands(self.api, self.report, self.say, self.clock.now, followers, self.rank, self._wait)

    def run(self) -> DayReport:
        with httpx.Client(timeout=15) as http:
            self.api.http = Patient(http, self._restart_dead, self.wait_seconds)
            if self.sessions is not None:  # signing in again waits for a restarting identity too
                self.sessions.http = self.api.http
            self._identify()
            slots = self.api.slots()
            self.report.interviews_published = sum(1 for s in slots if s.status != "cancelled")
            self._choose(slots)
            if self.clock.now() < self.clock.start:
                self.say(self.clock.now(), f"en attente de {self.clock.start.astimezone(ZONE):%H:%M}...")
                while self.clock.now() < self.clock.start:
                    self._restart_dead()
                    time.sleep(min(self.poll_seconds, 0.5))
            self.say(self.clock.now(), "le jour J commence : les sites ouvrent à 08:00")
            closing = self._local(SITE_CLOSES)
            while True:
                self._restart_dead()
                now = self.clock.now()
                slots = self.api.slots()
                self._arrivals(now, slots)
                self.hands.act(now, slots, self._name)
                if (
                    self.fail_at is not None
                    and now >= self.fail_at
                    and self.report.computer_failed_at is None
                ):
                    self._fail_computer(slots)
                    slots = self.api.slots()
                self._outcomes(self.clock.now(), slots)
                if self.hands.after_outcomes(now):
                    slots = self.api.slots()
                if self._over(slots) or now > closing + timedelta(minutes=30):
                    break
                time.sleep(self.poll_seconds)
            # A service that died at the day's last act (a day begun hours late ends right after it) is
            # restarted too: the figures are read from it.
            self._restart_dead()
            self.report.ended_at = self.clock.now()
            self._summarise()
        return self.report

    def _local(self, hhmm: str) -> datetime:
        return local(self.day, hhmm)

    def _restart_dead(self) -> None:
        for name in self.supervise():
            self.say(self.clock.now(), f"[yellow]le service {name} s'était arrêté : redémarré[/]")

    def _identify(self) -> None:
        """Candidate ids in registration order are the demo data's order; company ids by SIRET."""
        items = sorted(self.api.candidates(), key=lambda c: (c["registered_at"], c["candidate_id"]))
        self.rank.update({item["candidate_id"]: n for n, item in enumerate(items)})
        by_siret = {c.siret: c for c in COMPANIES}
        for item in self.api.companies():
            company = by_siret.get(item["profile"]["siret"])
            if company is not None:
                self.company_key[item["company_id"]] = company.key
                self.company_name[item["company_id"]] = company.name

    def _choose(self, slots: list[Slot]) -> None:
        chosen = choose(slots, self.rank, self.seed, self.day)
        if chosen.no_show_candidate:
            self.report.no_show_candidate = chosen.no_show_candidate
            self.report.no_show_name = self._name(chosen.no_show_candidate)
        self.no_show_at = chosen.no_show_at
        self.report.broken_computer = chosen.broken_computer
        self.fail_at = chosen.fail_at
        ids = {key: company_id for company_id, key in self.company_key.items()}
        self.hands.choose(slots, chosen.late_candidate, chosen.broken_computer, ids)

    def _arrivals(self, now: datetime, slots: list[Slot]) -> None:
        opens = self._local(SITE_OPENS)
        for candidate_id, first in sorted(first_slots(slots).items(), key=lambda kv: kv[1].starts_at):
            if candidate_id in self.arrived or candidate_id in self.hands.theirs():
                continue  # the walk-in (checked in as registered) and the late candidate: see `hands`
            if candidate_id == self.report.no_show_candidate:
                if self.no_show_at is not None and now >= self.no_show_at:
                    self._no_show(candidate_id, first.site_id)
                continue
            early = minutes_early(self.seed, self.rank.get(candidate_id, -1))
            if now >= max(opens, first.starts_at - timedelta(minutes=early)):
                self._check_in(candidate_id, first.site_id)

    def _check_in(self, candidate_id: str, site_id: str) -> None:
        self.api.check_in(candidate_id, site_id)
        self.arrived.add(candidate_id)
        self.report.checked_in += 1
        self.say(self.clock.now(), f"{self._name(candidate_id)} arrive à {site_name(site_id)}")

    def _no_show(self, candidate_id: str, site_id: str) -> None:
        answer = self.api.mark_no_show(candidate_id, site_id)
        self.arrived.add(candidate_id)
        self.report.no_show_cancelled = int(answer["cancelled"])
        self.say(
            self.clock.now(),
            f"[yellow]{self._name(candidate_id)} n'est pas venu(e)[/] : "
            f"{self.report.no_show_cancelled} entretien(s) annulé(s), "
            f"{answer['assigned']} place(s) proposée(s) à d'autres candidats",
        )

    def _fail_computer(self, slots: list[Slot]) -> None:
        computer_id = self.report.broken_computer
        site_id = next(s.site_id for s in slots if s.computer_id == computer_id)
        failed_at = self.clock.now()
        before = {c["event_id"] + c["slot_id"] for c in self.api.changes()}
        self.api.computer_out_of_order(site_id, computer_id)
        self.report.computer_failed_at = failed_at
        self.say(
            failed_at, f"[red]panne[/] : l'ordinateur {computer_id} ({site_name(site_id)}) ne marche plus"
        )
        # Scheduling hears of it from the stream: wait for its repair (or for nothing left to repair).
        deadline = time.monotonic() + self.wait_seconds
        while True:
            # The plan first, the changes next: a repair committed in between shows in the changes.
            pending = [
                s
                for s in self.api.slots()
                if s.computer_id == computer_id and s.status == "assigned" and s.starts_at >= self.clock.now()
            ]
            repaired = [
                c
                for c in self.api.changes()
                if c.get("reason") == "computer_broken" and c["event_id"] + c["slot_id"] not in before
            ]
            if repaired or not pending:
                break
            if time.monotonic() > deadline:
                raise DemoError(
                    f"scheduling n'a pas réparé le planning {self.wait_seconds:.0f} s après la panne de "
                    f"{computer_id} : voir le journal de scheduling"
                )
            time.sleep(self.poll_seconds)
        self.report.repair_moved = sum(1 for c in repaired if c["change"] == "moved")
        self.report.repair_cancelled = sum(1 for c in repaired if c["change"] == "cancelled")
        self.say(
            self.clock.now(),
            f"planning réparé : {self.report.repair_moved} entretien(s) déplacé(s), "
            f"{self.report.repair_cancelled} annulé(s)",
        )

    def _wait(self, done: Callable[[], bool], seconds: float) -> bool:
        """Until `done()` (scheduling hears of a change from the stream), at most `seconds`: whether done."""
        deadline = time.monotonic() + seconds
        while not done():
            if time.monotonic() > deadline:
                return False
            time.sleep(self.poll_seconds)
        return True

    def _outcomes(self, now: datetime, slots: list[Slot]) -> None:
        ended = sorted(
            (s for s in slots if s.status == "assigned" and s.outcome is None and s.ends_at <= now),
            key=lambda s: (
                s.ends_at,
                self.rank.get(s.candidate_id, -1),
                self.company_key.get(s.company_id, ""),
            ),
        )
        for slot in ended:
            outcome = self._draw_outcome(slot)
            self.api.record_outcome(slot.slot_id, slot.company_id, outcome)
            self.report.completed += 1
            self.report.outcomes[outcome] = self.report.outcomes.get(outcome, 0) + 1
            what = "deuxième entretien" if slot.kind == "second_interview" else "entretien"
            self.say(
                self.clock.now(),
                f"{what} {self._name(slot.candidate_id)} × {self.company_name.get(slot.company_id, '?')} : "
                f"{OUTCOME_WORDS[outcome]}",
            )
            if outcome == "second_interview" and slot.slot_id not in self.second_asked:
                self.second_asked.add(slot.slot_id)
                self._book_second(slot)

    def _draw_outcome(self, slot: Slot) -> str:
        return outcome_of(
            slot,
            seed=self.seed,
            rank=self.rank.get(slot.candidate_id, -1),
            company=self.company_key.get(slot.company_id),
            absent=slot.candidate_id == self.report.no_show_candidate,
        )

    def _book_second(self, first: Slot) -> None:
        """The first time from half an hour after the first interview, every 10 minutes, that scheduling
        accepts (the candidate, a recruiter and a computer of the site free, the site open)."""
        at = first.ends_at + timedelta(minutes=30)
        closing = self._local(SITE_CLOSES)
        while at + timedelta(minutes=20) <= closing:
            if at > self.clock.now():
                booked = self.api.book_second(first.slot_id, at)
                if booked is not None:
                    self.report.second_interviews += 1
                    self.say(
                        self.clock.now(),
                        f"deuxième entretien réservé pour {self._name(first.candidate_id)} × "
                        f"{self.company_name.get(first.company_id, '?')} à {booked['local_start']} "
                        f"({booked['computer_id']})",
                    )
                    return
            at += timedelta(minutes=10)
        self.report.second_interviews_unplaced += 1
        self.say(
            self.clock.now(),
            f"[yellow]pas de créneau[/] ce matin pour le deuxième entretien de "
            f"{self._name(first.candidate_id)}",
        )

    def _over(self, slots: list[Slot]) -> bool:
        """Every interview that can still happen has ended and has its outcome."""
        if self.fail_at is not None and self.report.computer_failed_at is None:
            return False
        if self.no_show_at is not None and self.report.no_show_candidate not in self.arrived:
            return False
        if not self.hands.done():
            return False
        return all(s.status != "assigned" or s.outcome is not None for s in slots)

    def _summarise(self) -> None:
        slots = self.api.slots()
        tally(self.report, slots, self.api.changes(), self.maildir, self.sms_file, self.wait_seconds)
        walk_in = self.report.walk_in_candidate
        self.report.walk_in_interviews = sum(
            1
            for s in slots
            if s.candidate_id == walk_in and s.kind == "interview" and not s.from_waiting_list
        )

    def _name(self, candidate_id: str) -> str:
        return candidate_name(candidate_id, self.rank.get(candidate_id))
