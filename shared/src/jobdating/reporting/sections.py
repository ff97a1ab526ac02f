"""The report's sections, their names and how each figure is computed from a folded `ReportState`.

Definitions (a candidate is an id: erased candidates still count, their facts are anonymous):
- registered: a CandidateRegistered seen, counted under its referring organisation (as last updated).
- convoked: holds at least one `interview` slot of the scope that was assigned and not cancelled before the
  slot's day (a cancellation on the day itself, e.g. after a no-show, leaves the convocation standing).
- present: checked in (CandidateCheckedIn, or CandidateArrivedLate after a no-show) at a job dating of the
  scope.
- no-show after convocation: convoked, never checked in, and marked no-show (CandidateMarkedNoShow) or with an
  interview whose outcome is `no_show`; the rate is no-shows over convoked.
- interview held: a slot of the scope (any kind) whose last recorded outcome is not `no_show`.
- interviewed / second interview / hired (funnel): distinct candidates with at least one interview held / one
  outcome `second_interview` / one outcome `hired`.
- partners and companies appear by the name identity registered for their organisation
  (OrganisationRegistered), their id when the stream holds none.
- units: every count says what it counts (`Figure.noun`): candidates (people) or interviews, never both.
- computers of a site: every computer lent to it (ComputerAdded), out of order or taken back later or not.
  Interviews per computer: interviews held at the site over its computers. Occupancy: minutes of interviews
  held at the site over computers x minutes of the site's interview windows (breaks taken out) in the scope.
- scope: every job dating, or the one given (`--job-dating`), and with `--from/--to` those with at least one
  day in the period. When a scope is given, candidates, sites, computers and contributions are those of the
  scope's sites (the sites of its windows and of its slots) and candidates holding one of its slots.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from datetime import time

from jobdating.reporting.figures import Figure, Report, Scope, Unit
from jobdating.reporting.fold import Computer, ReportState, Slot, Workshop, timezone_of
from jobdating.reporting.timeline import timeline

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

Add = Callable[[str, str, "int | float | None", Unit, str], None]
PEOPLE = "candidats"
INTERVIEWS = "entretiens"
HELD_OUTCOMES = frozenset({"second_interview", "hired", "not_retained"})


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

    def add(section: str, key: str, value: int | float | None, unit: Unit = "count", noun: str = "") -> None:
        figures.append(Figure(section, key, value, unit, noun))

    # Every step of the funnel counts people (distinct candidates), never interviews.
    add(FUNNEL, REGISTERED, len(candidates), "count", PEOPLE)
    add(FUNNEL, CONVOKED, len(convoked), "count", PEOPLE)
    add(FUNNEL, PRESENT, len(present), "count", PEOPLE)
    add(FUNNEL, INTERVIEWED, len({slot.candidate_id for slot in held}), "count", PEOPLE)
    second = {slot.candidate_id for slot in slots if slot.outcome == "second_interview"}
    add(FUNNEL, SECOND, len(second), "count", PEOPLE)
    add(FUNNEL, HIRED, len({slot.candidate_id for slot in slots if slot.outcome == "hired"}), "count", PEOPLE)
    add(ATTENDANCE, NO_SHOWS, len(no_shows), "count", PEOPLE)
    add(ATTENDANCE, NO_SHOW_RATE, len(no_shows) / len(convoked) if convoked else None, "rate")
    withdrawn = sum(1 for cid in candidates if state.candidates[cid].withdrew)
    add(ATTENDANCE, WITHDRAWN, withdrawn, "count", PEOPLE)
    partners = _labels({org: state.organisations.get(org, org) for org in _orgs(state, candidates)})
    for org, n in sorted(
        Counter(state.candidates[cid].referring_org for cid in candidates).items(),
        key=lambda kv: partners[kv[0]],
    ):
        add(BY_PARTNER, partners[org], n, "count", PEOPLE)
    by_company = Counter(companies[slot.company_id] for slot in held)
    for name in sorted(set(companies.values())):
        add(BY_COMPANY, name, by_company[name], "count", INTERVIEWS)
    by_site = Counter(sites[slot.site_id] for slot in held if slot.site_id in sites)
    for sid in sorted(site_ids, key=lambda sid: sites[sid]):
        add(BY_SITE, sites[sid], by_site[sites[sid]], "count", INTERVIEWS)
    for sid in sorted(site_ids, key=lambda sid: sites[sid]):
        lent = sum(1 for c in computers.values() if c.site_id == sid)
        n_held = by_site[sites[sid]]
        minutes = sum((t.ends_at - t.starts_at).total_seconds() / 60 for t in held if t.site_id == sid)
        capacity = lent * _window_minutes(state, jds, sid)
        per_computer = n_held / lent if lent else None
        add(COMPUTERS, f"{sites[sid]} : ordinateurs", lent, "count", "ordinateurs")
        add(
            COMPUTERS,
            f"{sites[sid]} : entretiens par ordinateur",
            per_computer,
            "ratio",
            "entretiens par ordinateur",
        )
        add(COMPUTERS, f"{sites[sid]} : taux d'occupation", minutes / capacity if capacity else None, "rate")
    add(OUTCOMES, HELD, len(held), "count", INTERVIEWS)
    for outcome, label in OUTCOME_LABELS.items():
        add(OUTCOMES, label, outcome_counts[outcome], "count", INTERVIEWS)
    _contribution(state, add, site_ids, computers, workshops, candidates)
    return Report(
        scope=scope.describe(),
        as_of=scope.as_of,
        events=state.counted,
        later=state.later,
        figures=tuple(figures),
        timeline=timeline(state, slots, site_ids, computers, sites, companies),
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


def _convoking(state: ReportState, slot: Slot) -> bool:
    """Assigned and not cancelled before the slot's own day (local time of its job dating)."""
    if slot.cancelled_at is None:
        return True
    zone = timezone_of(state, slot.job_dating_id)
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


def _orgs(state: ReportState, candidates: set[str]) -> set[str]:
    return {state.candidates[cid].referring_org for cid in candidates}


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
    orgs = set(hosted) | set(lent) | set(coaches) | set(referred)
    names = _labels({org: state.organisations.get(org, org) for org in orgs})
    for org in sorted(orgs, key=lambda org: names[org]):
        name = names[org]
        add(CONTRIBUTION, f"{name} : sites accueillis", hosted[org], "count", "sites")
        add(CONTRIBUTION, f"{name} : ordinateurs prêtés", lent[org], "count", "ordinateurs")
        add(CONTRIBUTION, f"{name} : coachs", len(coaches[org]), "count", "coachs")
        add(CONTRIBUTION, f"{name} : ateliers co-animés", sessions[org], "count", "ateliers")
        add(CONTRIBUTION, f"{name} : candidats orientés", referred[org], "count", PEOPLE)
