"""Where and when a second interview can take place: the one rule its booking, its proposed times and its
following a candidate to a new site share.

A second interview happens on a computer of the candidate's site (`site`, like a first interview), at the
company's premises (`premises`, an address, no computer) or by video from anywhere (`video`, the company's
link or its promise to send one). Whatever the place, the candidate is never in two interviews at once and
keeps the job dating's buffer between two (`busy`, the planner's own definition), and the company never runs
more interviews at once than it has recruiters. On a site, the site must be open then and a working computer
free.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import msgspec

from jobdating.contracts.scheduling import VIDEO_LINK_SENT_BY_COMPANY, SecondPlace, company_video_link
from jobdating.scheduling.domain.calendar import local_text
from jobdating.scheduling.domain.errors import Conflict, Invalid
from jobdating.scheduling.domain.facts import CompanyFacts, ComputerFacts, SiteFacts
from jobdating.scheduling.domain.state import JobDatingState, SlotState
from jobdating.scheduling.planning.model import busy, overlaps

# What a video second interview says when the company sends its own link later.
SENT_BY_COMPANY = VIDEO_LINK_SENT_BY_COMPANY
# How far after the job dating's last day proposals look for a common free time.
DAYS_AFTER = 14


class Place(msgspec.Struct, frozen=True, kw_only=True):
    """Where a second interview takes place (see the module docstring)."""

    place: SecondPlace = "site"
    address: str | None = None
    video_link: str | None = None
    computer_id: str | None = None

    def checked(self) -> Place:
        """The place with what its kind needs, or Invalid naming the field."""
        if self.place == "premises" and not (self.address or "").strip():
            raise Invalid.on("address", "indiquez l'adresse des locaux de l'entreprise")
        if self.place != "site" and self.computer_id is not None:
            raise Invalid.on("computer_id", "un ordinateur du site ne sert qu'à un entretien sur le site")
        if self.place != "premises" and self.address is not None:
            raise Invalid.on(
                "address", "une adresse ne sert qu'à un entretien dans les locaux de l'entreprise"
            )
        if self.video_link is not None and self.place != "video":
            raise Invalid.on("video_link", "un lien de visio ne sert qu'à un entretien en visio")
        if self.video_link is not None and not company_video_link(self.video_link):
            raise Invalid.on("video_link", "donnez l'adresse complète de la visio, qui commence par https://")
        return self


class Around(msgspec.Struct, frozen=True, kw_only=True):
    """What a second interview's time is judged against: the job dating, the company, the candidate's site
    and its computers, and every active slot (any kind) of the candidate, the company and the site."""

    job_dating: JobDatingState
    company: CompanyFacts
    site: SiteFacts | None
    computers: Sequence[ComputerFacts]
    active: Sequence[SlotState]


def fit(
    around: Around, candidate_id: str, site_id: str, place: Place, starts_at: datetime, *, moving: str = ""
) -> str | None:
    """The computer a second interview from `starts_at` takes (None off site), or Conflict naming what is
    taken; `moving` is the slot id of a second interview being moved (its own place does not count)."""
    job_dating, company = around.job_dating, around.company
    starts_at = starts_at.astimezone(UTC)
    ends_at = starts_at + timedelta(minutes=job_dating.interview_minutes)
    buffer = timedelta(minutes=job_dating.buffer_minutes)
    zone = ZoneInfo(job_dating.timezone)
    _in_window(job_dating, starts_at.astimezone(zone).date())
    timed = [
        (s, s.starts_at, s.ends_at)
        for s in around.active
        if s.starts_at is not None and s.ends_at is not None and s.slot_id != moving
    ]
    if place.place == "site":
        _site_open(around.site, starts_at, ends_at, zone)
    for s, begins, ends in timed:
        if s.candidate_id == candidate_id and overlaps(busy(begins, ends, buffer), (starts_at, ends_at)):
            raise Conflict.on(
                "starts_at",
                f"le candidat a un entretien de {local_text(begins, zone)} "
                f"à {local_text(ends, zone)} : choisissez une autre heure",
            )
    during = [s for s, begins, ends in timed if overlaps((begins, ends), (starts_at, ends_at))]
    recruiting = sum(1 for s in during if s.company_id == company.company_id)
    if recruiting >= company.recruiters:
        raise Conflict.on("starts_at", "tous les recruteurs de l'entreprise sont pris à cette heure-là")
    if place.place != "site":
        return None
    taken = {s.computer_id for s in during if s.site_id == site_id}
    usable = [
        c
        for c in sorted(around.computers, key=lambda c: c.computer_id)
        if c.site_id == site_id and c.visio_ready and c.works_at(starts_at) and c.works_at(ends_at)
    ]
    if place.computer_id is not None:
        chosen = next((c for c in usable if c.computer_id == place.computer_id), None)
        if chosen is None:
            raise Conflict.on("computer_id", "cet ordinateur n'est pas utilisable sur le site du candidat")
        if chosen.computer_id in taken:
            raise Conflict.on("computer_id", "cet ordinateur est déjà pris à cette heure-là")
        return chosen.computer_id
    free = next((c.computer_id for c in usable if c.computer_id not in taken), None)
    if free is None:
        raise Conflict.on(
            "starts_at", "aucun ordinateur n'est libre sur le site du candidat à cette heure-là"
        )
    return free


def first_free_times(
    around: Around, candidate_id: str, site_id: str, place: Place, now: datetime, count: int
) -> list[tuple[datetime, str | None]]:
    """The first `count` times from `now` when the candidate and a recruiter are free (and, on the site, a
    computer): on the job dating's days and the `DAYS_AFTER` days after, within the company's hours, every
    interview length; each with the computer it would take."""
    found: list[tuple[datetime, str | None]] = []
    for starts_at in _times(around, now):
        try:
            found.append((starts_at, fit(around, candidate_id, site_id, place, starts_at)))
        except Conflict:
            continue
        if len(found) >= count:
            break
    return found


def nearest_free_time(
    around: Around, second: SlotState, site_id: str, now: datetime
) -> tuple[datetime, str | None] | None:
    """The same time on a free computer of `site_id`, else the nearest free time that day within the
    company's hours (earlier first on a tie, never before `now`), for a second interview that follows its
    candidate to a new site; None when that day has none."""
    assert second.starts_at is not None
    step = timedelta(minutes=around.job_dating.interview_minutes)
    here = Place(place="site")
    tries = [second.starts_at]
    for k in range(1, 24 * 60 // around.job_dating.interview_minutes):
        tries += [second.starts_at - k * step, second.starts_at + k * step]
    zone = ZoneInfo(around.job_dating.timezone)
    day = second.starts_at.astimezone(zone).date()
    for starts_at in tries:
        local = starts_at.astimezone(zone)
        if local.date() != day or starts_at <= now or not _in_hours(around.company, local, step):
            continue
        try:
            computer_id = fit(around, second.candidate_id, site_id, here, starts_at, moving=second.slot_id)
        except Conflict:
            continue
        return starts_at, computer_id
    return None


def _in_window(job_dating: JobDatingState, day: date) -> None:
    """A second interview is on a day of the job dating or of the `DAYS_AFTER` after it, as proposed."""
    if not job_dating.days:
        return
    first, last = min(job_dating.days), max(job_dating.days) + timedelta(days=DAYS_AFTER)
    if not first <= day <= last:
        raise Conflict.on(
            "starts_at", f"un second entretien a lieu entre le {first:%d/%m/%Y} et le {last:%d/%m/%Y}"
        )


def _in_hours(company: CompanyFacts, local_start: datetime, length: timedelta) -> bool:
    """Within the company's daily hours, from start to end."""
    end = (local_start + length).time()
    return (
        company.window_start <= local_start.time() and end <= company.window_end and end > local_start.time()
    )


def _site_open(site: SiteFacts | None, starts_at: datetime, ends_at: datetime, zone: ZoneInfo) -> None:
    if site is None or not site.open:
        raise Conflict.on("first_slot_id", "le site du candidat est fermé")
    local_start, local_end = starts_at.astimezone(zone), ends_at.astimezone(zone)
    hours = [h for h in site.hours if h.day == local_start.date()]
    if hours and not any(h.start <= local_start.time() and local_end.time() <= h.end for h in hours):
        opening = ", ".join(f"{h.start:%H:%M}-{h.end:%H:%M}" for h in hours)
        raise Conflict.on("starts_at", f"le site du candidat est ouvert ce jour-là : {opening}")


def _times(around: Around, now: datetime) -> Iterator[datetime]:
    """Starts within the company's daily hours, every interview length, from `now` on, day by day."""
    job_dating, company = around.job_dating, around.company
    zone = ZoneInfo(job_dating.timezone)
    step = timedelta(minutes=job_dating.interview_minutes)
    first = max(now.astimezone(zone).date(), min(job_dating.days, default=now.date()))
    last = max(job_dating.days, default=first) + timedelta(days=DAYS_AFTER)
    day = first
    while day <= last:
        if day.weekday() < 5 or day in job_dating.days:  # companies receive on working days
            yield from _on(day, company.window_start, company.window_end, step, zone, now)
        day += timedelta(days=1)


def _on(
    day: date, start: time, end: time, step: timedelta, zone: ZoneInfo, now: datetime
) -> Iterator[datetime]:
    at = datetime.combine(day, start, tzinfo=zone)
    close = datetime.combine(day, end, tzinfo=zone)
    while at + step <= close:
        if at > now:
            yield at.astimezone(UTC)
        at += step
