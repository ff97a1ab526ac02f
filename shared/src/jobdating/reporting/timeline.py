"""The schedule of a report's scope as it stands, per site, local day and computer."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from jobdating.reporting.figures import ComputerLine, SiteTimeline, TimelineSlot
from jobdating.reporting.fold import Computer, ReportState, Slot, timezone_of


def timeline(
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
        zone = timezone_of(state, slot.job_dating_id)
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
