"""The coordination's pages in Debian's Chromium, on the shared demo stack: the plan by site, computer,
company and candidate; an interview moved by hand with a reason, then seen moved; refused changes showing
scheduling's reasons, « passer outre » offered only where it is allowed; an interview cancelled; the
statistics with the same figures as `jobdating report`; the data's state (each service's log against the
stream). axe-core finds nothing at 360×640 and 1280×800,
and the pages are reached with the keyboard.

These tests change interviews at the Wattignies site only (the other modules use Faches, Ronchin and
Seclin), and sign the coordinator in once for the module (a TOTP code is accepted once).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import re
import time
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import httpx
import pytest

from jobdating.ops.day.clock import local
from jobdating.ops.reporting.source import report_from
from jobdating.reporting.figures import Scope, display
from jobdating.reporting.sections import FUNNEL
from jobdating.testing.demo_data import COORDINATOR_ORG

from .chromium import check_page
from .conftest import DAY, Demo, coordinator_page

pytestmark = [pytest.mark.nats, pytest.mark.slow, pytest.mark.browser]

SITE = "site-wattignies"


@pytest.fixture(scope="module")
def page(browser: Any, demo: Demo, coordinator_state: dict[str, Any]) -> Iterator[Any]:
    """The coordinator's page, for the module."""
    with coordinator_page(browser, demo, coordinator_state) as opened:
        yield opened


def test_the_coordinator_reads_the_plan_by_site_computer_company_and_candidate(page: Any, demo: Demo) -> None:
    page.goto(f"{demo.console}/coordination/direct")
    # From the coordinator's home, the plan is reached with the keyboard alone.
    _tab_to(page, 'a[href="/coordination/planning"]')
    page.keyboard.press("Enter")
    page.wait_for_url("**/coordination/planning")
    assert page.get_by_role("heading", level=1).inner_text() == "Le planning"
    names = {s["site_id"]: s["name"] for s in _api(demo, "sites", "/sites")}
    jd = _job_dating(demo)
    plan = _api(demo, "scheduling", f"/job-datings/{jd}/plan", {"by": "site"})
    expected = sum(len(g["interviews"]) for g in plan["groups"])
    assert f"{expected} entretiens affichés" in page.inner_text("main")
    assert [h.inner_text() for h in page.locator("section.plan-group h2").all()] == [
        names[g["key"]] for g in plan["groups"]
    ]
    for view, first in (("Par ordinateur", "computer"), ("Par entreprise", "company")):
        page.get_by_role("link", name=view).click()
        grouped = _api(demo, "scheduling", f"/job-datings/{jd}/plan", {"by": first})
        title = page.locator("section.plan-group h2").first.inner_text()
        assert title == grouped["names"].get(grouped["groups"][0]["key"], grouped["groups"][0]["key"])
        assert f"{expected} entretiens affichés" in page.inner_text("main")
    page.get_by_role("link", name="Par candidat").click()
    assert f"{expected} entretiens affichés" in page.inner_text("main")
    # Candidates' names only where registration gives them to the coordinator; a number otherwise.
    shown = page.locator("section.plan-group h2").all_inner_texts()
    assert len(shown) == len({i["candidate_id"] for g in plan["groups"] for i in g["interviews"]})
    # One site only, chosen from the list: the phone-sized page is short enough to read.
    page.get_by_role("link", name="Par site").click()
    page.get_by_label("Afficher seulement").select_option(SITE)
    page.get_by_role("button", name="Afficher").click()
    assert page.locator("section.plan-group h2").all_inner_texts() == [names[SITE]]
    # The convocations to print for those no message reached: notifications' PDF, through the console.
    letters = page.get_by_role("link", name="Convocations à imprimer (PDF)")
    assert letters.get_attribute("href") == f"/coordination/courriers/{jd}"
    pdf = page.request.get(f"{demo.console}/coordination/courriers/{jd}")
    assert pdf.ok
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.body().startswith(b"%PDF")
    check_page(page, "coordination-planning")


def test_the_coordinator_moves_an_interview_to_a_free_computer_and_sees_it_moved(
    page: Any, demo: Demo
) -> None:
    slot, computer = _movable(demo)
    page.goto(f"{demo.console}/coordination/planning?par=site&cle={SITE}")
    _tab_to(page, f'a[href="/coordination/entretiens/{slot["slot_id"]}"]')
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/coordination/entretiens/{slot['slot_id']}")
    check_page(page, "coordination-entretien")
    page.get_by_label("Autre ordinateur").select_option(computer["computer_id"])
    page.locator("#move-reason").fill("écran du poste prévu illisible")
    page.get_by_role("button", name="Vérifier le déplacement").click()
    # The confirm step: nothing has changed yet.
    assert page.get_by_role("heading", level=1).inner_text() == "Confirmer : déplacer l'entretien"
    assert _api(demo, "scheduling", f"/slots/{slot['slot_id']}")["computer_id"] == slot["computer_id"]
    check_page(page, "coordination-confirmer")
    _tab_to(page, "button.button:not(.secondary)")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/coordination/entretiens/{slot['slot_id']}")
    assert "Entretien déplacé." in page.get_by_role("status").inner_text()
    assert _fact(page, "Ordinateur") == computer["label"]
    assert _api(demo, "scheduling", f"/slots/{slot['slot_id']}")["computer_id"] == computer["computer_id"]
    # The plan by computer lists it under its new computer.
    page.goto(f"{demo.console}/coordination/planning?par=computer&cle={computer['computer_id']}")
    assert page.locator(f'a[href="/coordination/entretiens/{slot["slot_id"]}"]').count() == 1


def test_a_refused_change_shows_its_reasons_and_offers_to_force_it_only_where_allowed(
    page: Any, demo: Demo
) -> None:
    slot, _ = _movable(demo)
    taken = _taken_computer(demo, slot)
    page.goto(f"{demo.console}/coordination/entretiens/{slot['slot_id']}")
    # To another site: the candidate is registered at this one, a rule the coordination may override.
    other = next(s for s in _api(demo, "sites", "/sites") if s["site_id"] != SITE)
    page.get_by_label("Autre site").select_option(other["site_id"])
    page.locator("#move-reason").fill("essai d'un autre site")
    page.get_by_role("button", name="Vérifier le déplacement").click()
    page.get_by_role("button", name="Confirmer : déplacer").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Le changement est refusé"
    reasons = page.get_by_role("alert").inner_text()
    assert "Le candidat est inscrit sur un autre site" in reasons
    assert "force" not in reasons  # the API's hint for programs is not shown to people
    force = page.get_by_role("button", name="Passer outre et déplacer quand même")
    assert force.count() == 1
    check_page(page, "coordination-refus")
    page.get_by_role("link", name="Revenir sans rien changer").click()
    # Onto a computer another interview holds at that time: never forced, so no such button.
    page.get_by_label("Autre ordinateur").select_option(taken)
    page.locator("#move-reason").fill("essai d'un poste pris")
    page.get_by_role("button", name="Vérifier le déplacement").click()
    page.get_by_role("button", name="Confirmer : déplacer").click()
    assert "impossible, même en forçant" in page.get_by_role("alert").inner_text()
    assert page.get_by_role("button", name="Passer outre et déplacer quand même").count() == 0
    assert _api(demo, "scheduling", f"/slots/{slot['slot_id']}")["computer_id"] == slot["computer_id"]
    # Without a reason, the console says so before asking anyone.
    page.goto(f"{demo.console}/coordination/entretiens/{slot['slot_id']}")
    page.locator("#cancel-reason").evaluate("e => e.removeAttribute('required')")
    page.get_by_role("button", name="Vérifier l'annulation").click()
    assert "Indiquez la raison du changement" in page.get_by_role("alert").inner_text()


def test_the_coordinator_adds_an_interview_by_forcing_the_rules_it_breaks(page: Any, demo: Demo) -> None:
    slot, _ = _movable(demo)  # a time at which a computer of the site is free
    interviews = _interviews(demo)
    candidate_id = next(
        c
        for c in sorted({i["candidate_id"] for i in interviews})
        if not any(i["candidate_id"] == c and _overlap(i, slot) for i in interviews)
    )
    profile = _api(demo, "registration", f"/candidates/{candidate_id}")["profile"]
    everywhere = _api(demo, "scheduling", f"/job-datings/{_job_dating(demo)}/plan", {"by": "company"})
    taken = {i["company_id"] for g in everywhere["groups"] for i in g["interviews"] if _overlap(i, slot)}
    met = {i["company_id"] for i in interviews if i["candidate_id"] == candidate_id}
    unwished = {w["company_id"] for w in profile["wishes"]} | taken | met
    company = next(
        c
        for c in _api(demo, "registration", "/companies")["items"]
        if c["company_id"] not in unwished and c["status"] == "registered"
    )
    page.goto(f"{demo.console}/coordination/planning?par=candidate&cle={candidate_id}")
    page.get_by_role("link", name=re.compile("^Ajouter un entretien")).click()
    page.get_by_label("Entreprise").select_option(company["company_id"])
    page.get_by_label("Jour").fill(slot["day"])
    page.get_by_label("Heure").fill(slot["local_start"])
    page.get_by_label("Raison du changement").fill("rencontre demandée par l'entreprise")
    page.get_by_role("button", name="Vérifier l'ajout").click()
    assert _fact(page, "Entreprise") == company["profile"]["name"]
    page.get_by_role("button", name="Confirmer : ajouter").click()
    # The candidate did not ask for this company: a rule the coordination may override, and does.
    assert "n'a pas demandé à rencontrer cette entreprise" in page.get_by_role("alert").inner_text()
    page.get_by_role("button", name="Passer outre et ajouter quand même").click()
    assert "Entretien ajouté en passant outre les règles." in page.get_by_role("status").inner_text()
    assert _fact(page, "Entreprise") == company["profile"]["name"]
    assert _fact(page, "Heure").startswith(slot["local_start"])
    added = page.url.rsplit("/", 1)[1]
    assert _api(demo, "scheduling", f"/slots/{added}")["candidate_id"] == candidate_id


def test_the_coordinator_cancels_an_interview_with_a_reason(page: Any, demo: Demo) -> None:
    slot, _ = _movable(demo, last=True)
    page.goto(f"{demo.console}/coordination/entretiens/{slot['slot_id']}")
    page.locator("#cancel-reason").fill("entreprise partie plus tôt")
    page.get_by_role("button", name="Vérifier l'annulation").click()
    page.get_by_role("button", name="Confirmer : annuler").click()
    assert "Entretien annulé." in page.get_by_role("status").inner_text()
    assert _fact(page, "État") == "annulé"
    assert _api(demo, "scheduling", f"/slots/{slot['slot_id']}")["status"] == "cancelled"


def test_the_statistics_show_the_figures_of_jobdating_report_as_charts_and_tables(
    page: Any, demo: Demo
) -> None:
    page.goto(f"{demo.console}/coordination/direct")
    _tab_to(page, 'a[href="/coordination/chiffres"]')
    page.keyboard.press("Enter")
    page.wait_for_url("**/coordination/chiffres")
    assert page.get_by_role("heading", level=1).inner_text() == "Les chiffres"
    with concurrent.futures.ThreadPoolExecutor(1) as pool:  # Playwright holds this thread's event loop
        report = pool.submit(asyncio.run, report_from(demo.stack.nats_url(), Scope())).result(60)
    funnel = page.locator("section.stats-section", has=page.get_by_role("heading", name=FUNNEL))
    rows = {
        r.locator("th").inner_text(): r.locator("td").inner_text() for r in funnel.locator("tbody tr").all()
    }
    assert rows == {f.key: display(f) for f in report.figures if f.section == FUNNEL}
    assert int(rows["Inscrits"].split()[0]) > 0  # "51 candidats": every figure says what it counts
    assert funnel.get_by_role("img", name=FUNNEL).count() == 1
    check_page(page, "coordination-chiffres")


def test_the_data_status_says_each_services_log_and_the_stream_agree(page: Any, demo: Demo) -> None:
    page.goto(f"{demo.console}/coordination/direct")
    _tab_to(page, 'a[href="/coordination/donnees"]')
    page.keyboard.press("Enter")
    page.wait_for_url("**/coordination/donnees")
    for _ in range(10):  # an event just recorded may still be on its way to the stream
        verdicts = page.locator("table.data-table tbody td:last-child").all_inner_texts()
        if verdicts == ["D'accord"] * 4:
            break
        time.sleep(1)
        page.reload()
    assert verdicts == ["D'accord"] * 4, page.inner_text("main")
    assert "sont d'accord" in page.get_by_role("status").inner_text()
    rows = page.locator("table.data-table tbody tr").all()
    scheduling = next(r for r in rows if "(scheduling," in r.locator("th").inner_text())
    health = httpx.get(f"{demo.stack.url('scheduling')}/health", timeout=15).json()
    # The page's count is the log's (a few events may have come since).
    assert 0 < int(scheduling.locator("td").first.inner_text()) <= health["events"]
    check_page(page, "coordination-donnees")


def _tab_to(page: Any, selector: str, limit: int = 400) -> None:
    """Tab from the top of the page until `selector` has the focus (it must be reachable)."""
    page.locator("body").focus()
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement?.matches(s) ?? false", selector):
            return
    raise AssertionError(f"{selector} is not reachable with the keyboard")


def _fact(page: Any, term: str) -> str:
    text: str = page.locator(f"dl.interview-facts div:has(dt:text-is('{term}')) dd").inner_text()
    return text


def _api(demo: Demo, service: str, path: str, params: dict[str, str] | None = None) -> Any:
    answer = httpx.get(
        f"{demo.stack.url(service)}{path}",
        params=params,
        headers={"Authorization": f"Bearer {demo.stack.token_for(COORDINATOR_ORG, 'coordinator')}"},
        timeout=15,
    )
    assert answer.status_code == 200, answer.text
    return answer.json()


def _job_dating(demo: Demo) -> str:
    return str(next(j for j in _api(demo, "scheduling", "/job-datings") if j["published"])["job_dating_id"])


def _interviews(demo: Demo) -> list[dict[str, Any]]:
    plan = _api(demo, "scheduling", f"/job-datings/{_job_dating(demo)}/plan", {"by": "site", "key": SITE})
    return [i for g in plan["groups"] for i in g["interviews"] if i["status"] == "assigned"]


def _overlap(a: dict[str, Any], b: dict[str, Any]) -> bool:
    return _at(a["starts_at"]) < _at(b["ends_at"]) and _at(b["starts_at"]) < _at(a["ends_at"])


def _movable(demo: Demo, last: bool = False) -> tuple[dict[str, Any], dict[str, Any]]:
    """An interview of the site well ahead of the services' clock, and a computer of the site in service
    and free at its time (the latest such interview with `last`)."""
    interviews = _interviews(demo)
    lent = _api(demo, "sites", "/computers", {"site_id": SITE})
    computers = [c for c in lent if c["status"] == "in_service"]
    ahead = local(DAY, "10:00")
    later = [i for i in interviews if i["kind"] == "interview" and _at(i["starts_at"]) >= ahead]
    for slot in reversed(later) if last else later:
        for computer in computers:
            here = [i for i in interviews if i["computer_id"] == computer["computer_id"]]
            if not any(_overlap(i, slot) for i in here) and computer["computer_id"] != slot["computer_id"]:
                return slot, computer
    raise AssertionError(f"no interview at {SITE} has a free computer at its time")


def _taken_computer(demo: Demo, slot: dict[str, Any]) -> str:
    """A computer another interview holds at the same time as `slot`."""
    for other in _interviews(demo):
        if other["slot_id"] != slot["slot_id"] and _overlap(other, slot):
            return str(other["computer_id"])
    raise AssertionError("no other interview at the same time")


def _at(instant: str) -> datetime:
    return datetime.fromisoformat(instant)
