"""The report's projection: a fold of the stream's events into a `ReportState`, then one `Report`.

`evolve(state, event)` folds one recorded event (no I/O, no clock: it updates the state it is given, which
belongs to the fold, and returns it). `compute(state, scope)` turns the state into the figures. Renderers
only ever format a `Report`, so a table, a CSV file and an HTML page cannot disagree.

`--as-of` keeps the events whose envelope `occurred_at` (when the fact happened, by the clock of the service
that decided it) is at or before the instant: the stream interleaves services and organisations, so events
after the instant are skipped, not taken as the end of the replay.

Definitions (a candidate is an id: erased candidates still count, their facts are anonymous):
- registered: a CandidateRegistered seen, counted under its referring organisation (as last updated).
- convoked: holds at least one `interview` slot of the scope that was assigned and not cancelled before the
  slot's day (a cancellation on the day itself, e.g. after a no-show, leaves the convocation standing).
- present: checked in (CandidateCheckedIn) at a job dating of the scope.
- no-show after convocation: convoked, never checked in, and marked no-show (CandidateMarkedNoShow) or with an
  interview whose outcome is `no_show`; the rate is no-shows over convoked.
- interview held: a slot of the scope (any kind) whose last recorded outcome is not `no_show`.
- interviewed / second interview / hired (funnel): distinct candidates with at least one interview held / one
  outcome `second_interview` / one outcome `hired`.
- computers of a site: every computer lent to it (ComputerAdded), out of order or taken back later or not.
  Interviews per computer: interviews held at the site over its computers. Occupancy: minutes of interviews
  held at the site over computers x minutes of the site's interview windows (breaks taken out) in the scope.
- scope: every job dating, or the one given (`--job-dating`), and with `--from/--to` those with at least one
  day in the period. When a scope is given, candidates, sites, computers and contributions are those of the
  scope's sites (the sites of its windows and of its slots) and candidates holding one of its slots.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from jobdating.contracts import registration as r
from jobdating.contracts import scheduling as sc
from jobdating.contracts import sites as s
from jobdating.contracts.envelope import RecordedEvent

Unit = Literal["count", "rate", "ratio"]
Add = Callable[[str, str, "int | float | None", Unit], None]
DEFAULT_TIMEZONE = "Europe/Paris"

FUNNEL = "Parcours"
ATTENDANCE = "Présence"
BY_PARTNER = "Inscrits par partenaire"
BY_COMPANY = "Entretiens tenus par entreprise"
BY_SITE = "Entretiens tenus par site"
COMPUTERS = "Usage des ordinateurs par site"
OUTCOMES = "Issues des entretiens"
CONTRIBUTION = "Contribution des partenaires"

REGISTERED = "Inscrits"
CONVOKED = "Convoqués"
PRESENT = "Présents"
INTERVIEWED = "Reçus en entretien"
SECOND = "Retenus pour un second entretien"
HIRED = "Embauchés"
NO_SHOWS = "Absents après convocation"
NO_SHOW_RATE = "Taux d'absence après convocation"
WITHDRAWN = "Désistements"
HELD = "Entretiens tenus"
OUTCOME_LABELS: dict[str, str] = {
    "second_interview": "Second entretien",
    "hired": "Embauche",
    "not_retained": "Non retenu",
    "no_show": "Absence",
}
HELD_OUTCOMES = frozenset({"second_interview", "hired", "not_retained"})


@dataclass(frozen=True)
class Scope:
    """Which job datings, which period, as of when (an aware datetime)."""

    job_dating_id: str | None = None
    start: date | None = None
    end: date | None = None
    as_of: datetime | None = None

    @property
    def filtered(self) -> bool:
        return self.job_dating_id is not None or self.start is not None or self.end is not None

    def describe(self) -> str:
        parts = [f"job dating {self.job_dating_id}" if self.job_dating_id else "tous les job datings"]
        if self.start or self.end:
            parts.append(f"du {self.start or '…'} au {self.end or '…'}")
        parts.append(f"état au {self.as_of.isoformat()}" if self.as_of else "état actuel")
        return ", ".join(parts)


@dataclass
class Candidate:
    referring_org: str
    site_id: str
    withdrew: bool = False


@dataclass
class Computer:
    site_id: str
    label: str
    lending_org: str


@dataclass
class JobDating:
    title: str
    days: tuple[date, ...]
    site_windows: tuple[sc.SiteWindow, ...]
    breaks: tuple[sc.Break, ...]
    timezone: str


@dataclass
class Slot:
    job_dating_id: str
    candidate_id: str
    company_id: str
    site_id: str
    computer_id: str | None
    starts_at: datetime
    ends_at: datetime
    kind: str
    cancelled_at: datetime | None = None
    outcome: str | None = None


@dataclass
class Workshop:
    job_dating_id: str
    site_id: str
    coaches: tuple[tuple[str, str], ...]  # (coach id, org)


@dataclass
class ReportState:
    """Everything the figures need, folded from the stream."""

    as_of: datetime | None = None
    counted: int = 0
    later: int = 0
    candidates: dict[str, Candidate] = field(default_factory=dict)
    companies: dict[str, str] = field(default_factory=dict)
    sites: dict[str, s.SiteOpened] = field(default_factory=dict)
    computers: dict[str, Computer] = field(default_factory=dict)
    job_datings: dict[str, JobDating] = field(default_factory=dict)
    slots: dict[str, Slot] = field(default_factory=dict)
    checked_in: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    marked_no_show: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    workshops: dict[str, Workshop] = field(default_factory=dict)


def evolve(state: ReportState, event: RecordedEvent) -> ReportState:
    """Fold one event; events after `state.as_of` (by `occurred_at`) are counted as later and skipped."""
    if state.as_of is not None and event.envelope.occurred_at > state.as_of:
        state.later += 1
        return state
    state.counted += 1
    data = event.data
    if isinstance(data, r.CandidateRegistered | r.CandidateRegisteredV1):
        state.candidates[data.candidate_id] = Candidate(data.profile.referring_org, data.profile.site_id)
    elif isinstance(data, r.CandidateUpdated):
        known = state.candidates.get(data.candidate_id)
        if known is not None and data.profile is not None:
            known.referring_org = data.profile.referring_org
            known.site_id = data.profile.site_id
    elif isinstance(data, r.CandidateWithdrew):
        if data.candidate_id in state.candidates:
            state.candidates[data.candidate_id].withdrew = True
    elif isinstance(data, r.CompanyRegistered):
        state.companies[data.company_id] = data.profile.name
    elif isinstance(data, r.CompanyUpdated):
        if data.profile is not None:
            state.companies[data.company_id] = data.profile.name
    elif isinstance(data, s.SiteOpened):
        state.sites[data.site_id] = data
    elif isinstance(data, s.ComputerAdded):
        state.computers[data.computer_id] = Computer(data.site_id, data.label, data.lending_org)
    elif isinstance(data, sc.JobDatingPlanned):
        state.job_datings[data.job_dating_id] = JobDating(
            data.title, data.days, data.site_windows, data.breaks, data.timezone
        )
    else:
        _evolve_day(state, event)
    return state


def _evolve_day(state: ReportState, event: RecordedEvent) -> None:
    data = event.data
    if isinstance(data, sc.SlotAssigned):
        state.slots[data.slot_id] = Slot(
            data.job_dating_id,
            data.candidate_id,
            data.company_id,
            data.site_id,
            data.computer_id,
            data.starts_at,
            data.ends_at,
            data.kind,
        )
    elif isinstance(data, sc.SlotMoved):
        slot = state.slots.get(data.slot_id)
        if slot is not None:
            slot.site_id, slot.computer_id = data.site_id, data.computer_id
            slot.starts_at, slot.ends_at = data.starts_at, data.ends_at
    elif isinstance(data, sc.SlotCancelled):
        slot = state.slots.get(data.slot_id)
        if slot is not None and slot.cancelled_at is None:
            slot.cancelled_at = event.envelope.occurred_at
    elif isinstance(data, sc.InterviewCompleted):
        slot = state.slots.get(data.slot_id)
        if slot is not None:
            slot.outcome = data.outcome
    elif isinstance(data, sc.CandidateCheckedIn):
        state.checked_in[data.job_dating_id].add(data.candidate_id)
    elif isinstance(data, sc.CandidateMarkedNoShow):
        state.marked_no_show[data.job_dating_id].add(data.candidate_id)
    elif isinstance(data, sc.WorkshopScheduled):
        state.workshops[data.workshop_id] = Workshop(
            data.job_dating_id, data.site_id, tuple(zip(data.coach_ids, data.coach_orgs, strict=True))
        )


def fold(events: Iterable[RecordedEvent], state: ReportState) -> ReportState:
    for event in events:
        state = evolve(state, event)
    return state


@dataclass(frozen=True)
class Figure:
    """One number of the report: `value` is None when it cannot be computed (a rate over zero)."""

    section: str
    key: str
    value: int | float | None
    unit: Unit = "count"


@dataclass(frozen=True)
class TimelineSlot:
    starts_at: datetime
    ends_at: datetime
    company: str
    kind: str
    status: str  # an outcome, or "planned"


@dataclass(frozen=True)
class ComputerLine:
    label: str
    slots: tuple[TimelineSlot, ...]


@dataclass(frozen=True)
class SiteTimeline:
    site: str
    day: date
    timezone: str
    computers: tuple[ComputerLine, ...]


@dataclass(frozen=True)
class Report:
    """The computed figures (in display order), the schedule per site and computer, and what was read."""

    scope: str
    as_of: datetime | None
    events: int
    later: int
    figures: tuple[Figure, ...]
    timeline: tuple[SiteTimeline, ...]

    def value(self, section: str, key: str) -> int | float | None:
        for figure in self.figures:
            if figure.section == section and figure.key == key:
                return figure.value
        raise KeyError((section, key))

    def section(self, section: str) -> dict[str, int | float | None]:
        return {f.key: f.value for f in self.figures if f.section == section}

    @property
    def sections(self) -> list[str]:
        return list(dict.fromkeys(f.section for f in self.figures))


def compute(state: ReportState, scope: Scope) -> Report:
    """The report of a scope from a folded state."""
    jds = {jd for jd in _job_dating_ids(state) if _selected(state, scope, jd)}
    slots = [slot for slot in state.slots.values() if slot.job_dating_id in jds]
    site_ids = _scoped_sites(state, scope, jds, slots)
    candidates = _scoped_candidates(state, scope, site_ids, slots)
    workshops = [w for w in state.workshops.values() if w.job_dating_id in jds]
    computers = {cid: c for cid, c in state.computers.items() if c.site_id in site_ids}
    companies = _labels(
        {slot.company_id: state.companies.get(slot.company_id, slot.company_id) for slot in slots}
    )
    sites = _labels({sid: state.sites[sid].name if sid in state.sites else sid for sid in site_ids})

    convoked = {slot.candidate_id for slot in slots if slot.kind == "interview" and _convoking(state, slot)}
    present = set().union(*(state.checked_in.get(jd, set()) for jd in jds))
    marked = set().union(*(state.marked_no_show.get(jd, set()) for jd in jds))
    marked |= {slot.candidate_id for slot in slots if slot.outcome == "no_show"}
    no_shows = (convoked - present) & marked
    held = [slot for slot in slots if slot.outcome in HELD_OUTCOMES]
    outcome_counts = Counter(slot.outcome for slot in slots if slot.outcome is not None)

    figures: list[Figure] = []

    def add(section: str, key: str, value: int | float | None, unit: Unit = "count") -> None:
        figures.append(Figure(section, key, value, unit))

    add(FUNNEL, REGISTERED, len(candidates))
    add(FUNNEL, CONVOKED, len(convoked))
    add(FUNNEL, PRESENT, len(present))
    add(FUNNEL, INTERVIEWED, len({slot.candidate_id for slot in held}))
    add(FUNNEL, SECOND, len({slot.candidate_id for slot in slots if slot.outcome == "second_interview"}))
    add(FUNNEL, HIRED, len({slot.candidate_id for slot in slots if slot.outcome == "hired"}))
    add(ATTENDANCE, NO_SHOWS, len(no_shows))
    add(ATTENDANCE, NO_SHOW_RATE, len(no_shows) / len(convoked) if convoked else None, "rate")
    add(ATTENDANCE, WITHDRAWN, sum(1 for cid in candidates if state.candidates[cid].withdrew))
    for org, n in sorted(Counter(state.candidates[cid].referring_org for cid in candidates).items()):
        add(BY_PARTNER, org, n)
    by_company = Counter(companies[slot.company_id] for slot in held)
    for name in sorted(set(companies.values())):
        add(BY_COMPANY, name, by_company[name])
    by_site = Counter(sites[slot.site_id] for slot in held if slot.site_id in sites)
    for sid in sorted(site_ids, key=lambda sid: sites[sid]):
        add(BY_SITE, sites[sid], by_site[sites[sid]])
    for sid in sorted(site_ids, key=lambda sid: sites[sid]):
        lent = sum(1 for c in computers.values() if c.site_id == sid)
        n_held = by_site[sites[sid]]
        minutes = sum((t.ends_at - t.starts_at).total_seconds() / 60 for t in held if t.site_id == sid)
        capacity = lent * _window_minutes(state, jds, sid)
        add(COMPUTERS, f"{sites[sid]} : ordinateurs", lent)
        add(COMPUTERS, f"{sites[sid]} : entretiens par ordinateur", n_held / lent if lent else None, "ratio")
        add(COMPUTERS, f"{sites[sid]} : taux d'occupation", minutes / capacity if capacity else None, "rate")
    add(OUTCOMES, HELD, len(held))
    for outcome, label in OUTCOME_LABELS.items():
        add(OUTCOMES, label, outcome_counts[outcome])
    _contribution(state, add, site_ids, computers, workshops, candidates)
    return Report(
        scope=scope.describe(),
        as_of=scope.as_of,
        events=state.counted,
        later=state.later,
        figures=tuple(figures),
        timeline=_timeline(state, slots, site_ids, computers, sites, companies),
    )


def _job_dating_ids(state: ReportState) -> set[str]:
    return (
        set(state.job_datings)
        | {slot.job_dating_id for slot in state.slots.values()}
        | set(state.checked_in)
        | set(state.marked_no_show)
        | {w.job_dating_id for w in state.workshops.values()}
    )


def _selected(state: ReportState, scope: Scope, job_dating_id: str) -> bool:
    if scope.job_dating_id is not None and job_dating_id != scope.job_dating_id:
        return False
    if scope.start is None and scope.end is None:
        return True
    planned = state.job_datings.get(job_dating_id)
    if planned is None:
        return False
    return any((scope.start or day) <= day <= (scope.end or day) for day in planned.days)


def _scoped_sites(state: ReportState, scope: Scope, jds: set[str], slots: list[Slot]) -> set[str]:
    if not scope.filtered:
        return set(state.sites) | {slot.site_id for slot in slots}
    windows = {w.site_id for jd in jds if jd in state.job_datings for w in state.job_datings[jd].site_windows}
    return windows | {slot.site_id for slot in slots}


def _scoped_candidates(state: ReportState, scope: Scope, site_ids: set[str], slots: list[Slot]) -> set[str]:
    if not scope.filtered:
        return set(state.candidates)
    holding = {slot.candidate_id for slot in slots}
    return {cid for cid, c in state.candidates.items() if c.site_id in site_ids or cid in holding}


def _timezone(state: ReportState, job_dating_id: str) -> ZoneInfo:
    planned = state.job_datings.get(job_dating_id)
    return ZoneInfo(planned.timezone if planned else DEFAULT_TIMEZONE)


def _convoking(state: ReportState, slot: Slot) -> bool:
    """Assigned and not cancelled before the slot's own day (local time of its job dating)."""
    if slot.cancelled_at is None:
        return True
    zone = _timezone(state, slot.job_dating_id)
    return slot.cancelled_at.astimezone(zone).date() >= slot.starts_at.astimezone(zone).date()


def _window_minutes(state: ReportState, jds: set[str], site_id: str) -> float:
    total = 0.0
    for jd in jds:
        planned = state.job_datings.get(jd)
        if planned is None:
            continue
        for window in planned.site_windows:
            if window.site_id != site_id:
                continue
            start, end = _minutes(window.start), _minutes(window.end)
            total += end - start
            for pause in planned.breaks:
                if pause.day == window.day:
                    total -= max(0.0, min(end, _minutes(pause.end)) - max(start, _minutes(pause.start)))
    return total


def _minutes(moment: time) -> float:
    return float(moment.hour * 60 + moment.minute)


def _labels(names: dict[str, str]) -> dict[str, str]:
    """A display label per id: its name, or `name (id)` when two ids share a name."""
    seen = Counter(names.values())
    return {key: name if seen[name] == 1 else f"{name} ({key})" for key, name in names.items()}


def _contribution(
    state: ReportState,
    add: Add,
    site_ids: set[str],
    computers: dict[str, Computer],
    workshops: list[Workshop],
    candidates: set[str],
) -> None:
    hosted = Counter(state.sites[sid].host_org for sid in site_ids if sid in state.sites)
    lent = Counter(c.lending_org for c in computers.values())
    coaches: dict[str, set[str]] = defaultdict(set)
    sessions: Counter[str] = Counter()
    for workshop in workshops:
        for coach_id, org in workshop.coaches:
            coaches[org].add(coach_id)
        for org in {org for _, org in workshop.coaches}:
            sessions[org] += 1
    referred = Counter(state.candidates[cid].referring_org for cid in candidates)
    for org in sorted(set(hosted) | set(lent) | set(coaches) | set(referred)):
        add(CONTRIBUTION, f"{org} : sites accueillis", hosted[org], "count")
        add(CONTRIBUTION, f"{org} : ordinateurs prêtés", lent[org], "count")
        add(CONTRIBUTION, f"{org} : coachs", len(coaches[org]), "count")
        add(CONTRIBUTION, f"{org} : ateliers co-animés", sessions[org], "count")
        add(CONTRIBUTION, f"{org} : candidats orientés", referred[org], "count")


def _timeline(
    state: ReportState,
    slots: list[Slot],
    site_ids: set[str],
    computers: dict[str, Computer],
    sites: dict[str, str],
    companies: dict[str, str],
) -> tuple[SiteTimeline, ...]:
    """The schedule as it stands (after moves; cancelled slots left out), per site, local day and computer."""
    lines: dict[tuple[str, date, str], dict[str, list[TimelineSlot]]] = defaultdict(lambda: defaultdict(list))
    for slot in slots:
        if slot.cancelled_at is not None or slot.site_id not in site_ids:
            continue
        zone = _timezone(state, slot.job_dating_id)
        computer = computers.get(slot.computer_id or "")
        label = computer.label if computer else (slot.computer_id or "sans ordinateur")
        day = slot.starts_at.astimezone(zone).date()
        lines[(sites[slot.site_id], day, str(zone))][label].append(
            TimelineSlot(
                slot.starts_at, slot.ends_at, companies[slot.company_id], slot.kind, slot.outcome or "planned"
            )
        )
    return tuple(
        SiteTimeline(
            site=site,
            day=day,
            timezone=zone,
            computers=tuple(
                ComputerLine(label, tuple(sorted(items, key=lambda t: t.starts_at)))
                for label, items in sorted(by_computer.items())
            ),
        )
        for (site, day, zone), by_computer in sorted(lines.items())
    )


def window_of(timeline: SiteTimeline) -> tuple[datetime, datetime]:
    """The earliest start and latest end of a site's schedule (one minute when empty)."""
    starts = [t.starts_at for line in timeline.computers for t in line.slots]
    ends = [t.ends_at for line in timeline.computers for t in line.slots]
    if not starts:
        now = datetime(2000, 1, 1)
        return now, now + timedelta(minutes=1)
    return min(starts), max(ends)
