"""A counsellor in Debian's Chromium, on the shared demo stack: Mission Locale's counsellor signs in, sees the
candidates they follow with their interviews (and no other organisation's), finds on the call list a
candidate whose interview the coordination cancelled, with the reason, and one who answered « Je ne peux
pas venir » from their personal link, opens that candidate's page with the
keyboard alone; another organisation's candidate, by changing the id in the address, is refused. The
workshops page says plainly there is nothing to run. axe-core finds nothing at 360×640 and 1280×800."""

from __future__ import annotations

import time
from typing import Any

import httpx
import pytest

from jobdating.runtime.candidate_links import CandidateLink, sign
from jobdating.testing.demo_data import COORDINATOR_ORG, candidates

from .chromium import DESKTOP, PHONE, check_page
from .conftest import ON_THE_PAGE, Demo, sign_in, signed_in

pytestmark = [pytest.mark.nats, pytest.mark.slow, pytest.mark.browser]

ORG, OTHER = "mission-locale", "france-travail"
# The reception tests' sites: their candidates' plans stay as those tests expect.
RECEPTION_SITES = ("site-faches", "site-ronchin")


def _as_coordinator(demo: Demo) -> dict[str, str]:
    return {"Authorization": f"Bearer {demo.stack.token_for(COORDINATOR_ORG, 'coordinator')}"}


def _get(demo: Demo, service: str, path: str, **params: str) -> Any:
    answer = httpx.get(
        f"{demo.stack.url(service)}{path}", params=params, headers=_as_coordinator(demo), timeout=15
    )
    assert answer.status_code == 200, answer.text
    return answer.json()


def _followed_by(demo: Demo, account_id: str) -> list[dict[str, Any]]:
    """The candidates an account follows, as registration lists them (anonymous for the coordination of
    another organisation: ids and sites only)."""
    return list(_get(demo, "registration", "/candidates", counsellor_id=account_id, limit="1000")["items"])


def _cancel_one_interview(demo: Demo, followed: list[dict[str, Any]]) -> tuple[str, dict[str, Any]]:
    """The coordination cancels by hand the last interview of a followed candidate away from the reception
    tests' sites; returns the candidate's id and the interview as the plan showed it."""
    jd = next(j for j in _get(demo, "scheduling", "/job-datings") if j.get("published"))["job_dating_id"]
    for record in followed:
        if record["profile"]["site_id"] in RECEPTION_SITES or record["status"] != "registered":
            continue
        plan = _get(demo, "scheduling", f"/job-datings/{jd}/plan", by="candidate", key=record["candidate_id"])
        interviews = [i for g in plan["groups"] for i in g["interviews"]]
        if len(interviews) < 2:
            continue
        last = max(interviews, key=lambda i: i["starts_at"])
        cancelled = httpx.post(
            f"{demo.stack.url('scheduling')}/slots/{last['slot_id']}/cancel",
            json={"reason": "essai de la liste d'appels", "force": True},
            headers=_as_coordinator(demo),
            timeout=15,
        )
        assert cancelled.status_code == 200, cancelled.text
        return str(record["candidate_id"]), last | {"company": plan["names"][last["company_id"]]}
    raise AssertionError("no followed candidate with two interviews away from the reception sites")


def _decline_from_the_link(demo: Demo, followed: list[dict[str, Any]], besides: str) -> str:
    """A followed candidate away from the reception tests' sites answers « Je ne peux pas venir » from their
    personal link (registration checks it, as the console's page does); returns their id."""
    record = next(
        r
        for r in followed
        if r["profile"]["site_id"] not in RECEPTION_SITES
        and r["status"] == "registered"
        and r["candidate_id"] != besides
    )
    key = demo.stack.console_secret_file.read_bytes().strip()
    link = sign(key, CandidateLink(record["candidate_id"], int(time.time()) + 90 * 86400))
    answer = httpx.post(
        f"{demo.stack.url('registration')}/candidate-answers",
        json={"link": link, "answer": "not_coming"},
        timeout=15,
    )
    assert answer.status_code == 200, answer.text
    return str(record["candidate_id"])


def test_a_counsellor_sees_their_own_candidates_their_plan_and_whom_to_call(browser: Any, demo: Demo) -> None:
    account = next(a for a in demo.accounts if a.key == f"counsellor-{ORG}")
    assert account.account_id is not None
    followed = _followed_by(demo, account.account_id)
    assert followed, "the demo's Mission Locale candidates follow its counsellor's account"
    candidate_id, interview = _cancel_one_interview(demo, followed)
    declined = _decline_from_the_link(demo, followed, besides=candidate_id)
    mine = {f"{c.last_name} {c.first_name}" for c in candidates() if c.referring_org == ORG}
    others = {f"{c.last_name} {c.first_name}" for c in candidates() if c.referring_org == OTHER} - mine

    context = browser.new_context(viewport=DESKTOP, locale="fr-FR")
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    sign_in(page, demo, account)
    page.wait_for_url("**/conseil")
    assert page.get_by_role("heading", level=1).inner_text() == "Mes candidats"
    planning = page.locator("section", has=page.get_by_role("heading", name="Leur planning")).inner_text()
    for name in mine:
        assert name in planning
    for name in others:
        assert name not in page.content()
    assert ON_THE_PAGE in planning  # their interviews, on the day

    # The call list names the candidate whose interview was cancelled, and why, in plain words.
    calls = page.locator("section", has=page.get_by_role("heading", name="À appeler"))
    at, company = interview["local_start"], interview["company"]
    why = f"Entretien annulé ({at}, {company}) : décision de la coordination."
    card = calls.locator("li.card", has_text=why)
    assert card.count() == 1
    name = card.get_by_role("heading", level=3).get_by_role("link").inner_text()
    assert card.get_by_role("link", name="Appeler le").count() == 1
    # The one who said they cannot come, said so (their interviews freed), not as cancellations.
    said = "A répondu « Je ne peux pas venir » : ses entretiens sont libérés."
    declined_card = calls.locator("li.card", has_text=said)
    assert declined_card.count() == 1
    assert declined in declined_card.get_by_role("link").first.get_attribute("href")
    assert "le candidat s'est retiré" not in declined_card.inner_text()
    check_page(page, "conseil")

    # Keyboard only: Tab to the candidate's name in the call list, Enter opens their page.
    page.set_viewport_size(PHONE)
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent") == name:
            break
    else:
        raise AssertionError(f"{name} not reached with Tab")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/conseil/candidats/{candidate_id}")
    assert page.get_by_role("heading", level=1).inner_text() == name
    assert why in page.inner_text("main")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360  # no sideways scrolling
    check_page(page, "conseil-candidat")

    # Another organisation's candidate, by changing the id in the address: refused, no name shown.
    theirs = next(
        c
        for c in _get(demo, "registration", "/candidates", limit="1000")["items"]
        if c["profile"]["referring_org"] == OTHER
    )
    answer = page.goto(f"{demo.console}/conseil/candidats/{theirs['candidate_id']}")
    assert answer is not None
    assert answer.status == 403
    assert page.get_by_role("heading", level=1).inner_text() == "Accès refusé"
    assert "n'est pas suivi par vous" in page.inner_text("main")
    assert not any(n in page.content() for n in others)
    unknown = page.goto(f"{demo.console}/conseil/candidats/personne")
    assert unknown is not None
    assert unknown.status == 404
    assert page.get_by_role("heading", level=1).inner_text() == "Introuvable"
    assert len(errors) == 2  # the browser logs those two refusals, and nothing else
    errors.clear()

    # The workshops and individual interviews to run: none in the demo, said so.
    page.goto(f"{demo.console}/conseil/ateliers")
    assert page.get_by_role("heading", level=1).inner_text() == "Mes ateliers et entretiens"
    assert "Aucun atelier à animer." in page.inner_text("main")
    check_page(page, "conseil-ateliers")
    assert errors == [], errors
    context.close()


def test_a_site_host_is_not_offered_the_counsellors_pages(browser: Any, demo: Demo) -> None:
    context, page = signed_in(browser, demo, demo.host_of("ronchin"), "**/accueil/sites/site-ronchin")
    answer = page.goto(f"{demo.console}/conseil")
    assert answer is not None
    assert answer.status == 403
    assert "réservée aux conseillers" in page.inner_text("main")
    context.close()
