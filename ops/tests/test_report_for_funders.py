"""The report a funder reads: partners by the names identity registered, every figure saying what it counts
(people or interviews), the failed computer on the site's schedule, and a CSV that opens right in a French
spreadsheet. The page is looked at: a PNG of it is saved in the test's folder."""

from __future__ import annotations

import asyncio
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
from nats.js import JetStreamContext

from jobdating.bus.relay import Relay
from jobdating.contracts import identity as i
from jobdating.eventstore.sqlite import SqliteEventStore
from jobdating.ops.reporting.render_csv import render_csv
from jobdating.ops.reporting.render_html import render_html
from jobdating.ops.reporting.render_text import render_text
from jobdating.ops.reporting.source import build_report
from jobdating.reporting.figures import Report, Scope, display
from jobdating.reporting.sections import BY_COMPANY, BY_PARTNER, BY_SITE, CONTRIBUTION, FUNNEL, OUTCOMES

from .test_report import History, write_day

pytestmark = pytest.mark.nats

NAMES = {"mission-locale": "Mission Locale Métropole Sud", "france-travail": "France Travail Lille Sud"}
KINDS: dict[str, i.OrganisationKind] = {
    "mission-locale": "mission_locale",
    "france-travail": "employment_service",
}


async def reported(js: JetStreamContext, work: Path) -> Report:
    """The hand-counted day of `test_report`, with identity's registration of two of its partners."""
    store = SqliteEventStore(work / "day.db")
    store.migrate()
    try:
        write_day(store)
        h = History(store)
        for org, name in NAMES.items():
            event = i.OrganisationRegistered(organisation_id=org, kind=KINDS[org], name=name)
            h.add(event, org, datetime(2026, 11, 1, 9, tzinfo=UTC))
        await Relay(store, js).publish_pending()
    finally:
        store.close()
    return await build_report(js, Scope())


async def test_partners_appear_by_their_registered_names(js: JetStreamContext, tmp_path: Path) -> None:
    report = await reported(js, tmp_path)
    assert report.section(BY_PARTNER) == {"France Travail Lille Sud": 2, "Mission Locale Métropole Sud": 4}
    contribution = report.section(CONTRIBUTION)
    assert contribution["Mission Locale Métropole Sud : candidats orientés"] == 4
    assert contribution["France Travail Lille Sud : ordinateurs prêtés"] == 1
    assert contribution["mel : ordinateurs prêtés"] == 2  # no name registered: its id
    assert not [key for key in report.section(BY_PARTNER) if key in NAMES]


async def test_every_figure_says_whether_it_counts_people_or_interviews(
    js: JetStreamContext, tmp_path: Path
) -> None:
    report = await reported(js, tmp_path)
    shown = {(f.section, f.key): display(f) for f in report.figures}
    assert all(f.noun or f.unit == "rate" for f in report.figures)
    # The funnel's steps all count people, so that each step can be read against the one before.
    assert {f.noun for f in report.figures if f.section == FUNNEL} == {"candidats"}
    assert shown[(FUNNEL, "Inscrits")] == "6 candidats"
    assert shown[(FUNNEL, "Embauchés")] == "1 candidat"
    assert shown[(OUTCOMES, "Entretiens tenus")] == "6 entretiens"
    assert shown[(BY_COMPANY, "Logistique du Nord")] == "4 entretiens"
    assert shown[(BY_SITE, "Ronchin")] == "2 entretiens"
    assert shown[("Usage des ordinateurs par site", "Seclin : entretiens par ordinateur")] == (
        "2,00 entretiens par ordinateur"
    )
    assert "6 candidats" in render_text(report)
    page = render_html(report)
    assert ">6 candidats</text>" in page  # the funnel chart too


async def test_the_failed_computer_is_marked_on_its_sites_schedule(
    js: JetStreamContext, tmp_path: Path
) -> None:
    report = await reported(js, tmp_path)
    seclin = next(t for t in report.timeline if t.site == "Seclin")
    broken = {line.label: line.out_of_order for line in seclin.computers}
    assert [(b.since, b.reason) for b in broken["PC-1"]] == [
        (datetime(2026, 12, 3, 8, 25, tzinfo=UTC), "écran noir")
    ]
    assert broken["PC-2"] == ()
    page = render_html(report)
    assert "En panne depuis 09:25 : écran noir</title>" in page
    assert "ordinateur en panne" in page  # in the legend


async def test_the_csv_opens_right_in_a_french_spreadsheet(js: JetStreamContext, tmp_path: Path) -> None:
    text = render_csv(await reported(js, tmp_path))
    assert text.startswith("\ufeffsection;indicateur;valeur;unité\r\n")
    lines = text[1:].splitlines()
    assert "Présence;Taux d'absence après convocation;20,0;%" in lines
    assert "Usage des ordinateurs par site;Seclin : taux d'occupation;24,2;%" in lines
    assert (
        "Usage des ordinateurs par site;Ronchin : entretiens par ordinateur;2,00;entretiens par ordinateur"
        in lines
    )
    assert "Parcours;Inscrits;6;candidats" in lines
    assert "Entretiens tenus par site;Seclin;4;entretiens" in lines
    assert not [line for line in lines if "." in line.split(";")[2]]  # no decimal point anywhere


async def test_the_page_is_looked_at(js: JetStreamContext, tmp_path: Path) -> None:
    page = tmp_path / "rapport.html"
    page.write_text(render_html(await reported(js, tmp_path)), encoding="utf-8")
    chromium = shutil.which("chromium")
    if chromium is None:
        pytest.skip("Chromium is missing: run .ci/chromium (apt-get install chromium) as root")
    png = tmp_path / "rapport.png"
    browser = await asyncio.create_subprocess_exec(
        chromium,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--hide-scrollbars",
        "--window-size=1100,2300",
        f"--screenshot={png}",
        page.as_uri(),
        # Not captured: Chromium's helper processes would hold a captured pipe open after it exits.
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    assert await asyncio.wait_for(browser.wait(), 120) == 0
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    print(f"report page: {png}")
