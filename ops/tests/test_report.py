"""`jobdating report`: figures counted by hand on a small real day, replayed from a real JetStream stream.

The day (Europe/Paris, 3 December 2026), every event appended to a SQLite log and relayed to the stream:
- 6 candidates: c1..c4 referred by mission-locale, c5 and c6 by france-travail; c6 withdraws and is erased
  on 28 November (still counted: anonymous facts stay).
- Sites: Seclin (hosted by mel, computers pc-1 and pc-2 lent by mel, window 09:00-12:00) and Ronchin (hosted
  by ccas-ronchin, pc-3 lent by france-travail, window 09:00-11:00); a break 10:30-10:45 for everybody.
- A workshop co-run by coach-1 (mission-locale) and coach-2 (france-travail).
- Plan published on 25 November: s1 c1/A Seclin pc-1 09:00, s2 c1/B Seclin pc-2 09:00, s3 c2/A Seclin pc-1
  09:30, s4 c3/B Ronchin 09:00, s5 c3/A Ronchin 09:30, s6 c4/A Seclin pc-2 10:00, s7 c5/B Seclin pc-1 10:00,
  s11 c5/A Seclin pc-2 11:00, s12 c2/B Seclin pc-2 10:45, s8 c6/A Ronchin 10:00 (cancelled 28 November:
  c6 not convoked).
- On the day: c1..c4 check in; pc-1 breaks, s3 moves to pc-2 09:30; c5 is marked no-show, s7's recruiter
  records `no_show`, s11 is cancelled (on the day: c5 stays convoked); outcomes s1 second interview, s2 not
  retained, s3 not retained, s4 second interview, s5 not retained, s6 hired, s12 no-show (c2 was there, so
  not a no-show after convocation); a second interview s10 for c1 with A is planned at 11:30 on pc-2.

By hand: 6 registered, 5 convoked, 4 present, 1 no-show (rate 1/5), 6 interviews held (A 4, B 2; Seclin 4,
Ronchin 2), 4 candidates interviewed, 2 second interviews, 1 hire, 3 not retained, 2 no-show outcomes.
Seclin: 2 computers, 2 interviews each, 80 interview minutes over 2 x 165 window minutes; Ronchin: 1
computer, 2 interviews, 40 minutes over 1 x 105.
"""

from __future__ import annotations

import asyncio
import csv
import io
import os
import re
from collections import defaultdict
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from html.parser import HTMLParser
from pathlib import Path

import msgspec
import nats
import pytest
from nats.js import JetStreamContext
from typer.testing import CliRunner

from jobdating.bus.provision import provision
from jobdating.bus.relay import Relay
from jobdating.bus.server import NatsServer
from jobdating.contracts import registration as r
from jobdating.contracts import scheduling as sc
from jobdating.contracts import sites as s
from jobdating.contracts.envelope import Event
from jobdating.eventstore.base import EventStore, NewEvent
from jobdating.eventstore.sqlite import SqliteEventStore
from jobdating.ops.cli import app
from jobdating.ops.reporting.render_csv import render_csv
from jobdating.ops.reporting.render_html import render_html
from jobdating.ops.reporting.render_text import render_text
from jobdating.ops.reporting.source import build_report, parse_as_of
from jobdating.reporting.figures import Report, Scope
from jobdating.reporting.sections import (
    ATTENDANCE,
    BY_COMPANY,
    BY_PARTNER,
    BY_SITE,
    COMPUTERS,
    CONTRIBUTION,
    FUNNEL,
    OUTCOMES,
)
from jobdating.testing.equipment import EQUIPPED
from jobdating.testing.events import envelope
from jobdating.testing.samples import COMPANY, PROFILE, SEALED, sample_of

pytestmark = pytest.mark.nats

JD = "jd-2026-12"
DAY = date(2026, 12, 3)
SERVICE_OF = {
    "candidate": "registration",
    "company": "registration",
    "site": "sites",
    "computer": "sites",
    "organisation": "identity",
}


def paris(hour: int, minute: int = 0, day: date = DAY) -> datetime:
    """A local time on the day (Paris is UTC+1 in December) as an aware UTC datetime."""
    return datetime.combine(day, time(hour, minute), tzinfo=UTC) - timedelta(hours=1)


class History:
    """Real contract events, appended to a real SQLite log with per-stream versions."""

    def __init__(self, store: EventStore) -> None:
        self.store = store
        self.versions: dict[str, int] = defaultdict(int)

    def add(self, event: Event, stream_id: str, at: datetime, org: str = "departement-nord") -> None:
        self.versions[stream_id] += 1
        service = SERVICE_OF.get(event.stream_type, "scheduling")
        env = envelope(event, stream_id, self.versions[stream_id], org, service, at)
        self.store.append([NewEvent(envelope=env)])


def slot(
    slot_id: str,
    cand: str,
    company: str,
    site: str,
    pc: str,
    start: datetime,
    kind: sc.SlotKind = "interview",
) -> sc.SlotAssigned:
    return sc.SlotAssigned(
        job_dating_id=JD,
        slot_id=slot_id,
        candidate_id=cand,
        company_id=company,
        site_id=site,
        computer_id=pc,
        starts_at=start,
        ends_at=start + timedelta(minutes=20),
        video_link=f"visio/{slot_id}",
        kind=kind,
    )


def write_day(store: EventStore) -> None:
    h = History(store)
    before = datetime(2026, 11, 20, 9, tzinfo=UTC)
    referring = {"c1": "mission-locale", "c2": "mission-locale", "c3": "mission-locale"}
    referring |= {"c4": "mission-locale", "c5": "france-travail", "c6": "france-travail"}
    for cid, org in referring.items():
        site = "site-ronchin" if cid in ("c3", "c6") else "site-seclin"
        profile = msgspec.structs.replace(PROFILE, referring_org=org, site_id=site)
        h.add(r.CandidateRegistered(candidate_id=cid, profile=profile, personal=SEALED), cid, before, org)
    h.add(r.CandidateUpdated(candidate_id="c2", personal=SEALED), "c2", before)
    for cid, name in (("co-a", "Logistique du Nord"), ("co-b", "Soins à domicile")):
        firm = msgspec.structs.replace(COMPANY, name=name)
        h.add(
            r.CompanyRegistered(company_id=cid, registering_org="mel", profile=firm, contact=SEALED),
            cid,
            before,
        )
    h.add(
        s.SiteOpened(
            site_id="site-seclin", name="Seclin", host_org="mel", commune="Seclin", postcode="59113"
        ),
        "site-seclin",
        before,
        "mel",
    )
    h.add(
        s.SiteOpened(
            site_id="site-ronchin",
            name="Ronchin",
            host_org="ccas-ronchin",
            commune="Ronchin",
            postcode="59790",
        ),
        "site-ronchin",
        before,
        "ccas-ronchin",
    )
    for pc, site, org in (
        ("pc-1", "site-seclin", "mel"),
        ("pc-2", "site-seclin", "mel"),
        ("pc-3", "site-ronchin", "france-travail"),
    ):
        computer = s.ComputerAdded(
            computer_id=pc, site_id=site, label=pc.upper(), lending_org=org, **EQUIPPED
        )
        h.add(computer, pc, before, org)
    planned = sc.JobDatingPlanned(
        job_dating_id=JD,
        title="Emploi Booster",
        days=(DAY,),
        site_windows=(
            sc.SiteWindow(site_id="site-seclin", day=DAY, start=time(9), end=time(12)),
            sc.SiteWindow(site_id="site-ronchin", day=DAY, start=time(9), end=time(11)),
        ),
        breaks=(sc.Break(day=DAY, start=time(10, 30), end=time(10, 45)),),
        interview_minutes=20,
        buffer_minutes=10,
    )
    h.add(planned, JD, before)
    # The sample session (Seclin's room-1, 12 seats, its two coaches), for this job dating.
    workshop = sample_of(
        sc.WorkshopScheduled,
        workshop_id="w-1",
        job_dating_id=JD,
        starts_at=paris(14, day=date(2026, 11, 27)),
        ends_at=paris(16, day=date(2026, 11, 27)),
    )
    h.add(workshop, "w-1", before)
    published = datetime(2026, 11, 25, 10, tzinfo=UTC)
    h.add(
        sc.PlanPublished(job_dating_id=JD, plan_id="p-1", slots=10, solver_status="optimal", upper_bound=10),
        JD,
        published,
    )
    plan = [
        ("s1", "c1", "co-a", "site-seclin", "pc-1", paris(9)),
        ("s2", "c1", "co-b", "site-seclin", "pc-2", paris(9)),
        ("s3", "c2", "co-a", "site-seclin", "pc-1", paris(9, 30)),
        ("s4", "c3", "co-b", "site-ronchin", "pc-3", paris(9)),
        ("s5", "c3", "co-a", "site-ronchin", "pc-3", paris(9, 30)),
        ("s6", "c4", "co-a", "site-seclin", "pc-2", paris(10)),
        ("s7", "c5", "co-b", "site-seclin", "pc-1", paris(10)),
        ("s11", "c5", "co-a", "site-seclin", "pc-2", paris(11)),
        ("s12", "c2", "co-b", "site-seclin", "pc-2", paris(10, 45)),
        ("s8", "c6", "co-a", "site-ronchin", "pc-3", paris(10)),
    ]
    for slot_id, cand, company, site, pc, start in plan:
        h.add(slot(slot_id, cand, company, site, pc, start), slot_id, published)
    withdrew = datetime(2026, 11, 28, 15, tzinfo=UTC)
    h.add(
        r.CandidateWithdrew(candidate_id="c6", reason="a trouvé un emploi"), "c6", withdrew, "france-travail"
    )
    h.add(
        sc.SlotCancelled(
            job_dating_id=JD, slot_id="s8", candidate_id="c6", company_id="co-a", reason="candidate_withdrew"
        ),
        "s8",
        withdrew,
    )
    h.add(r.CandidateErased(candidate_id="c6"), "c6", withdrew + timedelta(hours=1), "france-travail")
    for cid, site, minute in (
        ("c1", "site-seclin", 40),
        ("c2", "site-seclin", 45),
        ("c3", "site-ronchin", 50),
        ("c4", "site-seclin", 55),
    ):
        at = paris(8, minute)
        checked = sc.CandidateCheckedIn(job_dating_id=JD, candidate_id=cid, site_id=site, at=at)
        h.add(checked, f"att-{JD}-{cid}", at)
    h.add(s.ComputerOutOfOrder(computer_id="pc-1", reason="écran noir"), "pc-1", paris(9, 25), "mel")
    moved = sc.SlotMoved(
        job_dating_id=JD,
        slot_id="s3",
        candidate_id="c2",
        company_id="co-a",
        site_id="site-seclin",
        computer_id="pc-2",
        starts_at=paris(9, 30),
        ends_at=paris(9, 50),
        previous_computer_id="pc-1",
        previous_starts_at=paris(9, 30),
        reason="computer_broken",
    )
    h.add(moved, "s3", paris(9, 26))
    outcomes: list[tuple[str, str, str, sc.Outcome]] = [
        ("s1", "c1", "co-a", "second_interview"),
        ("s2", "c1", "co-b", "not_retained"),
        ("s3", "c2", "co-a", "not_retained"),
        ("s4", "c3", "co-b", "second_interview"),
        ("s5", "c3", "co-a", "not_retained"),
        ("s6", "c4", "co-a", "hired"),
        ("s7", "c5", "co-b", "no_show"),
        ("s12", "c2", "co-b", "no_show"),
    ]
    for i, (slot_id, cand, company, outcome) in enumerate(outcomes):
        done = sc.InterviewCompleted(
            job_dating_id=JD, slot_id=slot_id, candidate_id=cand, company_id=company, outcome=outcome
        )
        h.add(done, slot_id, paris(10, 50) + timedelta(minutes=i))
    h.add(
        sc.CandidateMarkedNoShow(job_dating_id=JD, candidate_id="c5", site_id="site-seclin"),
        f"att-{JD}-c5",
        paris(10, 20),
    )
    h.add(
        sc.SlotCancelled(
            job_dating_id=JD, slot_id="s11", candidate_id="c5", company_id="co-a", reason="no_show"
        ),
        "s11",
        paris(10, 21),
    )
    h.add(
        slot("s10", "c1", "co-a", "site-seclin", "pc-2", paris(11, 30), "second_interview"), "s10", paris(11)
    )


async def publish_day(js: JetStreamContext, work: Path) -> None:
    store = SqliteEventStore(work / "day.db")
    store.migrate()
    try:
        write_day(store)
        published = await Relay(store, js).publish_pending()
        assert published == store.count()
    finally:
        store.close()


HAND_COUNT: dict[str, dict[str, int | float | None]] = {
    FUNNEL: {
        "Inscrits": 6,
        "Convoqués": 5,
        "Présents": 4,
        "Reçus en entretien": 4,
        "Retenus pour un second entretien": 2,
        "Embauchés": 1,
    },
    ATTENDANCE: {
        "Absents après convocation": 1,
        "Taux d'absence après convocation": 1 / 5,
        "Désistements": 1,
    },
    BY_PARTNER: {"france-travail": 2, "mission-locale": 4},
    BY_COMPANY: {"Logistique du Nord": 4, "Soins à domicile": 2},
    BY_SITE: {"Ronchin": 2, "Seclin": 4},
    COMPUTERS: {
        "Ronchin : ordinateurs": 1,
        "Ronchin : entretiens par ordinateur": 2.0,
        "Ronchin : taux d'occupation": 40 / 105,
        "Seclin : ordinateurs": 2,
        "Seclin : entretiens par ordinateur": 2.0,
        "Seclin : taux d'occupation": 80 / 330,
    },
    OUTCOMES: {"Entretiens tenus": 6, "Second entretien": 2, "Embauche": 1, "Non retenu": 3, "Absence": 2},
    CONTRIBUTION: {
        "ccas-ronchin : sites accueillis": 1,
        "ccas-ronchin : ordinateurs prêtés": 0,
        "ccas-ronchin : coachs": 0,
        "ccas-ronchin : ateliers co-animés": 0,
        "ccas-ronchin : candidats orientés": 0,
        "france-travail : sites accueillis": 0,
        "france-travail : ordinateurs prêtés": 1,
        "france-travail : coachs": 1,
        "france-travail : ateliers co-animés": 1,
        "france-travail : candidats orientés": 2,
        "mel : sites accueillis": 1,
        "mel : ordinateurs prêtés": 2,
        "mel : coachs": 0,
        "mel : ateliers co-animés": 0,
        "mel : candidats orientés": 0,
        "mission-locale : sites accueillis": 0,
        "mission-locale : ordinateurs prêtés": 0,
        "mission-locale : coachs": 1,
        "mission-locale : ateliers co-animés": 1,
        "mission-locale : candidats orientés": 4,
    },
}


def assert_hand_count(report: Report) -> None:
    assert report.sections == list(HAND_COUNT)
    for section, expected in HAND_COUNT.items():
        assert report.section(section) == pytest.approx(expected), section


async def test_figures_equal_the_hand_count(js: JetStreamContext, tmp_path: Path) -> None:
    await publish_day(js, tmp_path)
    report = await build_report(js, Scope())
    assert_hand_count(report)
    assert report.later == 0
    assert report.events > 40
    # The same job dating chosen by id or by a period around its day gives the same figures.
    assert_hand_count(await build_report(js, Scope(job_dating_id=JD)))
    assert_hand_count(await build_report(js, Scope(start=date(2026, 12, 1), end=date(2026, 12, 31))))
    # Another period, another job dating: nothing of this one.
    elsewhere = await build_report(js, Scope(start=date(2027, 1, 1)))
    assert set(elsewhere.section(FUNNEL).values()) == {0}
    assert elsewhere.section(BY_SITE) == {}
    assert set((await build_report(js, Scope(job_dating_id="other"))).section(FUNNEL).values()) == {0}


async def test_as_of_gives_the_figures_as_they_stood(js: JetStreamContext, tmp_path: Path) -> None:
    await publish_day(js, tmp_path)
    eve = await build_report(js, Scope(as_of=parse_as_of("2026-12-02")))
    assert eve.section(FUNNEL) == {
        "Inscrits": 6,
        "Convoqués": 5,
        "Présents": 0,
        "Reçus en entretien": 0,
        "Retenus pour un second entretien": 0,
        "Embauchés": 0,
    }
    assert eve.section(ATTENDANCE) == {
        "Absents après convocation": 0,
        "Taux d'absence après convocation": 0.0,
        "Désistements": 1,
    }
    assert eve.value(OUTCOMES, "Entretiens tenus") == 0
    assert eve.later > 0
    # Before the plan was published: nobody convoked, no rate to give; c6 had not withdrawn yet.
    early = await build_report(js, Scope(as_of=datetime(2026, 11, 24, tzinfo=UTC)))
    assert early.value(FUNNEL, "Convoqués") == 0
    assert early.value(ATTENDANCE, "Taux d'absence après convocation") is None
    assert early.value(ATTENDANCE, "Désistements") == 0
    # Mid-morning (10:00 local): four present, the move done, outcomes not recorded yet.
    morning = await build_report(js, Scope(as_of=parse_as_of("2026-12-03T10:00")))
    assert morning.value(FUNNEL, "Présents") == 4
    assert morning.value(OUTCOMES, "Entretiens tenus") == 0
    assert [(t.site, t.day) for t in morning.timeline] == [("Ronchin", DAY), ("Seclin", DAY)]
    seclin = next(t for t in morning.timeline if t.site == "Seclin")
    assert [(line.label, len(line.slots)) for line in seclin.computers] == [("PC-1", 2), ("PC-2", 5)]


def parse_csv(text: str) -> dict[tuple[str, str], float | None]:
    """The French CSV (BOM, semicolons, decimal commas, rates in percent) back to machine values."""
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:]), delimiter=";"))
    assert rows[0] == ["section", "indicateur", "valeur", "unité"]
    parsed = {(row[0], row[1]): french_value(row[2], row[3]) for row in rows[1:]}
    assert len(parsed) == len(rows) - 1, "a (section, key) pair appears twice"
    return parsed


def french_value(cell: str, unit: str) -> float | None:
    if not cell:
        return None
    value = float(cell.replace(",", "."))
    return value / 100 if unit == "%" else value


def parse_text(text: str) -> dict[tuple[str, str], float | None]:
    parsed: dict[tuple[str, str], float | None] = {}
    section = ""
    for line in text.splitlines():
        cells = [cell.strip() for cell in line.split("│")]
        if len(cells) != 5:
            continue
        section = cells[1] or section
        value = cells[3]
        if value == "—":
            parsed[(section, cells[2])] = None
        elif value.endswith("%"):
            parsed[(section, cells[2])] = float(value[:-1].strip().replace(",", ".")) / 100
        else:  # `4 candidats`, `2,00 entretiens par ordinateur`: the number, then what it counts
            parsed[(section, cells[2])] = float(value.split()[0].replace(",", "."))
    return parsed


class FigureRows(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.figures: dict[tuple[str, str], float | None] = {}
        self.funnel: dict[str, float] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "tr" and "data-section" in found:
            value = found["data-value"]
            self.figures[(found["data-section"] or "", found["data-key"] or "")] = (
                float(value) if value else None
            )
        if tag == "g" and found.get("class") == "funnel-step":
            self.funnel[found["data-key"] or ""] = float(found["data-value"] or "nan")


def parse_html(page: str) -> FigureRows:
    rows = FigureRows()
    rows.feed(page)
    return rows


@pytest.mark.parametrize("as_of", [None, "2026-12-02", "2026-12-03T10:00"])
async def test_text_csv_and_html_give_the_same_numbers(
    js: JetStreamContext, tmp_path: Path, as_of: str | None
) -> None:
    await publish_day(js, tmp_path)
    report = await build_report(js, Scope(as_of=parse_as_of(as_of) if as_of else None))
    expected = {(f.section, f.key): f.value for f in report.figures}
    from_csv = parse_csv(render_csv(report))
    html = parse_html(render_html(report))
    from_text = parse_text(render_text(report))
    assert html.figures == expected
    assert html.funnel == {k: v for (section, k), v in expected.items() if section == FUNNEL}
    # The table and the CSV show rates to 0.1 % and ratios to 0.01, counts exactly.
    for shown in (from_csv, from_text):
        assert shown.keys() == expected.keys()
        for key, value in expected.items():
            if value is None or shown[key] is None:
                assert shown[key] == value, key
            else:
                assert shown[key] == pytest.approx(value, abs=0.0051), key


async def test_html_page_is_self_contained(js: JetStreamContext, tmp_path: Path) -> None:
    await publish_day(js, tmp_path)
    page = render_html(await build_report(js, Scope()))
    assert page.startswith("<!DOCTYPE html>")
    for external in ("http", "src=", "href=", "url(", "@import", "<script", "<link"):
        assert external not in page.lower(), external
    assert page.count("<svg") == 3  # the funnel and one schedule per site
    # The schedule as it stands: s3 moved to PC-2, cancelled s8 and s11 gone, the second interview s10 there.
    seclin = page[page.index("<h3>Seclin, 03/12/2026</h3>") :]
    assert len(re.findall(r"<rect ", seclin)) == 8  # 7 interviews, and PC-1 out of order from 09:25
    assert seclin.count('class="out-of-order"') == 1
    assert "11:30–11:50 Logistique du Nord (second entretien, prévu)" in seclin
    assert "09:30–09:50 Logistique du Nord (entretien, non retenu)" in seclin
    ronchin = page[page.index("<h3>Ronchin, 03/12/2026</h3>") : page.index("<h3>Seclin, 03/12/2026</h3>")]
    assert len(re.findall(r"<rect ", ronchin)) == 2


def publish_to(url: str, work: Path) -> None:
    async def go() -> None:
        nc = await nats.connect(url)
        js = nc.jetstream()
        await provision(js)
        await publish_day(js, work)
        await nc.close()

    asyncio.run(go())


def test_command_writes_each_format(nats_server: NatsServer, tmp_path: Path) -> None:
    publish_to(nats_server.url, tmp_path)
    runner = CliRunner()
    found: dict[str, dict[tuple[str, str], float | None]] = {}
    parsers: dict[str, Callable[[str], dict[tuple[str, str], float | None]]] = {
        "csv": parse_csv,
        "html": lambda page: parse_html(page).figures,
        "table": parse_text,
    }
    for fmt, parse in parsers.items():
        out = tmp_path / f"rapport.{fmt}"
        args = ["report", "--data-dir", str(tmp_path), "--format", fmt, "--output", str(out)]
        result = runner.invoke(app, [*args, "--as-of", "2026-12-03T23:00+01:00"])
        assert result.exit_code == 0, result.output
        found[fmt] = parse(out.read_text(encoding="utf-8"))
    assert found["csv"] == pytest.approx(found["html"], abs=0.0051)
    assert found["csv"][(FUNNEL, "Présents")] == 4
    assert found["table"][(FUNNEL, "Embauchés")] == 1
    stdout = runner.invoke(app, ["report", "--nats-url", nats_server.url, "--format", "csv"])
    assert stdout.exit_code == 0, stdout.output
    assert parse_csv(stdout.stdout) == found["csv"]
    bad = runner.invoke(app, ["report", "--nats-url", nats_server.url, "--as-of", "hier"])
    assert bad.exit_code == 2
    assert "date invalide" in bad.output


def test_data_dir_of_a_stopped_stack_is_read_by_a_server_of_its_own(tmp_path: Path) -> None:
    server = NatsServer(tmp_path / "nats")  # where `jobdating up` keeps its JetStream files
    server.start()
    try:
        publish_to(server.url, tmp_path)
    finally:
        server.stop()
    runner = CliRunner()
    result = runner.invoke(app, ["report", "--data-dir", str(tmp_path), "--format", "csv"])
    assert result.exit_code == 0, result.output
    flat = {
        (section, key): value for section, figures in HAND_COUNT.items() for key, value in figures.items()
    }
    assert parse_csv(result.stdout) == pytest.approx(flat, abs=0.0051)
    assert not (tmp_path / "up.pid").exists()  # the lock it held while reading is released
    # A stack starting or stopping (its lock held by a live process, NATS not answering): a clear refusal.
    (tmp_path / "up.pid").write_text(str(os.getppid()))
    busy = runner.invoke(app, ["report", "--data-dir", str(tmp_path)])
    assert busy.exit_code == 2
    assert "réessayez" in busy.output
    empty = runner.invoke(app, ["report", "--data-dir", str(tmp_path / "vide")])
    assert empty.exit_code == 2
    assert "pas de données JetStream" in empty.output
