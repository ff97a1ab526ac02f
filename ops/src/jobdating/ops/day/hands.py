"""What the day's people do by hand besides arrivals and outcomes, each at a time of the day chosen so that
a driver running a few minutes late (a loaded machine, a service restarting) does the same thing:

- the coordinator moves one interview of the late morning to a free computer of its site, with a reason,
  before the sites open (nothing else changes: same site, same time, same company);
- a candidate who never registered comes to the Faches site at 08:10: its host registers them on the spot
  (a walk-in), scheduling gives them the free slots of their wishes from 08:30;
- a candidate whose first interview is between 09:00 and 10:00 is marked absent by their site's host
  at the time they were convoked, then arrives twenty minutes later (a late arrival): scheduling gives
  their interviews back, or the nearest free slot, or the waiting list;
- the computer that failed comes back in service half an hour after its failure (its site's host says
  so): its free slots go to the site's waiting list, which the day waits for (as for the breakdown);
- the host of a site where none of these happens closes it for a fire alarm at 11:27 and reopens it
  five minutes later (`reopening`): its interviews to come are cancelled, second interviews included,
  then the second interviews are given back and its computers' free slots go to its waiting list.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from jobdating.ops.day.choices import Slot, first_slots
from jobdating.ops.day.clock import local
from jobdating.ops.day.people import candidate_name, site_name
from jobdating.ops.day.reopening import Reopening, site_to_close
from jobdating.ops.day.services import DayApi
from jobdating.ops.day.summary import DayReport
from jobdating.ops.demo import candidate_body
from jobdating.ops.demo_calendar import ZONE
from jobdating.testing.demo_data import SITES, candidates, walk_in

HAND_MOVE_FROM = "11:00"  # the coordinator moves an interview of the late morning (well after the breakdown)
HAND_REASON = "poste plus proche de l'accueil, demandé par le recruteur"
WALK_IN_AT = "08:10"  # before the first interviews (08:30): their slots are all still free
# Not there at the time they were convoked (45 minutes before their first interview), then there 20 minutes
# later: both a good while before the interview, so that a driver running late still does both before it.
ABSENT_BEFORE = timedelta(minutes=45)
LATE_BY = timedelta(minutes=20)
# The broken computer is repaired half an hour after it failed, before noon: its free slots of the late
# morning go to the site's waiting list (the breakdown's cancelled candidates among the first).
BACK_AFTER = timedelta(minutes=30)
BACK_WAIT_SECONDS = 5.0
WALK_IN_RANK = len(candidates())  # after the demo data's candidates (their outcomes are drawn by rank)


@dataclass(eq=False)
class Hands:
    """The coordinator's and the hosts' acts by hand during the demo day (see the module's docstring)."""

    api: DayApi
    report: DayReport
    say: Callable[[datetime, str], None]
    now: Callable[[], datetime]
    counsellor_of: dict[str, str]
    rank: dict[str, int]  # the driver's: the walk-in comes after the demo data's candidates
    # The driver's: until a condition holds, at most so many seconds.
    wait: Callable[[Callable[[], bool], float], bool]
    company_ids: dict[str, str] = field(default_factory=dict, init=False)
    broken_computer: str = field(default="", init=False)
    late_first: Slot | None = field(default=None, init=False)
    moved_by_hand: bool = field(default=False, init=False)
    walked_in: bool = field(default=False, init=False)
    marked_late_absent: bool = field(default=False, init=False)
    late_arrived: bool = field(default=False, init=False)
    back: bool = field(default=False, init=False)
    reopening: Reopening = field(init=False)

    def __post_init__(self) -> None:
        self.reopening = Reopening(self)

    def choose(
        self, slots: list[Slot], late_candidate: str, broken_computer: str, company_ids: dict[str, str]
    ) -> None:
        """The late candidate's first interview as published (their site, when they are due); the
        companies' ids by demo key (the walk-in's wishes)."""
        self.company_ids = company_ids
        self.report.late_candidate = late_candidate
        self.late_first = first_slots(slots).get(late_candidate) if late_candidate else None
        self.broken_computer = broken_computer
        self.report.closed_site = site_to_close(slots, late_candidate, broken_computer)

    def act(self, now: datetime, slots: list[Slot], name: Callable[[str], str]) -> None:
        """Whatever is due at `now`, in the order of the day (but the site's closing: `after_outcomes`)."""
        day = self.report.day
        if not self.moved_by_hand:
            # Not one about to begin when a slow start made the day late (a begun interview never moves).
            self._move_by_hand(slots, max(local(day, HAND_MOVE_FROM), now + timedelta(minutes=30)))
        if not self.walked_in and now >= local(day, WALK_IN_AT):
            self._walk_in()
        first = self.late_first
        if first is not None and not self.marked_late_absent and now >= first.starts_at - ABSENT_BEFORE:
            answer = self.api.mark_no_show(first.candidate_id, first.site_id)
            self.marked_late_absent = True
            self.report.late_cancelled = int(answer["cancelled"])
            self.say(
                self.now(),
                f"[yellow]{name(first.candidate_id)} n'est pas là[/] : déclaré(e) absent(e), "
                f"{self.report.late_cancelled} entretien(s) annulé(s)",
            )
        if (
            first is not None
            and self.marked_late_absent
            and not self.late_arrived
            and now >= first.starts_at - ABSENT_BEFORE + LATE_BY
        ):
            answer = self.api.late_arrival(first.candidate_id, first.site_id)
            self.late_arrived = True
            self.report.checked_in += 1
            self.report.late_given_back = int(answer["assigned"]) + int(answer["moved"])
            self.say(
                self.now(),
                f"{name(first.candidate_id)} arrive en retard à {site_name(first.site_id)} : "
                f"{self.report.late_given_back} entretien(s) rendu(s)",
            )
        failed = self.report.computer_failed_at
        if failed is not None and not self.back and now >= failed + BACK_AFTER:
            self._computer_back()

    def after_outcomes(self, now: datetime) -> bool:
        """The site closed and reopened if due at `now`, once the outcomes of the interviews that ended are
        recorded (see `reopening`); whether it was (the plan changed: read it again)."""
        if not self.reopening.due(now):
            return False
        self.reopening.close_and_reopen()
        return True

    def theirs(self) -> set[str]:
        """The candidates whose arrival is the hands' to record, not the driver's."""
        return {self.report.walk_in_candidate, self.report.late_candidate} - {""}

    def done(self) -> bool:
        """Nothing left to do by hand (the day does not end before)."""
        late_done = self.late_first is None or self.late_arrived
        back_done = not self.broken_computer or self.back
        reopened = not self.report.closed_site or self.reopening.done
        return self.moved_by_hand and self.walked_in and late_done and back_done and reopened

    def _move_by_hand(self, slots: list[Slot], after: datetime) -> None:
        """The first interview from `after` (by time, then computer) that a free computer of its site, not
        the one that will fail, can take at the same time; the first such computer."""
        computers = {f"site-{s.key}": [f"pc-{s.key}-{n}" for n in range(1, s.computers + 1)] for s in SITES}
        standing = [s for s in slots if s.status == "assigned"]
        for slot in sorted(standing, key=lambda s: (s.starts_at, s.computer_id or "")):
            if slot.starts_at < after or slot.computer_id in (None, self.broken_computer):
                continue
            busy = {
                s.computer_id for s in standing if s.starts_at < slot.ends_at and slot.starts_at < s.ends_at
            }
            free = [c for c in computers[slot.site_id] if c not in busy and c != self.broken_computer]
            if free:
                self.api.move_by_hand(slot.slot_id, free[0], HAND_REASON)
                self.report.moved_by_hand = slot.slot_id
                at = slot.starts_at.astimezone(ZONE)
                self.say(
                    self.now(),
                    f"la coordination déplace à la main l'entretien de {at:%H:%M} de "
                    f"{slot.computer_id} vers {free[0]} ({site_name(slot.site_id)}) : « {HAND_REASON} »",
                )
                break
        self.moved_by_hand = True

    def _computer_back(self) -> None:
        """The host puts the repaired computer back; scheduling hears it from the stream and gives its free
        slots to the site's waiting list: wait until it did (a slot assigned on it), as for the repair."""
        computer_id = self.broken_computer
        site_id = computer_id.rsplit("-", 1)[0].replace("pc-", "site-")
        before = {c["slot_id"] for c in self.api.changes() if c["change"] == "assigned"}

        def refilled() -> list[str]:
            return [
                c["slot_id"]
                for c in self.api.changes()
                if c["change"] == "assigned"
                and c["slot_id"] not in before
                and c["detail"].get("computer_id") == computer_id
            ]

        self.api.computer_back(site_id, computer_id)
        self.back = True
        self.report.computer_back_at = self.now()
        self.say(self.now(), f"l'ordinateur {computer_id} ({site_name(site_id)}) est réparé")
        # Scheduling gives them within a second; a day running so late that no slot of the computer is left
        # to give (a loaded machine) goes on after a few seconds with none given.
        self.wait(lambda: bool(refilled()), BACK_WAIT_SECONDS)
        self.report.back_refilled = len(refilled())
        self.say(
            self.now(),
            f"{computer_id} de nouveau en service : {self.report.back_refilled} place(s) redonnée(s) "
            "à la liste d'attente",
        )

    def _walk_in(self) -> None:
        person = walk_in()
        site_id = f"site-{person.site_key}"
        # The host registers them; their organisation's counsellor follows them from now on.
        body = candidate_body(person, self.report.day, self.company_ids, self.counsellor_of)
        answer = self.api.walk_in(body, site_id)
        self.walked_in = True
        self.report.walk_in_candidate = str(answer["candidate_id"])
        self.rank[self.report.walk_in_candidate] = WALK_IN_RANK
        self.report.checked_in += 1
        self.say(
            self.now(),
            f"{candidate_name(self.report.walk_in_candidate, WALK_IN_RANK)} arrive sans inscription à "
            f"{site_name(site_id)} : inscrit(e) sur place par l'accueil",
        )
