"""The report as one self-contained HTML page: inline CSS and inline SVG, no external asset at all.

Every figure is a row of one table carrying its section, key and machine value as data attributes (what a
script or a test reads); the funnel chart draws the `Parcours` figures of that same report, and the schedule
is drawn per site, one line per computer, from the slots as they stand (moves applied, cancellations removed).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from html import escape
from zoneinfo import ZoneInfo

from jobdating.ops.reporting.render_csv import csv_value
from jobdating.reporting.figures import Report, SiteTimeline, display, window_of
from jobdating.reporting.sections import FUNNEL

STATUS = {
    "planned": ("prévu", "#9db4d6"),
    "second_interview": ("second entretien", "#f0a202"),
    "hired": ("embauche", "#2e8b57"),
    "not_retained": ("non retenu", "#8c8c8c"),
    "no_show": ("absence", "#c0392b"),
}
KIND = {"interview": "entretien", "second_interview": "second entretien"}

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


def _funnel(report: Report) -> str:
    steps = [f for f in report.figures if f.section == FUNNEL]
    top = max([int(f.value or 0) for f in steps] + [1])
    row, label_w, bar_w = 34, 260, 480
    parts = [
        f'<svg role="img" aria-label="Parcours des candidats" width="{label_w + bar_w + 80}" '
        f'height="{row * len(steps) + 10}">'
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
            f'<text x="{label_w + bar_w + 10}" y="{y + 20}">{value}</text></g>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _timeline(site: SiteTimeline) -> str:
    zone = ZoneInfo(site.timezone)
    start, end = window_of(site)
    start = start.astimezone(zone).replace(minute=0, second=0, microsecond=0)
    end = end.astimezone(zone)
    span = max((end - start).total_seconds(), 60.0)
    label_w, plot_w, row = 150, 760, 26
    height = 30 + row * len(site.computers)

    def x(moment: datetime) -> float:
        return label_w + plot_w * (moment.astimezone(zone) - start).total_seconds() / span

    parts = [
        f'<svg role="img" aria-label="Planning : {_attr(site.site)}, {site.day:%d/%m/%Y}" '
        f'width="{label_w + plot_w + 20}" '
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
            if room >= 3:
                name = slot.company if len(slot.company) <= room else slot.company[: room - 1] + "…"
                parts.append(
                    f'<text x="{left + 3:.1f}" y="{y + 14}" style="font-size:10px" '
                    f'pointer-events="none">{escape(name)}</text>'
                )
    parts.append("</svg>")
    return "".join(parts)


def render_html(report: Report) -> str:
    rows = "".join(
        f'<tr data-section="{_attr(f.section)}" data-key="{_attr(f.key)}" data-value="{_attr(csv_value(f))}" '
        f'data-unit="{f.unit}"><td>{escape(f.section)}</td><td>{escape(f.key)}</td>'
        f'<td class="value">{escape(display(f))}</td></tr>'
        for f in report.figures
    )
    legend = "".join(f'<span><i style="background:{c}"></i>{escape(n)}</span>' for n, c in STATUS.values())
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
