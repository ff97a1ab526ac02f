"""A recruiter in Debian's Chromium: their job datings, the anonymous profiles to rank before the day (a
number and a box per profile, no JavaScript needed), refused plainly once the plan is published, and the
agenda of the demo day with a result form and notes per interview.

The demo's plan is published, so ranking is shown on a second job dating planned two weeks later and left
unpublished (created here: the modules that run before this one see only the demo's). Recording an
outcome needs an interview that began: the demo day's clock reads the morning before the first one, so
the agenda says so in French here, and the recorded outcome and the second interview are proven in
`services/console/tests/unit/test_recruiter_pages.py`."""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

import pytest

from jobdating.ops.demo_accounts import DemoAccount
from jobdating.testing.demo_data import COORDINATOR_ORG, JOB_DATING_ID, SITES

from .chromium import DESKTOP, PHONE, check_page, tab_to
from .conftest import DAY, Demo, signed_in
from .services import call

pytestmark = [pytest.mark.nats, pytest.mark.slow, pytest.mark.browser]

LATER = "Job dating de printemps"


@pytest.fixture(scope="module")
def later(demo: Demo) -> str:
    """A job dating two weeks after the demo's, on every demo site, planned but not yet published."""
    job_dating_id = f"printemps-{secrets.token_hex(4)}"
    day = (DAY + timedelta(days=14)).isoformat()
    body = {
        "job_dating_id": job_dating_id,
        "title": LATER,
        "days": [day],
        "site_windows": [
            {"site_id": f"site-{s.key}", "day": day, "start": "08:30", "end": "12:30"} for s in SITES
        ],
    }
    call(demo, "POST", "scheduling", "/job-datings", COORDINATOR_ORG, "coordinator", json=body)
    return job_dating_id


@pytest.fixture(scope="module")
def recruiter(demo: Demo, later: str) -> DemoAccount:
    """A recruiter whose company has interviews on the demo day and at least three profiles to rank."""
    for account in (a for a in demo.accounts if a.role == "recruiter"):
        profiles = call(
            demo,
            "GET",
            "scheduling",
            f"/job-datings/{later}/companies/{account.org}/candidates",
            COORDINATOR_ORG,
            "coordinator",
        )
        if len(profiles) >= 3 and _interviews(demo, account.org):
            return account
    raise AssertionError("no demo company with interviews and three profiles")


def _interviews(demo: Demo, company_id: str) -> list[dict[str, Any]]:
    plan = call(
        demo,
        "GET",
        "scheduling",
        f"/job-datings/{JOB_DATING_ID}/plan",
        COORDINATOR_ORG,
        "coordinator",
        params={"by": "company", "key": company_id},
    )
    return [i for g in plan["groups"] for i in g["interviews"] if i["status"] != "cancelled"]


def test_a_recruiter_ranks_the_anonymous_profiles_without_javascript(
    browser: Any, demo: Demo, later: str, recruiter: DemoAccount
) -> None:
    context, page = signed_in(browser, demo, recruiter, "**/recrutement", PHONE)
    assert page.get_by_role("heading", level=1).inner_text() == "Vos job datings"
    check_page(page, "recrutement")
    page.get_by_role("link", name=f"Classer les candidats : {LATER}").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Classer les candidats"
    check_page(page, "recrutement-profils")
    context.close()

    # The same, with JavaScript off in the browser.
    context, page = signed_in(browser, demo, recruiter, "**/recrutement", PHONE, java_script_enabled=False)
    page.get_by_role("link", name=f"Classer les candidats : {LATER}").click()
    profiles = page.locator("ol.profiles > li")
    assert profiles.count() >= 3
    labels = [profiles.nth(i).get_by_role("heading").inner_text() for i in range(3)]
    assert all(label.startswith("Candidat ") for label in labels)  # a reference, never a name

    # The third first, then the first; the second to meet whatever its rank.
    profiles.nth(2).get_by_label("Rang").fill("1")
    profiles.nth(0).get_by_label("Rang").fill("2")
    profiles.nth(1).get_by_label("À rencontrer absolument").check()
    page.get_by_role("button", name="Enregistrer mes choix").click()
    page.get_by_role("status").filter(
        has_text="Vos choix sont enregistrés : 2 classé(s), 1 à rencontrer absolument."
    ).wait_for()
    kept = call(
        demo,
        "GET",
        "scheduling",
        f"/job-datings/{later}/companies/{recruiter.org}/candidates",
        COORDINATOR_ORG,
        "coordinator",
    )
    by_label = {f"Candidat {p['candidate_id'][-6:].upper()}": p for p in kept}
    assert by_label[labels[2]]["rank"] == 1
    assert by_label[labels[0]]["rank"] == 2
    assert by_label[labels[1]]["must_meet"] is True
    # The page shows the choices as kept, the ranked ones first.
    assert page.locator("ol.profiles > li").first.get_by_role("heading").inner_text() == labels[2]
    context.close()


def test_ranking_is_refused_plainly_once_the_plan_is_published(
    browser: Any, demo: Demo, recruiter: DemoAccount
) -> None:
    context, page = signed_in(browser, demo, recruiter, "**/recrutement", DESKTOP)
    page.goto(f"{demo.console}/recrutement/{JOB_DATING_ID}/profils")
    notice = page.locator("#publie").inner_text()
    assert notice.startswith("Le planning est publié : vos choix ne peuvent plus changer.")
    assert page.get_by_role("button", name="Enregistrer mes choix").count() == 0
    check_page(page, "recrutement-profils-publie")

    # The form sent anyway (an old tab): scheduling refuses, and the page says why.
    csrf = page.locator("input[name=csrf]").first.get_attribute("value")
    first = page.locator("ol.profiles input[type=number]").first.get_attribute("name")
    answer = context.request.post(
        f"{demo.console}/recrutement/{JOB_DATING_ID}/profils", form={"csrf": csrf, first: "1"}
    )
    assert "Vos choix ne sont pas enregistrés : le plan est publié" in answer.text()
    context.close()


def test_a_recruiter_reads_the_days_agenda_and_reaches_each_result_with_the_keyboard(
    browser: Any, demo: Demo, recruiter: DemoAccount
) -> None:
    interviews = _interviews(demo, recruiter.org)
    context, page = signed_in(browser, demo, recruiter, "**/recrutement", DESKTOP)
    page.get_by_role("link", name="Mon agenda et les résultats : Emploi Booster — Lille Sud").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Mon agenda"
    cards = page.locator("ol.agenda > li")
    assert cards.count() == len(interviews)
    first = min(interviews, key=lambda i: i["local_start"])
    assert cards.first.get_by_role("heading").inner_text().startswith(f"{first['local_start']} – ")
    check_page(page, "recrutement-agenda")

    page.set_viewport_size(PHONE)
    page.goto(page.url)
    tab_to(page, "resultat-", what="id")
    page.keyboard.press("ArrowDown")  # the first result of the list: a second interview
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert focused.startswith("Enregistrer le résultat")
    page.keyboard.press("Enter")
    # The demo day's clock reads the morning, before the first interview: said in French.
    page.get_by_role("status").filter(has_text="cet entretien n'a pas encore commencé").wait_for()

    # A note on the first interview, kept by scheduling for the company; markup typed in it stays text.
    typed = "<b>Bon échange</b>, à revoir pour le poste de préparateur."
    card = page.locator("ol.agenda > li").first
    card.locator("summary").click()  # folded: an agenda stays short on a phone
    card.get_by_label("Votre note").fill(typed)
    card.get_by_role("button", name="Enregistrer la note").click()
    page.get_by_role("status").filter(has_text="Note enregistrée pour Candidat ").wait_for()
    assert page.locator("ol.agenda > li").first.locator(".note-text").inner_text() == typed
    check_page(page, "recrutement-agenda-note")

    # Another company's interview, by changing the slot id in the form: scheduling refuses it.
    other = next(
        i
        for a in demo.accounts
        if a.role == "recruiter" and a.org != recruiter.org
        for i in _interviews(demo, a.org)
    )
    csrf = page.locator("input[name=csrf]").first.get_attribute("value")
    answer = context.request.post(
        f"{demo.console}/recrutement/{JOB_DATING_ID}/entretiens/{other['slot_id']}/resultat",
        form={"csrf": csrf, "outcome": "hired", "candidate": "X"},
    )
    notice = answer.text()
    assert "Résultat non enregistré pour X" in notice
    assert "pas encore commencé" not in notice  # refused before the clock is even looked at
    noted = context.request.post(
        f"{demo.console}/recrutement/{JOB_DATING_ID}/entretiens/{other['slot_id']}/note",
        form={"csrf": csrf, "note": "Pas le mien.", "candidate": "X"},
    )
    assert "Note non enregistrée pour X : seuls le conseiller" in noted.text()
    context.close()
