"""What can go wrong on the day, and what it changes in the instance.

Each disruption's tag is the `CancelReason` the contracts use for the slots it cancels or moves.
Applying a disruption twice changes nothing more (windows only shorten, a changed candidate or company is
replaced by the same one), so the service may apply it to an instance that already reflects it.
"""

from __future__ import annotations

import msgspec

from jobdating.contracts.scheduling import CancelReason
from jobdating.scheduling.planning.model import Candidate, Company, Computer, Instance, Moment, Window


class CandidateDisruption(msgspec.Struct, frozen=True, kw_only=True, gc=False):
    """Something that happened to one candidate."""

    candidate_id: str


class CompanyOnDay(msgspec.Struct, frozen=True, kw_only=True, gc=False):
    """Something that happened to one company on `day`."""

    company_id: str
    day: int


class CandidateWithdrew(CandidateDisruption, frozen=True, kw_only=True, gc=False, tag="candidate_withdrew"):
    """A candidate leaves the job dating: none of their interviews from now on."""


class CandidateNoShow(CandidateDisruption, frozen=True, kw_only=True, gc=False, tag="no_show"):
    """A candidate did not come on `day`: none of their interviews for the rest of that day."""

    day: int


class CompanyLate(CompanyOnDay, frozen=True, kw_only=True, gc=False, tag="company_late"):
    """A company arrives on `day` at `arrives` instead of the start of its window."""

    arrives: int


class CompanyLeft(CompanyOnDay, frozen=True, kw_only=True, gc=False, tag="company_left"):
    """A company leaves on `day` at `at`."""

    at: int


class ComputerBroke(msgspec.Struct, frozen=True, kw_only=True, gc=False, tag="computer_broken"):
    """A computer is out of order from `at` (until the site brings it back, which is a new instance)."""

    computer_id: str
    at: Moment


class SiteClosed(msgspec.Struct, frozen=True, kw_only=True, gc=False, tag="site_closed"):
    """A site closes from `at`."""

    site_id: str
    at: Moment


class CandidateChanged(CandidateDisruption, frozen=True, kw_only=True, gc=False, tag="candidate_changed"):
    """A candidate changed their site, availability or wishes after publication: `candidate` is who they
    are now, None when they no longer come to any site of the job dating."""

    candidate: Candidate | None = None


class CompanyChanged(msgspec.Struct, frozen=True, kw_only=True, gc=False, tag="company_changed"):
    """A company changed its window, day or number of recruiters after publication: `company` is how it
    is now."""

    company_id: str
    company: Company


Disruption = (
    CandidateWithdrew
    | CandidateNoShow
    | CandidateChanged
    | CompanyLate
    | CompanyLeft
    | CompanyChanged
    | ComputerBroke
    | SiteClosed
)


def reason(disruption: Disruption) -> CancelReason:
    """The contracts' reason for the slots this disruption cancels or moves."""
    tag = type(disruption).__struct_config__.tag
    assert isinstance(tag, str)
    return tag  # type: ignore[return-value]


def until(windows: tuple[Window, ...], moment: Moment) -> tuple[Window, ...]:
    """The parts of `windows` before `moment`."""
    kept: list[Window] = []
    for w in windows:
        if w.day < moment.day or (w.day == moment.day and w.end <= moment.minute):
            kept.append(w)
        elif w.day == moment.day and w.start < moment.minute:
            kept.append(Window(day=w.day, start=w.start, end=moment.minute))
    return tuple(kept)


def _from(windows: tuple[Window, ...], day: int, minute: int) -> tuple[Window, ...]:
    """`windows` with day `day` starting no earlier than `minute`."""
    kept: list[Window] = []
    for w in windows:
        if w.day != day or w.start >= minute:
            kept.append(w)
        elif w.end > minute:
            kept.append(Window(day=w.day, start=minute, end=w.end))
    return tuple(kept)


def _day_until(windows: tuple[Window, ...], day: int, minute: int) -> tuple[Window, ...]:
    """`windows` with day `day` ending no later than `minute`, other days untouched."""
    kept: list[Window] = []
    for w in windows:
        if w.day != day or w.end <= minute:
            kept.append(w)
        elif w.start < minute:
            kept.append(Window(day=w.day, start=w.start, end=minute))
    return tuple(kept)


def apply_disruption(instance: Instance, disruption: Disruption, now: Moment) -> Instance:
    """The instance once `disruption` is known at `now`. A candidate who withdraws or does not show also
    loses their pins (the coordinator decides again); other pins stay, and the checker reports the ones a
    repair had to cancel."""
    replace = msgspec.structs.replace
    if isinstance(disruption, CandidateChanged) and disruption.candidate is not None:
        changed = disruption.candidate
        if all(c.id != changed.id for c in instance.candidates):
            return replace(instance, candidates=(*instance.candidates, changed))
        return replace(
            instance, candidates=tuple(changed if c.id == changed.id else c for c in instance.candidates)
        )
    if isinstance(disruption, CandidateChanged):
        disruption = CandidateWithdrew(candidate_id=disruption.candidate_id)  # gone from the job dating
    if isinstance(disruption, CompanyChanged):
        changed_company = disruption.company
        return replace(
            instance,
            companies=tuple(changed_company if k.id == changed_company.id else k for k in instance.companies),
        )
    if isinstance(disruption, CandidateWithdrew | CandidateNoShow):
        candidates = tuple(
            replace(c, available=_absent(c.available, disruption, now))
            if c.id == disruption.candidate_id
            else c
            for c in instance.candidates
        )
        pins = tuple(p for p in instance.pins if p.candidate_id != disruption.candidate_id)
        return replace(instance, candidates=candidates, pins=pins)
    if isinstance(disruption, CompanyLate | CompanyLeft):
        companies = tuple(
            replace(k, windows=_company_windows(k.windows, disruption))
            if k.id == disruption.company_id
            else k
            for k in instance.companies
        )
        return replace(instance, companies=companies)
    if isinstance(disruption, ComputerBroke):
        computers = tuple(
            _broken(p, instance, disruption.at) if p.id == disruption.computer_id else p
            for p in instance.computers
        )
        return replace(instance, computers=computers)
    sites = tuple(
        replace(s, opening=until(s.opening, disruption.at)) if s.id == disruption.site_id else s
        for s in instance.sites
    )
    return replace(instance, sites=sites)


def _absent(
    windows: tuple[Window, ...], disruption: CandidateWithdrew | CandidateNoShow, now: Moment
) -> tuple[Window, ...]:
    if isinstance(disruption, CandidateWithdrew):
        return until(windows, now)
    # A no-show only loses the rest of that day (all of it when told beforehand).
    if now.day > disruption.day:
        return windows
    cut = now if now.day == disruption.day else Moment(day=disruption.day, minute=0)
    return tuple(w for w in windows if w.day != disruption.day) + until(
        tuple(w for w in windows if w.day == disruption.day), cut
    )


def _company_windows(
    windows: tuple[Window, ...], disruption: CompanyLate | CompanyLeft
) -> tuple[Window, ...]:
    if isinstance(disruption, CompanyLate):
        return _from(windows, disruption.day, disruption.arrives)
    return _day_until(windows, disruption.day, disruption.at)


def _broken(computer: Computer, instance: Instance, at: Moment) -> Computer:
    site = next((s for s in instance.sites if s.id == computer.site_id), None)
    windows = (
        computer.available if computer.available is not None else (site.opening if site is not None else ())
    )
    return msgspec.structs.replace(computer, available=until(windows, at))
