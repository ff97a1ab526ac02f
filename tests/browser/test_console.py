"""The web console in Debian's Chromium, on one demo stack started for this module: a site host signs in,
sees today's candidates at their own site only, checks one in with the keyboard alone; names are text, a
form without its CSRF token is refused; the coordinator's live day shows a computer broken in another
process without a reload; axe-core finds nothing at 360×640 and 1280×800, and each page's screenshot
lands in docs/console/."""

from __future__ import annotations

import email
import email.policy
import re
import time
from datetime import timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import httpx
import pytest

from jobdating.ops.day.clock import local
from jobdating.ops.maildir import mails
from jobdating.runtime.candidate_links import CandidateLink, sign, verify
from jobdating.testing.demo_data import COORDINATOR_ORG

from .chromium import DESKTOP, PHONE, check_page, tab_to
from .conftest import DAY, HOSTILE, ON_THE_PAGE, Demo, sign_in, signed_in

pytestmark = [pytest.mark.nats, pytest.mark.slow, pytest.mark.browser]


def test_a_site_host_signs_in_and_checks_a_candidate_in_with_the_keyboard(browser: Any, demo: Demo) -> None:
    context = browser.new_context(viewport=DESKTOP, locale="fr-FR")
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(f"{demo.console}/connexion")
    check_page(page, "connexion")

    # A wrong password: told in French, on the same page.
    host = demo.host_of("faches")
    page.get_by_label("Adresse e-mail").fill(host.email)
    page.get_by_label("Mot de passe").fill("pas le bon")
    page.get_by_role("button", name="Se connecter").click()
    assert page.get_by_role("alert").inner_text() == "Adresse, mot de passe ou code incorrect."

    sign_in(page, demo, host)
    page.wait_for_url("**/accueil/sites/site-faches")
    errors.clear()  # the browser logs the refused sign-in's 401
    assert page.get_by_role("heading", level=1).inner_text() == "Les candidats attendus aujourd'hui"
    assert page.title() == "Accueil — Espace emploi de Faches-Thumesnil — Job dating"
    # The hostile name is text: shown as typed, run nowhere.
    assert page.get_by_text(f"Testeur {HOSTILE}").count() == 1
    assert page.locator("main script").count() == 0
    check_page(page, "accueil")

    # Keyboard only: Tab to the first check-in button, Enter.
    page.set_viewport_size(PHONE)
    page.goto(page.url)
    focused = tab_to(page, "Enregistrer l'arrivée")
    name = focused.removeprefix("Enregistrer l'arrivée de ").strip()
    page.keyboard.press("Enter")
    page.get_by_role("status").filter(has_text=f"Arrivée enregistrée : {name}.").wait_for()
    # The row shows "Last First": two candidates may share a surname.
    first, last = name.split(" ")[0], name.split(" ")[-1]
    row = page.get_by_role("row").filter(has_text=last).filter(has_text=first)
    assert "Arrivé à" in row.inner_text()
    check_page(page, "accueil-apres-arrivee")
    assert errors == [], errors  # no script refused by the Content-Security-Policy, no error

    # Sign out: back to the sign-in page, and the reception page is closed again.
    page.get_by_role("button", name="Se déconnecter").click()
    page.get_by_text("Vous êtes déconnecté.").wait_for()
    page.goto(f"{demo.console}/accueil")
    assert page.url.endswith("/connexion")
    context.close()


def test_a_site_host_cannot_open_another_site_nor_post_without_the_csrf_token(
    browser: Any, demo: Demo
) -> None:
    context, page = signed_in(browser, demo, demo.host_of("ronchin"), "**/accueil/sites/site-ronchin")

    # Another organisation's site, by changing the id in the address: refused by registration.
    answer = page.goto(f"{demo.console}/accueil/sites/site-faches")
    assert answer is not None
    assert answer.status == 403
    assert page.get_by_role("heading", level=1).inner_text() == "Accès refusé"
    assert "Testeur" not in page.content()
    check_page(page, "acces-refuse")

    # The check-in form posted without its CSRF token (as another site's page would): refused.
    refused = context.request.post(
        f"{demo.console}/accueil/sites/site-ronchin/arrivees",
        form={"job_dating_id": "jd", "candidate_id": "x"},
        max_redirects=0,
    )
    assert refused.status == 403
    assert "Ce formulaire a expiré" in refused.text()
    context.close()


def test_a_candidates_convocation_carries_the_link_that_opens_their_page(browser: Any, demo: Demo) -> None:
    """Notifications signs each candidate's link with the console's key: the e-mail's opens their page."""
    found = re.compile(re.escape(demo.console) + r"/c/([A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)?)")
    deadline = time.monotonic() + 60
    while not (sent := _convocations(demo.stack.maildir, found)):
        assert time.monotonic() < deadline, "no candidate's convocation with a link in the Maildir"
        time.sleep(0.2)
    text, token = sent[0]
    print(text)  # the message as the candidate reads it, in the test's log
    assert "Vos entretiens, l'adresse et votre réponse (je viens, je ne peux pas venir) :" in text
    key = demo.stack.console_secret_file.read_bytes().strip()
    link = verify(key, token, local(DAY, "07:30"))
    # Valid until a week after the day, at midnight, Paris time.
    assert link.expires == int(local(DAY + timedelta(days=8), "00:00").timestamp())
    sms = demo.stack.sms_file.read_text()
    assert found.search(sms), sms[:500]  # the SMS carry theirs too
    context = browser.new_context(viewport=PHONE, locale="fr-FR")
    page = context.new_page()
    answer = page.goto(f"{demo.console}/c/{token}")
    assert answer is not None
    # The console checks the link on the wall clock: the day is ahead of it, so the link is valid now.
    assert answer.status == 200
    assert page.get_by_role("heading", level=1).inner_text() == "Mes entretiens"
    assert ON_THE_PAGE in page.inner_text("main")
    context.close()


def _convocations(maildir: Path, link: re.Pattern[str]) -> list[tuple[str, str]]:
    """The text and link token of each candidate's convocation delivered so far."""
    found = []
    for path in mails(maildir):
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        body = message.get_body(("plain",)) if isinstance(message, EmailMessage) else None
        if message["X-Jobdating-Kind"] != "convocation" or not isinstance(body, EmailMessage):
            continue
        text: str = body.get_content()
        if match := link.search(text):
            found.append((text, match.group(1)))
    return found


def test_a_candidate_opens_their_personal_link_on_a_phone(browser: Any, demo: Demo) -> None:
    token = demo.stack.token_for(COORDINATOR_ORG, "site_manager")
    expected = httpx.get(
        f"{demo.stack.url('registration')}/sites/site-faches/expected-candidates",
        headers={"Authorization": f"Bearer {token}"},
        timeout=15,
    ).json()
    candidate = [c for c in expected["candidates"] if c["last_name"] != "Testeur"][-1]
    key = demo.stack.console_secret_file.read_bytes().strip()
    # Valid for 90 days: registration checks it again on its own clock, which reads the day's morning.
    link = sign(key, CandidateLink(candidate["candidate_id"], int(time.time()) + 90 * 86400))
    context = browser.new_context(viewport=PHONE, locale="fr-FR")
    page = context.new_page()
    page.goto(f"{demo.console}/c/{link}")
    assert page.get_by_role("heading", level=1).inner_text() == "Mes entretiens"
    assert ON_THE_PAGE in page.inner_text("main")
    assert "12 rue Kléber" in page.inner_text("main")
    assert candidate["last_name"] not in page.content()  # no name on a page a link opens
    assert page.evaluate("document.documentElement.scrollWidth") <= 360  # no sideways scrolling
    check_page(page, "candidat")

    # « Je viens »: recorded by registration as the candidate's own answer.
    page.get_by_role("button", name="Je viens").click()
    page.get_by_role("status").filter(has_text="C'est noté : vous venez.").wait_for()
    check_page(page, "candidat-reponse")
    # « Je ne peux pas venir »: asked once more, then the candidate is withdrawn.
    page.goto(f"{demo.console}/c/{link}")
    page.get_by_role("button", name="Je ne peux pas venir").click()
    check_page(page, "candidat-confirmation")
    page.get_by_role("button", name="Oui, je ne peux pas venir").click()
    page.get_by_role("status").filter(has_text="vous ne viendrez pas").wait_for()
    coordinator = {"Authorization": f"Bearer {demo.stack.token_for(COORDINATOR_ORG, 'coordinator')}"}
    record = httpx.get(
        f"{demo.stack.url('registration')}/candidates/{candidate['candidate_id']}",
        headers=coordinator,
        timeout=15,
    ).json()
    assert record["status"] == "withdrawn"
    assert record["withdrawal_reason"] == "indisponible à la date"

    # A link altered by one character, or signed with another key: refused in French.
    forged = sign(
        b"another key of at least thirty-two bytes", CandidateLink(candidate["candidate_id"], 2**31)
    )
    for wrong in (f"{link[:-1]}{'A' if link[-1] != 'A' else 'B'}", forged):
        answer = page.goto(f"{demo.console}/c/{wrong}")
        assert answer is not None
        assert answer.status == 404
        assert "ce lien n'est pas valide" in page.inner_text("main")
    context.close()


def test_the_coordinators_live_day_shows_a_computer_breaking_down_without_a_reload(
    browser: Any, demo: Demo, coordinator_state: dict[str, Any]
) -> None:
    # Signed in with a TOTP code once for the folder (`coordinator_state`): a code serves once.
    context = browser.new_context(viewport=DESKTOP, locale="fr-FR", storage_state=coordinator_state)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    # Once the page's event stream answers, the console listens for it: a change after that is shown.
    with page.expect_response(lambda r: "/coordination/direct/flux" in r.url, timeout=20_000):
        page.goto(f"{demo.console}/coordination/direct")
    assert page.url.endswith("/coordination/direct")
    assert page.get_by_role("heading", level=1).inner_text() == "La journée en direct"
    # Without JavaScript, the page as loaded and a link to load it again.
    assert page.get_by_role("link", name="Mettre à jour").get_attribute("href") == "/coordination/direct"
    page.evaluate("window.notReloaded = true")

    # A computer of a site other than the reception tests' breaks down, declared to sites by its host.
    sites = {s["site_id"]: s for s in _get(demo, "sites", "/sites", COORDINATOR_ORG, "coordinator")}
    shown = [s.get_attribute("id").removeprefix("site-") for s in page.locator("section.live-site").all()]
    site_id = next(s for s in shown if s not in ("site-faches", "site-ronchin"))
    host = sites[site_id]["host_org"]
    computer = next(
        c
        for c in _get(demo, "sites", f"/computers?site_id={site_id}", host, "site_manager")
        if c["status"] == "in_service"
    )
    section = page.locator(f"#site-{site_id}")
    assert "Incidents" not in section.inner_text()
    broken = httpx.post(
        f"{demo.stack.url('sites')}/computers/{computer['computer_id']}/out-of-order",
        json={"reason": "écran cassé"},
        headers={"Authorization": f"Bearer {demo.stack.token_for(host, 'site_manager')}"},
        timeout=15,
    )
    assert broken.status_code == 200, broken.text
    started = time.monotonic()
    section.get_by_text(f"Ordinateur {computer['label']} en panne : écran cassé").wait_for(timeout=5_000)
    print(f"live day: shown {time.monotonic() - started:.2f} s after the declaration")
    assert page.evaluate("window.notReloaded") is True
    check_page(page, "direct")

    # A page reconnecting with `Last-Event-ID` gets each site changed since, once, with its latest id: the
    # broken computer's site among them.
    cookies = {c["name"]: c["value"] for c in context.cookies()}
    jd = page.locator("[sse-connect]").get_attribute("sse-connect").split("jd=")[1]
    resumed = _events_until(demo, cookies, jd, "1", f"site-{site_id}", limit=len(shown) + 5)
    names = [e["event"] for e in resumed]
    assert names[-1] == f"site-{site_id}"
    assert len(names) == len(set(names))
    assert "Ordinateur " + computer["label"] + " en panne" in resumed[-1]["data"]
    assert all(int(e["id"]) > 1 for e in resumed)
    assert errors == [], errors
    context.close()


def _get(demo: Demo, service: str, path: str, org: str, role: str) -> Any:
    answer = httpx.get(
        f"{demo.stack.url(service)}{path}",
        headers={"Authorization": f"Bearer {demo.stack.token_for(org, role)}"},
        timeout=15,
    )
    assert answer.status_code == 200, answer.text
    return answer.json()


def _events_until(
    demo: Demo, cookies: dict[str, str], jd: str, last_event_id: str, wanted: str, limit: int
) -> list[dict[str, str]]:
    """The live day's server-sent events, asked with `Last-Event-ID`, up to the first named `wanted`."""
    events: list[dict[str, str]] = []
    current: dict[str, str] = {}
    with (
        httpx.Client(base_url=demo.console, cookies=cookies, timeout=15) as client,
        client.stream(
            "GET", "/coordination/direct/flux", params={"jd": jd}, headers={"Last-Event-ID": last_event_id}
        ) as answer,
    ):
        assert answer.status_code == 200
        for line in answer.iter_lines():
            if not line and current:
                if "event" in current:
                    events.append(current)
                    if current["event"] == wanted or len(events) >= limit:
                        break
                current = {}
            elif ":" in line and not line.startswith(":"):
                field, _, value = line.partition(":")
                current[field] = current.get(field, "") + value.strip()
    return events
