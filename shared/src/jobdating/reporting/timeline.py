"""The schedule of a report's scope as it stands, per site, local day and computer."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from zoneinfo import ZoneInfo

from jobdating.reporting.figures import ComputerLine, OutOfOrder, SiteTimeline, TimelineSlot
from jobdating.reporting.fold import Computer, ReportState, Slot, timezone_of


def timeline(
    state: ReportState,
    slots: list[Slot],
    site_ids: set[str],
    computers: dict[str, Computer],
    sites: dict[str, str],
    companies: dict[str, str],
) -> tuple[SiteTimeline, ...]:
    """The schedule as it stands (after moves; cancelled slots left out), per site, local day and computer,
    with the breakdowns of each computer that day (a failed computer is why interviews moved)."""
    lines: dict[tuple[str, date, str], dict[str, list[TimelineSlot]]] = defaultdict(lambda: defaultdict(list))
    labels = {cid: c.label for cid, c in computers.items()}
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
                ComputerLine(
                    label,
                    tuple(sorted(items, key=lambda t: t.starts_at)),
                    _breakdowns(state, computers, labels, site, sites, label, day, zone),
                )
                for label, items in sorted(by_computer.items())
            ),
        )
        for (site, day, zone), by_computer in sorted(lines.items())
    )


def _breakdowns(
    state: ReportState,
    computers: dict[str, Computer],
    labels: dict[str, str],
    site: str,
    sites: dict[str, str],
    label: str,
    day: date,
    zone: str,
) -> tuple[OutOfOrder, ...]:
    """The breakdowns of the site's computer labelled `label` that touch the local `day`."""
    found = []
    for cid, computer in computers.items():
        if labels[cid] != label or sites.get(computer.site_id) != site:
            continue
        for broken in state.out_of_order.get(cid, []):
            local = ZoneInfo(zone)
            since = broken.since.astimezone(local).date()
            until = broken.until.astimezone(local).date() if broken.until else None
            if since <= day and (until is None or until >= day):
                found.append(OutOfOrder(broken.since, broken.until, broken.reason))
    return tuple(sorted(found, key=lambda b: b.since))
