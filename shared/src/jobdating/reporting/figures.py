"""What a report is made of: its `Scope`, its `Figure`s (section, key, value), the schedule per site and
computer (`SiteTimeline`), all in one `Report`. Renderers only ever format a `Report`, so a table, a
CSV file and an HTML page cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Literal

Unit = Literal["count", "rate", "ratio"]
NOT_APPLICABLE = "—"


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


@dataclass(frozen=True)
class Figure:
    """One number of the report: `value` is None when it cannot be computed (a rate over zero). `noun`
    says what a count or ratio counts, in the plural (`candidats`, `entretiens par ordinateur`): a funder
    must not add people to interviews."""

    section: str
    key: str
    value: int | float | None
    unit: Unit = "count"
    noun: str = ""


@dataclass(frozen=True)
class TimelineSlot:
    starts_at: datetime
    ends_at: datetime
    company: str
    kind: str
    status: str  # an outcome, or "planned"


@dataclass(frozen=True)
class OutOfOrder:
    """A computer's breakdown on the schedule: from `since` until `until` (None: to the end of the day)."""

    since: datetime
    until: datetime | None
    reason: str


@dataclass(frozen=True)
class ComputerLine:
    label: str
    slots: tuple[TimelineSlot, ...]
    out_of_order: tuple[OutOfOrder, ...] = ()


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


def display(figure: Figure) -> str:
    """A figure as a French reader expects it, with what it counts: `12 candidats`, `16,7 %`,
    `1,50 entretien par ordinateur`, or a dash when not computable."""
    if figure.value is None:
        return NOT_APPLICABLE
    number = french_number(figure)
    if figure.unit == "rate":
        return f"{number} %"
    return f"{number} {unit_of(figure)}".rstrip()


def french_number(figure: Figure) -> str:
    """The value alone, rounded as shown, with a decimal comma: `12`, `16,7` (a rate, in percent), `1,50`;
    empty when not computable."""
    if figure.value is None:
        return ""
    if figure.unit == "rate":
        return f"{figure.value * 100:.1f}".replace(".", ",")
    if figure.unit == "ratio":
        return f"{figure.value:.2f}".replace(".", ",")
    return str(figure.value)


def unit_of(figure: Figure) -> str:
    """What the number counts, agreed with it (French: singular below 2): `1 candidat`, `4 candidats`."""
    if figure.unit == "rate":
        return "%"
    if not figure.noun or figure.value is None or abs(figure.value) >= 2:
        return figure.noun
    first, _, rest = figure.noun.partition(" ")
    return " ".join(part for part in (first.removesuffix("s"), rest) if part)


def machine_value(figure: Figure) -> str:
    """Counts as integers, rates and ratios as unrounded decimals with a dot (0.25 is 25 %), empty if not
    computable: what a script reads (the HTML page's data attributes)."""
    if figure.value is None:
        return ""
    if isinstance(figure.value, int):
        return str(figure.value)
    return repr(float(figure.value))


def window_of(timeline: SiteTimeline) -> tuple[datetime, datetime]:
    """The earliest start and latest end of a site's schedule (one minute when empty)."""
    starts = [t.starts_at for line in timeline.computers for t in line.slots]
    ends = [t.ends_at for line in timeline.computers for t in line.slots]
    if not starts:
        now = datetime(2000, 1, 1)
        return now, now + timedelta(minutes=1)
    return min(starts), max(ends)
