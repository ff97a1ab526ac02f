"""The demo job dating run as a whole day on a sped-up clock (`jobdating demo`).

Once the demo is loaded, planned and published, `DemoDay.run` follows the services' shared clock and acts as
the people of the day would, only through the public HTTP APIs: candidates check in at their site a little
before their first interview, one does not come (scheduling cancels their slots), a computer fails
mid-morning (the sites service hears it, scheduling repairs from the stream), every interview gets an
outcome when it ends (the coordination recording it on the recruiter's behalf), and a second interview is
booked as its own slot after each first interview that asked for one.

Every choice is drawn from a seed and keyed by what does not change from one run to the next (a candidate's
rank in the demo data, a company's key), so that the same plan gives the same day; the figures end up in a
`DayReport`.
"""

from __future__ import annotations

import asyncio
import email
import email.policy
import random
import time
from collections import Counter
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import msgspec
from rich.console import Console
from rich.table import Table

from jobdating.ops.demo import DemoError, DemoReport, Urls, url_for
from jobdating.ops.demo import load as load_demo
from jobdating.ops.demo_calendar import ZONE, keep_day, local_today
from jobdating.ops.reporting.projection import Report, Scope
from jobdating.ops.reporting.source import report_from
from jobdating.ops.stack import Stack, StackError
from jobdating.runtime.clock import ScaledClock
from jobdating.testing.demo_data import (
    COMPANIES,
    COORDINATOR_ORG,
    JOB_DATING_ID,
    SITES,
    candidates,
    staff_toml,
)

MORNING = "07:30"  # the demo clock starts here, before the first candidates arrive (sites open at 08:00)
SITE_OPENS, SITE_CLOSES = "08:00", "13:00"

Tokens = Callable[[str, str], str]
Say = Callable[[datetime, str], None]


def local(day: date, hhmm: str) -> datetime:
    """A local wall-clock time of `day`, as an aware UTC instant."""
    hour, minute = (int(part) for part in hhmm.split(":"))
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=ZONE).astimezone(UTC)


def demo_clock(day: date, speed: float, lead_seconds: float, start: str = MORNING) -> ScaledClock:
    """The day's clock: it reads `start` (local time on `day`) `lead_seconds` from now, the time the stack
    needs to start and the demo to be loaded and published; it reads earlier times until then."""
    return ScaledClock(local(day, start), speed, time.time() + lead_seconds)


def day_of(clock: ScaledClock) -> date:
    """The demo day a clock made by `demo_clock` runs."""
    return local_today(clock.start)


class DayReport(msgspec.Struct, kw_only=True):
    """The figures of one demo day (what a test checks and the closing summary prints)."""

    seed: int
    day: date
    interviews_published: int = 0
    checked_in: int = 0
    no_show_candidate: str = ""
    no_show_name: str = ""
    no_show_cancelled: int = 0
    broken_computer: str = ""
    computer_failed_at: datetime | None = None
    repair_moved: int = 0
    repair_cancelled: int = 0
    completed: int = 0
    outcomes: dict[str, int] = msgspec.field(default_factory=dict)
    second_interviews: int = 0
    second_interviews_unplaced: int = 0
    moved: dict[str, int] = msgspec.field(default_factory=dict)
    cancelled: dict[str, int] = msgspec.field(default_factory=dict)
    refilled: int = 0
    mails: int = 0
    convocations: int = 0
    sms: int = 0
    ended_at: datetime | None = None


class _Slot(msgspec.Struct, kw_only=True):
    slot_id: str
    candidate_id: str
    company_id: str
    site_id: str
    computer_id: str | None
    starts_at: datetime
    ends_at: datetime
    status: str
    kind: str
    from_waiting_list: bool = False
    cancel_reason: str | None = None
    outcome: str | None = None


class DemoDay:
    """Drives the demo day against a running stack; `run` returns when the last interview has its outcome."""

    def __init__(
        self,
        *,
        scheduling_url: str,
        sites_url: Urls,
        registration_url: str,
        token: Tokens,
        clock: ScaledClock,
        maildir: Path,
        sms_file: Path,
        seed: int = 2026,
        say: Say | None = None,
        poll_seconds: float = 0.1,
        wait_seconds: float = 30.0,
        supervise: Callable[[], list[str]] | None = None,
    ) -> None:
        self.scheduling_url = scheduling_url
        self.sites_url = sites_url
        self.registration_url = registration_url
        self.token = token
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
        self.coordinator = _auth(token(COORDINATOR_ORG, "coordinator"))
        self.rank: dict[str, int] = {}  # candidate id -> rank in the demo data
        self.company_key: dict[str, str] = {}  # company id -> demo key
        self.company_name: dict[str, str] = {}
        self.arrived: set[str] = set()
        self.no_show_at: datetime | None = None
        self.fail_at: datetime | None = None
        self.second_asked: set[str] = set()  # first slots whose second interview was tried

    # ---- the day ------------------------------------------------------------------------------------

    def run(self) -> DayReport:
        with httpx.Client(timeout=15) as http:
            self.http = _Patient(http, self._restart_dead, self.wait_seconds)
            self._identify()
            slots = self._slots()
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
                slots = self._slots()
                self._arrivals(now, slots)
                if (
                    self.fail_at is not None
                    and now >= self.fail_at
                    and self.report.computer_failed_at is None
                ):
                    self._fail_computer(slots)
                    slots = self._slots()
                self._outcomes(self.clock.now(), slots)
                if self._over(slots) or now > closing + timedelta(minutes=30):
                    break
                time.sleep(self.poll_seconds)
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
        response = self.http.get(
            f"{self.registration_url}/candidates", params={"limit": 100}, headers=self.coordinator
        )
        _ok(response, "la liste des candidats")
        items = sorted(response.json()["items"], key=lambda c: (c["registered_at"], c["candidate_id"]))
        self.rank = {item["candidate_id"]: n for n, item in enumerate(items)}
        response = self.http.get(
            f"{self.registration_url}/companies", params={"limit": 100}, headers=self.coordinator
        )
        _ok(response, "la liste des entreprises")
        by_siret = {c.siret: c for c in COMPANIES}
        for item in response.json()["items"]:
            company = by_siret.get(item["profile"]["siret"])
            if company is not None:
                self.company_key[item["company_id"]] = company.key
                self.company_name[item["company_id"]] = company.name

    def _choose(self, slots: list[_Slot]) -> None:
        """The no-show and the computer that fails, drawn from the seed among those the plan makes telling."""
        rng = random.Random(self.seed)
        firsts = _first_slots(slots)
        later = self._local("09:00")
        absent = sorted(
            (self.rank[c], c)
            for c, first in firsts.items()
            if first.starts_at >= later
            and c in self.rank
            and sum(1 for s in slots if s.candidate_id == c and s.status == "assigned") >= 2
        )
        if absent:
            _, candidate_id = rng.choice(absent)
            self.report.no_show_candidate = candidate_id
            self.report.no_show_name = self._name(candidate_id)
            # Not there a quarter of an hour before their first interview: the site marks them absent.
            self.no_show_at = firsts[candidate_id].starts_at - timedelta(minutes=15)
        mid_morning = self._local("10:00")
        busy = sorted(
            {
                s.computer_id
                for s in slots
                if s.computer_id and s.status == "assigned" and s.starts_at >= mid_morning
            }
        )
        if busy:
            computer_id = rng.choice(busy)
            self.report.broken_computer = computer_id
            # It fails two minutes into the first interview it holds from 10:00: that one goes on (an
            # interview that began never moves), the next ones must move or be cancelled.
            first = min(
                s.starts_at
                for s in slots
                if s.computer_id == computer_id and s.status == "assigned" and s.starts_at >= mid_morning
            )
            self.fail_at = first + timedelta(minutes=2)

    def _arrivals(self, now: datetime, slots: list[_Slot]) -> None:
        opens = self._local(SITE_OPENS)
        for candidate_id, first in sorted(_first_slots(slots).items(), key=lambda kv: kv[1].starts_at):
            if candidate_id in self.arrived:
                continue
            if candidate_id == self.report.no_show_candidate:
                if self.no_show_at is not None and now >= self.no_show_at:
                    self._no_show(candidate_id, first.site_id)
                continue
            early = random.Random(f"{self.seed}:arrival:{self.rank.get(candidate_id, -1)}").randint(5, 40)
            if now >= max(opens, first.starts_at - timedelta(minutes=early)):
                self._check_in(candidate_id, first.site_id)

    def _check_in(self, candidate_id: str, site_id: str) -> None:
        headers = _auth(self.token(_host_of(site_id), "site_manager"))
        response = self.http.post(
            f"{self.scheduling_url}/job-datings/{JOB_DATING_ID}/check-ins",
            json={"candidate_id": candidate_id, "site_id": site_id},
            headers=headers,
        )
        _ok(response, "l'arrivée d'un candidat")
        self.arrived.add(candidate_id)
        self.report.checked_in += 1
        self.say(self.clock.now(), f"{self._name(candidate_id)} arrive à {_site_name(site_id)}")

    def _no_show(self, candidate_id: str, site_id: str) -> None:
        headers = _auth(self.token(_host_of(site_id), "site_manager"))
        response = self.http.post(
            f"{self.scheduling_url}/job-datings/{JOB_DATING_ID}/no-shows",
            json={"candidate_id": candidate_id},
            headers=headers,
        )
        _ok(response, "l'absence d'un candidat")
        self.arrived.add(candidate_id)
        self.report.no_show_cancelled = int(response.json()["cancelled"])
        self.say(
            self.clock.now(),
            f"[yellow]{self._name(candidate_id)} n'est pas venu(e)[/] : "
            f"{self.report.no_show_cancelled} entretien(s) annulé(s), "
            f"{response.json()['assigned']} place(s) proposée(s) à d'autres candidats",
        )

    def _fail_computer(self, slots: list[_Slot]) -> None:
        computer_id = self.report.broken_computer
        site_id = next(s.site_id for s in slots if s.computer_id == computer_id)
        headers = _auth(self.token(_host_of(site_id), "site_manager"))
        failed_at = self.clock.now()
        before = {c["event_id"] + c["slot_id"] for c in self._changes()}
        response = self.http.post(
            f"{url_for(self.sites_url, _host_of(site_id))}/computers/{computer_id}/out-of-order",
            json={"reason": "écran noir"},
            headers=headers,
        )
        _ok(response, "la panne d'un ordinateur")
        self.report.computer_failed_at = failed_at
        self.say(
            failed_at, f"[red]panne[/] : l'ordinateur {computer_id} ({_site_name(site_id)}) ne marche plus"
        )
        # Scheduling hears of it from the stream: wait for its repair (or for nothing left to repair).
        deadline = time.monotonic() + self.wait_seconds
        while True:
            # The plan first, the changes next: a repair committed in between shows in the changes.
            pending = [
                s
                for s in self._slots()
                if s.computer_id == computer_id and s.status == "assigned" and s.starts_at >= self.clock.now()
            ]
            repaired = [
                c
                for c in self._changes()
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

    def _outcomes(self, now: datetime, slots: list[_Slot]) -> None:
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
            response = self.http.post(
                f"{self.scheduling_url}/slots/{slot.slot_id}/outcome",
                json={"outcome": outcome},
                headers=self.coordinator,
            )
            _ok(response, "le résultat d'un entretien")
            self.report.completed += 1
            self.report.outcomes[outcome] = self.report.outcomes.get(outcome, 0) + 1
            what = "deuxième entretien" if slot.kind == "second_interview" else "entretien"
            self.say(
                self.clock.now(),
                f"{what} {self._name(slot.candidate_id)} × {self.company_name.get(slot.company_id, '?')} : "
                f"{_OUTCOME_WORDS[outcome]}",
            )
            if outcome == "second_interview" and slot.slot_id not in self.second_asked:
                self.second_asked.add(slot.slot_id)
                self._book_second(slot)

    def _draw_outcome(self, slot: _Slot) -> str:
        if slot.candidate_id == self.report.no_show_candidate:
            # Marked absent late (a loaded machine, a service restarting: the clock does not wait), their
            # first interview had begun and was not cancelled; nobody came to it, whatever the draw says.
            return "no_show"
        rank, company = self.rank.get(slot.candidate_id, -1), self.company_key.get(slot.company_id)
        key = f"{self.seed}:{slot.kind}:{rank}:{company}"
        draw = random.Random(key).random()
        if slot.kind == "second_interview":
            return "hired" if draw < 0.5 else "not_retained"
        if draw < 0.12:
            return "second_interview"
        return "hired" if draw < 0.25 else "not_retained"

    def _book_second(self, first: _Slot) -> None:
        """The first time from half an hour after the first interview, every 10 minutes, that scheduling
        accepts (the candidate, a recruiter and a computer of the site free, the site open)."""
        at = first.ends_at + timedelta(minutes=30)
        closing = self._local(SITE_CLOSES)
        while at + timedelta(minutes=20) <= closing:
            if at > self.clock.now():
                response = self.http.post(
                    f"{self.scheduling_url}/slots/{first.slot_id}/second-interview",
                    json={"starts_at": at.isoformat()},
                    headers=self.coordinator,
                )
                if response.status_code == 201:
                    self.report.second_interviews += 1
                    booked = response.json()
                    self.say(
                        self.clock.now(),
                        f"deuxième entretien réservé pour {self._name(first.candidate_id)} × "
                        f"{self.company_name.get(first.company_id, '?')} à {booked['local_start']} "
                        f"({booked['computer_id']})",
                    )
                    return
                if response.status_code not in (409, 422):
                    _ok(response, "un deuxième entretien")
            at += timedelta(minutes=10)
        self.report.second_interviews_unplaced += 1
        self.say(
            self.clock.now(),
            f"[yellow]pas de créneau[/] ce matin pour le deuxième entretien de "
            f"{self._name(first.candidate_id)}",
        )

    def _over(self, slots: list[_Slot]) -> bool:
        """Every interview that can still happen has ended and has its outcome."""
        if self.fail_at is not None and self.report.computer_failed_at is None:
            return False
        if self.no_show_at is not None and self.report.no_show_candidate not in self.arrived:
            return False
        return all(s.status != "assigned" or s.outcome is not None for s in slots)

    # ---- the summary ----------------------------------------------------------------------------------

    def _summarise(self) -> None:
        slots = self._slots()
        for change in self._changes():
            reason = change.get("reason") or ""
            if change["change"] == "moved":
                self.report.moved[reason] = self.report.moved.get(reason, 0) + 1
            elif change["change"] == "cancelled":
                self.report.cancelled[reason] = self.report.cancelled.get(reason, 0) + 1
        self.report.refilled = sum(1 for s in slots if s.from_waiting_list)
        self._settle_mail()
        subjects = Counter(_subject(p) for p in _mails(self.maildir))
        self.report.mails = sum(subjects.values())
        self.report.convocations = sum(
            n
            for subject, n in subjects.items()
            if subject.startswith(("Votre entretien d'embauche", "Votre deuxième entretien"))
        )
        if self.sms_file.exists():
            self.report.sms = sum(1 for line in self.sms_file.read_text().splitlines() if line.strip())

    def _settle_mail(self, quiet: float = 2.0) -> None:
        """Notifications sends from the stream: wait until the Maildir stopped growing for `quiet` seconds."""
        last, since = -1, time.monotonic()
        deadline = since + self.wait_seconds
        while time.monotonic() < deadline:
            count = len(_mails(self.maildir))
            if count != last:
                last, since = count, time.monotonic()
            elif time.monotonic() - since >= quiet:
                return
            time.sleep(0.2)

    # ---- reading the services ---------------------------------------------------------------------------

    def _slots(self) -> list[_Slot]:
        response = self.http.get(
            f"{self.scheduling_url}/job-datings/{JOB_DATING_ID}/plan",
            params={"by": "candidate", "include_cancelled": "true"},
            headers=self.coordinator,
        )
        _ok(response, "le planning publié")
        return [
            msgspec.convert(interview, _Slot, strict=False)
            for group in response.json()["groups"]
            for interview in group["interviews"]
        ]

    def _changes(self) -> list[dict[str, Any]]:
        """Every slot change of the job dating, in log order (a demo day makes a few hundred)."""
        response = self.http.get(
            f"{self.scheduling_url}/job-datings/{JOB_DATING_ID}/changes",
            params={"limit": 5000},
            headers=self.coordinator,
        )
        _ok(response, "les changements du planning")
        return list(response.json())

    def _name(self, candidate_id: str) -> str:
        rank = self.rank.get(candidate_id)
        if rank is None:
            return candidate_id[:8]
        person = _PEOPLE[rank]
        return f"{person.first_name} {person.last_name[0]}."


class _Patient:
    """HTTP calls that wait for a service being restarted (connection refused: the request never reached
    it, so sending it again is safe) instead of failing the day; other transport errors end the day with
    a clear message."""

    def __init__(self, http: httpx.Client, restart_dead: Callable[[], None], wait_seconds: float) -> None:
        self.http = http
        self.restart_dead = restart_dead
        self.wait_seconds = wait_seconds

    def get(
        self, url: str, *, params: dict[str, Any] | None = None, headers: dict[str, str]
    ) -> httpx.Response:
        return self._send("GET", url, params=params, headers=headers)

    def post(self, url: str, *, json: dict[str, Any], headers: dict[str, str]) -> httpx.Response:
        return self._send("POST", url, json=json, headers=headers)

    def _send(self, method: str, url: str, **options: Any) -> httpx.Response:
        deadline = time.monotonic() + self.wait_seconds
        while True:
            try:
                return self.http.request(method, url, **options)
            except httpx.ConnectError as exc:
                if time.monotonic() > deadline:
                    raise DemoError(f"{url} ne répond plus depuis {self.wait_seconds:.0f} s") from exc
                self.restart_dead()
                time.sleep(0.2)
            except httpx.TransportError as exc:
                raise DemoError(f"{method} {url} a échoué : {exc!r}") from exc


_PEOPLE = candidates()
_OUTCOME_WORDS = {
    "second_interview": "deuxième entretien demandé",
    "hired": "[green]recruté(e)[/]",
    "not_retained": "non retenu(e)",
    "no_show": "absent(e)",
}


def _first_slots(slots: list[_Slot]) -> dict[str, _Slot]:
    firsts: dict[str, _Slot] = {}
    for slot in slots:
        if slot.status != "cancelled" and (
            slot.candidate_id not in firsts or slot.starts_at < firsts[slot.candidate_id].starts_at
        ):
            firsts[slot.candidate_id] = slot
    return firsts


def _host_of(site_id: str) -> str:
    return next(s.host_org for s in SITES if f"site-{s.key}" == site_id)


def _site_name(site_id: str) -> str:
    return next(s.commune for s in SITES if f"site-{s.key}" == site_id)


def _auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _ok(response: httpx.Response, what: str) -> None:
    if response.status_code >= 400:
        raise DemoError(
            f"{response.request.method} {response.request.url.path} ({what}) a répondu "
            f"{response.status_code} : {response.text[:300]}"
        )


def _mails(maildir: Path) -> list[Path]:
    folder = maildir / "new"
    return list(folder.iterdir()) if folder.exists() else []


def _subject(path: Path) -> str:
    message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    return str(message.get("subject", "")).strip()


SETUP_SECONDS = 45.0  # starting the stack, loading the demo and computing its plan take 10 to 30 s
# Notifications plans the morning reminder (07:00) only for a convocation sent more than six hours before:
# the clock reads no earlier than 02:30 when the services start, so that the plan is always published
# less than six hours before and the day's mails do not depend on how long the start took.
EARLIEST_START = timedelta(hours=5)


def lead_for(speed: float) -> float:
    """Real seconds between the services' start and 07:30 on the demo clock."""
    return min(SETUP_SECONDS, EARLIEST_START.total_seconds() / speed)


def prepare(
    stack: Stack, speed: float, lead_seconds: float | None = None, today: date | None = None
) -> ScaledClock:
    """After `stack.prepare`, before `stack.start()`: a fresh data folder, the staff directory, every
    service on the day's clock. The day is `today` (France's date now unless given), kept in the folder."""
    if (stack.data_dir / "scheduling.db").exists():
        raise StackError(
            f"{stack.data_dir} contient déjà un job dating : la journée de démonstration part d'un dossier "
            "neuf (choisissez un autre --data-dir ou supprimez celui-ci)"
        )
    if speed <= 0:
        raise StackError("la vitesse de l'horloge (--speed) doit être positive")
    if not stack.staff_file.exists():
        stack.staff_file.write_text(staff_toml())
    on = keep_day(stack.data_dir, today or local_today(datetime.now(UTC)))
    clock = demo_clock(on, speed, lead_for(speed) if lead_seconds is None else lead_seconds)
    stack.use_clock(clock)
    return clock


def play(
    stack: Stack,
    clock: ScaledClock,
    *,
    seed: int = 2026,
    progress: Callable[[str], None] | None = None,
    say: Say | None = None,
) -> tuple[DemoReport, DayReport]:
    """On a started stack: load, plan and publish the demo, then run its day."""
    loaded = load_demo(
        stack.url("registration"),
        stack.url("sites"),
        stack.token_for,
        day_of(clock),
        progress=progress,
        scheduling_url=stack.url("scheduling"),
    )
    day = DemoDay(
        scheduling_url=stack.url("scheduling"),
        sites_url=stack.url("sites"),
        registration_url=stack.url("registration"),
        token=stack.token_for,
        clock=clock,
        maildir=stack.maildir,
        sms_file=stack.sms_file,
        seed=seed,
        say=say,
        supervise=stack.supervise_once,
    )
    return loaded, day.run()


_REASON_WORDS = {
    "no_show": "candidat absent",
    "computer_broken": "ordinateur en panne",
    "candidate_withdrew": "candidat désinscrit",
    "candidate_changed": "inscription du candidat modifiée",
    "company_late": "entreprise en retard",
    "company_left": "entreprise partie",
    "company_changed": "entreprise modifiée",
    "site_closed": "site fermé",
}


def wait_relayed(stack: Stack, timeout: float = 30.0) -> None:
    """Until every service that says where its relay stands has published its whole log to the stream."""
    deadline = time.monotonic() + timeout
    for spec in stack.services:
        while True:
            health = stack.wait_healthy(spec)
            head, relayed = health.get("log_head"), health.get("relay_position")
            if not isinstance(head, int) or not isinstance(relayed, int) or relayed >= head:
                break
            if time.monotonic() > deadline:
                raise DemoError(
                    f"le relais de {spec.name} n'a pas tout publié sur NATS après {timeout:.0f} s"
                )
            time.sleep(0.1)


def closing_report(stack: Stack) -> Report:
    """`jobdating report` on the demo job dating, from the running stack's stream."""
    wait_relayed(stack)
    return asyncio.run(report_from(stack.nats.url, Scope(job_dating_id=JOB_DATING_ID)))


def print_summary(console: Console, loaded: DemoReport, report: DayReport, stack: Stack) -> None:
    """The day's figures, in French, from what the services answered."""
    table = Table(title=f"Bilan du job dating du {report.day:%d/%m/%Y}")
    table.add_column("")
    table.add_column("nombre", justify="right")
    table.add_row("entretiens publiés", str(loaded.interviews or report.interviews_published))
    table.add_row("candidats arrivés", str(report.checked_in))
    table.add_row(
        f"absent : {report.no_show_name or '-'}", f"{report.no_show_cancelled} entretien(s) annulé(s)"
    )
    if report.broken_computer:
        failed = report.computer_failed_at.astimezone(ZONE) if report.computer_failed_at else None
        table.add_row(
            f"panne : {report.broken_computer}" + (f" à {failed:%H:%M}" if failed else ""),
            f"{report.repair_moved} déplacé(s), {report.repair_cancelled} annulé(s)",
        )
    table.add_row("entretiens tenus (résultat enregistré)", str(report.completed))
    for outcome in ("hired", "second_interview", "not_retained"):
        table.add_row(f"  {_OUTCOME_WORDS[outcome]}", str(report.outcomes.get(outcome, 0)))
    table.add_row("deuxièmes entretiens réservés", str(report.second_interviews))
    if report.second_interviews_unplaced:
        table.add_row("  sans créneau ce matin", str(report.second_interviews_unplaced))
    for reason, n in sorted(report.moved.items()):
        table.add_row(f"déplacés : {_REASON_WORDS.get(reason, reason)}", str(n))
    for reason, n in sorted(report.cancelled.items()):
        table.add_row(f"annulés : {_REASON_WORDS.get(reason, reason)}", str(n))
    table.add_row("places redonnées (liste d'attente)", str(report.refilled))
    table.add_row(
        f"courriels dans {stack.maildir}", f"{report.mails} (dont {report.convocations} convocations)"
    )
    table.add_row(f"SMS dans {stack.sms_file}", str(report.sms))
    console.print(table)
