"""The report as one self-contained HTML page: inline CSS and inline SVG, no external asset at all.

Every figure is a row of one table carrying its section, key and machine value as data attributes (what a
script or a test reads); the funnel chart draws the `Parcours` figures of that same report, and the schedule
is drawn per site, one line per computer, from the slots as they stand (moves applied, cancellations removed).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from html import escape
from zoneinfo import ZoneInfo

from jobdating.reporting.figures import Report, SiteTimeline, display, machine_value, window_of
from jobdating.reporting.sections import FUNNEL

STATUS = {
    "planned": ("prévu", "#9db4d6"),
    "second_interview": ("second entretien", "#f0a202"),
    "hired": ("embauche", "#2e8b57"),
    "not_retained": ("non retenu", "#8c8c8c"),
    "no_show": ("absence", "#c0392b"),
}
KIND = {"interview": "entretien", "second_interview": "second entretien"}
BROKEN = ("ordinateur en panne", "#6c3483")  # not the red of an absence
CHAR_PX = 7.5  # width of a 12 px character, generous: a label's room is computed, never cut

CSS = """
body { font-family: system-ui, sans-serif; margin: 2rem; color: #1d1d1f; max-width: 72rem; }
h1 { font-size: 1.6rem; } h2 { font-size: 1.25rem; margin-top: 2rem; } h3 { font-size: 1.05rem; }
table.figures { border-collapse: collapse; width: 100%; }
table.figures td, table.figures th { border-bottom: 1px solid #ddd; padding: .3rem .6rem; text-align: left; }
table.figures td.value { text-align: right; font-variant-numeric: tabular-nums; }
.legend span { display: inline-block; margin-right: 1rem; }
.legend i { display: inline-block; width: .9rem; height: .9rem; margin-right: .3rem; vertical-align: middle; }
svg text { font-size: 12px; fill: #1d1d1f; }
"""


def _attr(value: str) -> str:
    return escape(value, quote=True)


def _room(texts: list[str]) -> float:
    return CHAR_PX * max([len(t) for t in texts] + [1]) + 12


def _funnel(report: Report) -> str:
    steps = [f for f in report.figures if f.section == FUNNEL]
    top = max([int(f.value or 0) for f in steps] + [1])
    row, bar_w = 34, 480
    label_w, value_w = _room([f.key for f in steps]), _room([display(f) for f in steps])
    parts = [
        f'<svg role="img" aria-label="Parcours des candidats (nombre de personnes)" '
        f'width="{label_w + bar_w + value_w:.0f}" height="{row * len(steps) + 10}">'
    ]
    for i, step in enumerate(steps):
        value = int(step.value or 0)
        width = max(1.0, bar_w * value / top)
        x = label_w + (bar_w - width) / 2
        y = 5 + i * row
        parts.append(
            f'<g class="funnel-step" data-key="{_attr(step.key)}" data-value="{value}">'
            f'<text x="0" y="{y + 20}">{escape(step.key)}</text>'
            f'<rect x="{x:.1f}" y="{y}" width="{width:.1f}" height="{row - 8}" fill="#3867a8" rx="3"/>'
            f'<text x="{label_w + bar_w + 10:.1f}" y="{y + 20}">{escape(display(step))}</text></g>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _timeline(site: SiteTimeline) -> str:
    zone = ZoneInfo(site.timezone)
    start, end = window_of(site)
    start = start.astimezone(zone).replace(minute=0, second=0, microsecond=0)
    end = end.astimezone(zone)
    span = max((end - start).total_seconds(), 60.0)
    plot_w, row = 760, 26
    label_w = _room([line.label for line in site.computers])
    height = 30 + row * len(site.computers)

    def x(moment: datetime) -> float:
        return label_w + plot_w * (moment.astimezone(zone) - start).total_seconds() / span

    parts = [
        f'<svg role="img" aria-label="Planning : {_attr(site.site)}, {site.day:%d/%m/%Y}" '
        f'width="{label_w + plot_w + 50:.0f}" '
        f'height="{height}">'
    ]
    tick = start
    while tick <= end:
        parts.append(
            f'<line x1="{x(tick):.1f}" y1="18" x2="{x(tick):.1f}" y2="{height}" stroke="#e2e2e2"/>'
            f'<text x="{x(tick) + 2:.1f}" y="12">{tick:%H:%M}</text>'
        )
        tick += timedelta(hours=1)
    for i, line in enumerate(site.computers):
        y = 22 + i * row
        parts.append(f'<text x="0" y="{y + 16}">{escape(line.label)}</text>')
        for broken in line.out_of_order:
            # Drawn under the interviews: the ones that stayed on it are the ones held before it broke.
            left = max(x(broken.since), label_w)
            right = x(min(broken.until, end)) if broken.until else label_w + plot_w
            since = broken.since.astimezone(zone)
            back = f", réparé à {broken.until.astimezone(zone):%H:%M}" if broken.until else ""
            parts.append(
                f'<g class="out-of-order"><rect x="{left:.1f}" y="{y - 2}" '
                f'width="{max(right - left, 2):.1f}" '
                f'height="{row - 2}" fill="{BROKEN[1]}" fill-opacity="0.18" stroke="{BROKEN[1]}" '
                f'stroke-dasharray="4 2"><title>En panne depuis '
                f"{since:%H:%M} : {escape(broken.reason)}{escape(back)}</title></rect>"
                f'<text x="{left + 3:.1f}" y="{y + 16}" style="font-size:10px;fill:{BROKEN[1]}" '
                f'pointer-events="none">en panne {since:%H:%M}</text></g>'
            )
        for slot in line.slots:
            label, colour = STATUS.get(slot.status, (slot.status, "#9db4d6"))
            left, right = x(slot.starts_at), x(slot.ends_at)
            when = f"{slot.starts_at.astimezone(zone):%H:%M}–{slot.ends_at.astimezone(zone):%H:%M}"
            parts.append(
                f'<rect x="{left:.1f}" y="{y}" width="{max(right - left - 1, 1):.1f}" height="{row - 6}" '
                f'fill="{colour}" rx="2"><title>{escape(when)} {escape(slot.company)} '
                f"({escape(KIND.get(slot.kind, slot.kind))}, {escape(label)})</title></rect>"
            )
            room = int((right - left - 6) / 6.5)  # characters that fit in the bar at 10 px
            if room >= len(slot.company):  # a name that does not fit is in the bar's tooltip, never cut
                name = slot.company
                parts.append(
                    f'<text x="{left + 3:.1f}" y="{y + 14}" style="font-size:10px" '
                    f'pointer-events="none">{escape(name)}</text>'
                )
    parts.append("</svg>")
    return "".join(parts)


def render_html(report: Report) -> str:
    rows = "".join(
        f'<tr data-section="{_attr(f.section)}" data-key="{_attr(f.key)}" '
        f'data-value="{_attr(machine_value(f))}" '
        f'data-unit="{f.unit}"><td>{escape(f.section)}</td><td>{escape(f.key)}</td>'
        f'<td class="value">{escape(display(f))}</td></tr>'
        for f in report.figures
    )
    legend = "".join(
        f'<span><i style="background:{c}"></i>{escape(n)}</span>' for n, c in (*STATUS.values(), BROKEN)
    )
    sites = (
        "".join(
            f"<h3>{escape(site.site)}, {site.day:%d/%m/%Y}</h3>{_timeline(site)}" for site in report.timeline
        )
        or "<p>Aucun entretien planifié.</p>"
    )
    scope = report.scope[:1].upper() + report.scope[1:]
    return (
        '<!DOCTYPE html>\n<html lang="fr"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>Rapport jobdating</title><style>{CSS}</style></head><body>"
        f"<h1>Rapport jobdating</h1><p>{escape(scope)} ; {report.events} événements pris en compte, "
        f"{report.later} postérieurs à la date demandée.</p>"
        f"<h2>De l'inscription à l'embauche</h2>{_funnel(report)}"
        '<h2>Indicateurs</h2><table class="figures"><thead><tr><th>Section</th><th>Indicateur</th>'
        f"<th>Valeur</th></tr></thead><tbody>{rows}</tbody></table>"
        f'<h2>Planning par site et par ordinateur</h2><p class="legend">{legend}</p>{sites}'
        "</body></html>\n"
    )
