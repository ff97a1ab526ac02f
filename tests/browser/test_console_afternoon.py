"""The demo day's afternoon in Debian's Chromium: a coach records who came to a workshop, a recruiter the
outcome of an interview. Both need a session that began, and the shared stack's clock reads the morning of
the day: this module books a workshop at 13:00 (enrolment closes once it begins), then moves the stack's
clock to 13:15, when every interview of the day has begun too. The clock cannot go back, so this module
runs after every other of the folder (see `conftest.pytest_collection_modifyitems`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from jobdating.console.application.coaching import ANOTHER as OTHER
from jobdating.ops.day.clock import local
from jobdating.ops.demo_accounts import DemoAccount
from jobdating.ops.demo_people import COACH_ORGS
from jobdating.runtime.clock import ScaledClock
from jobdating.testing.demo_data import COORDINATOR_ORG, JOB_DATING_ID, SITES
from jobdating.testing.waiting import wait_until

from .chromium import DESKTOP, PHONE, check_page, tab_to
from .conftest import DAY, Demo, signed_in
from .services import call, company_interviews

pytestmark = [pytest.mark.nats, pytest.mark.slow, pytest.mark.browser]

WORKSHOP = "atelier-apres-midi"
STARTS, ENDS, NOW = "13:00", "14:00", "13:15"  # after the day's last interview began (sites close at 13:00)
SITE = next(s for s in SITES if s.key == "seclin")


@dataclass(frozen=True)
class Afternoon:
    coach: DemoAccount
    enrolled: list[str]  # two candidates of the site, in the order they were enrolled


@pytest.fixture(scope="module")
def afternoon(demo: Demo) -> Afternoon:
    """A workshop at the site at 13:00 run by the two coaches, two of the site's candidates enrolled by their
    counsellors while it is still ahead; then the stack's clock at 13:15."""
    room = call(
        demo,
        "POST",
        "sites",
        f"/sites/site-{SITE.key}/rooms",
        SITE.host_org,
        "site_manager",
        json={"name": "Salle de l'après-midi", "capacity": 8},
    )["room_id"]
    coaches = [next(a for a in demo.accounts if a.key == f"coach-{o}") for o in COACH_ORGS]
    body = {
        "workshop_id": WORKSHOP,
        "job_dating_id": JOB_DATING_ID,
        "site_id": f"site-{SITE.key}",
        "room_id": room,
        "starts_at": local(DAY, STARTS).isoformat(),
        "ends_at": local(DAY, ENDS).isoformat(),
        "coaches": [{"coach_id": c.account_id, "org": c.org} for c in coaches],
    }
    token = demo.stack.token_for(COORDINATOR_ORG, "coordinator")

    def schedule() -> bool:
        # The new room reaches scheduling by the stream: 404 until then.
        answer = httpx.post(
            f"{demo.stack.url('scheduling')}/workshops",
            json=body,
            headers={"Authorization": f"Bearer {token}"},
            timeout=15,
        )
        assert answer.status_code in (201, 404), answer.text
        return answer.status_code == 201

    wait_until("the workshop scheduled", schedule, limit=60)
    people = call(
        demo, "GET", "registration", "/candidates", COORDINATOR_ORG, "coordinator", params={"limit": 100}
    )["items"]
    here = [p for p in people if p["profile"]["site_id"] == f"site-{SITE.key}"][:2]
    for person in here:
        call(
            demo,
            "POST",
            "scheduling",
            f"/workshops/{WORKSHOP}/enrolments",
            person["profile"]["referring_org"],
            "counsellor",
            json={"candidate_id": person["candidate_id"]},
        )
    demo.stack.move_clock(ScaledClock(local(DAY, NOW), 1.0))
    return Afternoon(coach=coaches[0], enrolled=[p["candidate_id"] for p in here])


def test_a_coach_records_who_came_to_the_workshop_with_the_keyboard(
    browser: Any, demo: Demo, afternoon: Afternoon
) -> None:
    context, page = signed_in(browser, demo, afternoon.coach, "**/conseil/ateliers", PHONE)
    card = page.locator(f"#atelier-{WORKSHOP}")
    assert "2 inscrits sur 8 places." in card.inner_text()
    check_page(page, "ateliers-presences")

    # With the keyboard only: the first enrolled present (Space), the second absent (the arrow moves the
    # choice within its group), then the button.
    page.set_viewport_size(PHONE)
    first = tab_to(page, "presence-", what="name")
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    second: str = page.evaluate("document.activeElement.name")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent").startswith("Enregistrer les présences")
    page.keyboard.press("Enter")
    page.get_by_role("status").filter(
        has_text="Présences enregistrées : 1 présent(s), 1 absent(s)."
    ).wait_for()

    # The page, read again from scheduling, says it is recorded and asks no more; scheduling kept who came.
    page.reload()
    card = page.locator(f"#atelier-{WORKSHOP}")
    said = card.locator("li").all_inner_texts()
    assert said == [f"{OTHER} (1) : présent", f"{OTHER} (2) : absent"]  # a coach reads no name
    assert "Présences enregistrées." in card.inner_text()
    assert card.locator("form").count() == 0
    check_page(page, "ateliers-presences-enregistrees")
    kept = call(demo, "GET", "scheduling", f"/workshops/{WORKSHOP}", COORDINATOR_ORG, "coordinator")
    assert kept["present"] == [first.removeprefix("presence-")]
    assert kept["absent"] == [second.removeprefix("presence-")]
    assert sorted(kept["present"] + kept["absent"]) == sorted(afternoon.enrolled)
    context.close()


def test_a_recruiter_records_the_outcome_of_a_begun_interview_with_the_keyboard(
    browser: Any, demo: Demo, afternoon: Afternoon
) -> None:
    recruiter, interviews = next(
        (a, found)
        for a in demo.accounts
        if a.role == "recruiter" and (found := company_interviews(demo, a.org))
    )
    first = min(interviews, key=lambda i: i["local_start"])  # the agenda's first card
    context, page = signed_in(browser, demo, recruiter, "**/recrutement", DESKTOP)
    page.get_by_role("link", name="Mon agenda et les résultats : Emploi Booster — Lille Sud").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Mon agenda"  # checked by axe before noon

    # The first interview's result, with the keyboard only: « Embauché » is the list's second choice.
    page.set_viewport_size(PHONE)
    assert tab_to(page, "resultat-", what="id") == "resultat-1"
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent").startswith("Enregistrer le résultat")
    page.keyboard.press("Enter")
    page.get_by_role("status").filter(has_text="Résultat enregistré pour ").wait_for()
    assert "Embauché." in page.get_by_role("status").inner_text()

    # Read back from scheduling by the page, and by the plan.
    page.reload()
    card = page.locator(f"#entretien-{first['slot_id']}")
    assert card.locator(".done").inner_text() == "Résultat : Embauché"
    assert card.locator("form[action$='/resultat']").count() == 0
    check_page(page, "recrutement-agenda-resultat-enregistre")
    kept = next(i for i in company_interviews(demo, recruiter.org) if i["slot_id"] == first["slot_id"])
    assert kept["outcome"] == "hired"
    context.close()
