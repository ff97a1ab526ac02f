"""Reception beyond check-in, in Debian's Chromium, at the Wattignies site (the other modules check in at
Faches, read Ronchin and break a computer at Seclin): a candidate declared absent arrives late (with the
keyboard alone), a walk-in is registered after French field errors, a computer goes out of order and back,
and the day's sheet prints on A4 pages."""

from __future__ import annotations

import math
import re
import time
from typing import Any

import pytest

from jobdating.testing.demo_data import COORDINATOR_ORG, JOB_DATING_ID, demo_site

from .chromium import DESKTOP, PHONE, SCREENSHOTS, check_page, tab_to
from .conftest import Demo, signed_in
from .services import call

pytestmark = [pytest.mark.nats, pytest.mark.slow, pytest.mark.browser]

SITE = "wattignies"
SITE_ID = f"site-{SITE}"
A4_WIDTH_PX = 794  # 210 mm at 96 px per inch: what Chromium lays a printed page out on
MARGINS_PX = 2 * 45  # the sheet's 12 mm margins


def _host_page(browser: Any, demo: Demo, viewport: dict[str, int] = DESKTOP) -> tuple[Any, Any]:
    return signed_in(browser, demo, demo.host_of(SITE), f"**/accueil/sites/{SITE_ID}", viewport)


def test_a_candidate_declared_absent_is_checked_in_late_with_the_keyboard(browser: Any, demo: Demo) -> None:
    host_org = demo_site(SITE).host_org
    expected = call(
        demo, "GET", "registration", f"/sites/{SITE_ID}/expected-candidates", host_org, "site_manager"
    )
    absent = expected["candidates"][0]
    name = f"{absent['first_name']} {absent['last_name']}"
    call(
        demo,
        "POST",
        "scheduling",
        f"/job-datings/{JOB_DATING_ID}/no-shows",
        COORDINATOR_ORG,
        "coordinator",
        json={"candidate_id": absent["candidate_id"]},
    )
    context, page = _host_page(browser, demo, PHONE)
    row = page.locator(f"#c-{absent['candidate_id']}")
    assert "Déclaré absent" in row.inner_text()
    check_page(page, "accueil-absent")

    page.set_viewport_size(PHONE)
    focused = tab_to(page, "Arrivé en retard")
    assert focused == f"Arrivé en retard : {name}"
    page.keyboard.press("Enter")
    page.get_by_role("status").filter(has_text=f"Arrivée en retard enregistrée : {name}.").wait_for()
    assert "Arrivé à" in page.locator(f"#c-{absent['candidate_id']}").inner_text()
    attendance = call(
        demo,
        "GET",
        "scheduling",
        f"/job-datings/{JOB_DATING_ID}/attendance",
        host_org,
        "site_manager",
        params={"site_id": SITE_ID},
    )
    seen = next(a for a in attendance if a["candidate_id"] == absent["candidate_id"])
    assert seen["checked_in_at"] is not None
    assert not seen["no_show"]
    context.close()


def test_a_walk_in_is_told_what_to_correct_then_registered_as_arrived(browser: Any, demo: Demo) -> None:
    context, page = _host_page(browser, demo)
    page.get_by_role("link", name="Une personne vient sans rendez-vous").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Une personne vient sans rendez-vous"
    check_page(page, "accueil-sur-place")

    # A phone number too short and no commune: the form comes back with each reason by its field.
    page.get_by_label("Prénom").fill("Yanis")
    page.get_by_label("Nom", exact=True).fill("Sur-Place")
    page.get_by_label("Téléphone").fill("06 12")
    page.get_by_label("Code postal").fill("59139")
    page.get_by_role("button", name="Inscrire et noter arrivé").click()
    alert = page.get_by_role("alert")
    assert "L'inscription n'est pas faite" in alert.inner_text()
    assert "Téléphone :" in alert.inner_text()
    assert "Commune :" in alert.inner_text()
    assert page.get_by_label("Téléphone").get_attribute("aria-invalid") == "true"
    assert page.get_by_label("Prénom").input_value() == "Yanis"  # nothing typed is lost
    check_page(page, "accueil-sur-place-erreurs")

    page.get_by_label("Téléphone").fill("06 39 98 07 41")
    page.get_by_label("Commune").fill("Wattignies")
    page.get_by_label("D'accord pour que ses informations soient enregistrées").check()
    page.get_by_label("D'accord pour recevoir ses horaires par SMS").check()
    page.get_by_role("button", name="Inscrire et noter arrivé").click()
    page.get_by_role("status").filter(has_text="Yanis Sur-Place est inscrit et noté arrivé.").wait_for()
    assert page.url.endswith(f"/accueil/sites/{SITE_ID}")
    # Registration tells scheduling, which checks them in: on the list, arrived, within seconds.
    deadline = time.monotonic() + 15
    while "Arrivé à" not in (row := page.get_by_role("row").filter(has_text="Sur-Place")).inner_text():
        assert time.monotonic() < deadline, row.inner_text()
        page.reload()
    context.close()


def test_a_computer_is_declared_out_of_order_then_back_in_service(browser: Any, demo: Demo) -> None:
    host_org = demo_site(SITE).host_org
    context, page = _host_page(browser, demo)
    page.get_by_role("link", name="Ordinateurs : signaler une panne").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Les ordinateurs du site"
    check_page(page, "accueil-ordinateurs")

    card = page.locator(f"#pc-pc-{SITE}-4")
    card.get_by_label("Ce qui ne va pas").fill("la webcam ne marche pas")
    card.get_by_role("button", name="Noter en panne").click()
    page.get_by_role("status").filter(has_text="Poste 4 est noté en panne.").wait_for()
    assert "En panne : la webcam ne marche pas" in page.locator(f"#pc-pc-{SITE}-4").inner_text()
    broken = call(demo, "GET", "sites", f"/computers/pc-{SITE}-4", host_org, "site_manager")
    assert (broken["status"], broken["status_reason"]) == ("out_of_order", "la webcam ne marche pas")
    check_page(page, "accueil-ordinateur-en-panne")

    page.locator(f"#pc-pc-{SITE}-4").get_by_role("button", name="Il marche de nouveau").click()
    page.get_by_role("status").filter(has_text="Poste 4 marche de nouveau.").wait_for()
    assert (
        call(demo, "GET", "sites", f"/computers/pc-{SITE}-4", host_org, "site_manager")["status"]
        == "in_service"
    )
    context.close()


def test_the_days_sheet_lists_every_interview_and_prints_on_a4(browser: Any, demo: Demo) -> None:
    host_org = demo_site(SITE).host_org
    plan = call(
        demo,
        "GET",
        "scheduling",
        f"/job-datings/{JOB_DATING_ID}/plan",
        host_org,
        "site_manager",
        params={"by": "site", "key": SITE_ID},
    )
    interviews = [i for g in plan["groups"] for i in g["interviews"] if i["status"] != "cancelled"]
    assert interviews, "the demo's plan has interviews at this site"
    context, page = _host_page(browser, demo)
    page.get_by_role("link", name="Feuille du jour à imprimer").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Feuille du jour"
    rows = page.locator("table.sheet tbody tr")
    assert rows.count() == len(interviews)
    first = min(interviews, key=lambda i: i["local_start"])
    assert rows.first.locator("td").first.inner_text() == first["local_start"]
    assert re.fullmatch(r"Poste \d+", rows.first.locator("td").nth(1).inner_text())
    check_page(page, "accueil-feuille")
    page.set_viewport_size(PHONE)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]  # no sideways scrolling

    # Printed: no header nor links, the table within an A4 page's width, a row about 8 mm high.
    page.emulate_media(media="print")
    page.set_viewport_size({"width": A4_WIDTH_PX - MARGINS_PX, "height": 1000})
    assert not page.locator("header.bar").is_visible()
    assert page.evaluate("document.querySelector('table.sheet').scrollWidth") <= A4_WIDTH_PX - MARGINS_PX
    page.screenshot(path=str(SCREENSHOTS / "accueil-feuille-impression.png"), full_page=True)
    pdf: bytes = page.pdf(format="A4", print_background=True)
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    per_page = 30  # rows of the sheet an A4 page holds at the least, header repeated
    assert 1 <= pages <= math.ceil(len(interviews) / per_page), (pages, len(interviews))
    print(f"sheet: {len(interviews)} interviews on {pages} A4 page(s)")

    # Another site's sheet, by changing the id in the address: registration refuses the names.
    page.emulate_media(media="screen")
    answer = page.goto(f"{demo.console}/accueil/sites/site-faches/feuille")
    assert answer is not None
    assert answer.status == 403
    assert page.locator("table.sheet").count() == 0
    context.close()
