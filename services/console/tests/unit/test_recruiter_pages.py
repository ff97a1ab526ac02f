"""A recruiter's pages turned into the right commands, against an in-memory stand-in of the services (the
console's own `Services` port): outcomes and second interviews, which the browser tests' demo day cannot
reach before its interviews begin, and the ranking form read without JavaScript."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from jobdating.console.application.ports import Refused
from jobdating.console.application.recruiter import MUST_MEET, choices_of
from jobdating.console.application.sessions import Session
from jobdating.console.bootstrap import ConsoleService

from .fakes import FakeServices

JD = "jd-1"
COMPANY = "co-logiplus"


@pytest.fixture
def upstream() -> FakeServices:
    """A published job dating where the company has one interview, at 09:00."""
    services = FakeServices()
    services.answers["GET", "scheduling", f"/job-datings/{JD}"] = {
        "job_dating_id": JD,
        "title": "Emploi Booster",
        "days": ["2027-01-08"],
        "published_plan_id": "plan-1",
    }
    interview = {
        "slot_id": "slot-9",
        "candidate_id": "cand-000abc",
        "company_id": COMPANY,
        "site_id": "site-a",
        "computer_id": "pc-1",
        "local_start": "09:00",
        "local_end": "09:20",
        "status": "assigned",
    }
    services.answers["GET", "scheduling", f"/job-datings/{JD}/plan"] = {
        "groups": [{"key": COMPANY, "interviews": [interview]}],
        "names": {"site-a": "Centre social", "pc-1": "Poste 1"},
    }
    return services


@pytest.fixture
def console(build_console: Callable[..., ConsoleService], upstream: FakeServices) -> ConsoleService:
    return build_console(upstream, secure_cookie=True, identity_url="http://127.0.0.1:9")


@pytest.fixture
def signed_in(sign_in: Callable[..., tuple[TestClient, Session]]) -> Callable[..., tuple[TestClient, str]]:
    """`signed_in(console, roles=("recruiter",))`: a client of the company's recruiter, and its CSRF token."""

    def client_of(console: ConsoleService, roles: tuple[str, ...] = ("recruiter",)) -> tuple[TestClient, str]:
        client, session = sign_in(
            console,
            minutes=10,
            https=True,
            roles=roles,
            org=COMPANY,
            email="recrutement@logiplus.exemple.fr",
        )
        return client, session.csrf

    return client_of


def test_a_recruiter_records_an_outcome_and_books_a_second_interview(
    console: ConsoleService, upstream: FakeServices, signed_in: Callable[..., tuple[TestClient, str]]
) -> None:
    client, csrf = signed_in(console)
    base = f"/recrutement/{JD}/entretiens/slot-9"
    done = client.post(
        f"{base}/resultat", data={"csrf": csrf, "outcome": "second_interview", "candidate": "X"}
    )
    assert done.status_code == 200  # the agenda, after the redirect
    assert "09:00 – 09:20 · Candidat 000ABC" in done.text
    assert "Centre social, Poste 1" in done.text
    assert ("POST", "scheduling", "/slots/slot-9/outcome", {"outcome": "second_interview"}) in upstream.calls

    upstream.answers["GET", "scheduling", "/slots/slot-9/second-interview/proposals"] = [
        {
            "starts_at": "2027-01-08T13:00:00+01:00",
            "ends_at": "2027-01-08T13:20:00+01:00",
            "computer_id": "pc-1",
        }
    ]
    page = client.get(f"{base}/second-entretien")
    assert "Réserver le vendredi 8 janvier 2027 à 13:00" in page.text
    booked = client.post(
        f"{base}/second-entretien",
        data={
            "csrf": csrf,
            "starts_at": "2027-01-08T13:00:00+01:00",
            "place": "site",
            "computer_id": "pc-1",
            "words": "vendredi 8 janvier 2027 à 13:00",
        },
    )
    assert booked.status_code == 200
    body = {"starts_at": "2027-01-08T13:00:00+01:00", "place": "site", "computer_id": "pc-1"}
    assert ("POST", "scheduling", "/slots/slot-9/second-interview", body) in upstream.calls
    assert "Second entretien réservé : vendredi 8 janvier 2027 à 13:00." in booked.text


def test_an_interview_with_its_outcome_offers_the_second_interview(
    console: ConsoleService, upstream: FakeServices, signed_in: Callable[..., tuple[TestClient, str]]
) -> None:
    plan = upstream.answers["GET", "scheduling", f"/job-datings/{JD}/plan"]
    plan["groups"][0]["interviews"][0]["outcome"] = "second_interview"
    client, _ = signed_in(console)
    page = client.get(f"/recrutement/{JD}/agenda")
    assert "Résultat : Je veux le revoir (second entretien)" in page.text
    assert f'href="/recrutement/{JD}/entretiens/slot-9/second-entretien"' in page.text
    assert "Enregistrer le résultat" not in page.text


def test_a_refused_outcome_is_said_in_french_on_the_agenda(
    console: ConsoleService, upstream: FakeServices, signed_in: Callable[..., tuple[TestClient, str]]
) -> None:
    client, csrf = signed_in(console)
    upstream.answers["POST", "scheduling", "/slots/slot-9/outcome"] = Refused(
        409, ["cet entretien n'a pas encore commencé"]
    )
    page = client.post(
        f"/recrutement/{JD}/entretiens/slot-9/resultat",
        data={"csrf": csrf, "outcome": "hired", "candidate": "X"},
    )
    assert "Résultat non enregistré pour X : cet entretien n&#39;a pas encore commencé" in page.text


def test_an_outcome_not_chosen_is_asked_again_without_calling_scheduling(
    console: ConsoleService, upstream: FakeServices, signed_in: Callable[..., tuple[TestClient, str]]
) -> None:
    client, csrf = signed_in(console)
    page = client.post(
        f"/recrutement/{JD}/entretiens/slot-9/resultat", data={"csrf": csrf, "outcome": "", "candidate": "X"}
    )
    assert "Choisissez dans la liste le résultat de l&#39;entretien avec X." in page.text
    assert not [c for c in upstream.calls if c[0] == "POST"]


def test_the_ranking_form_reads_numbers_and_boxes_best_first() -> None:
    fields = {"rang-c1": "2", "rang-c2": "", "rang-c3": "1", "rang-c4": "abc", "a-c2": MUST_MEET, "a-c3": "x"}
    assert choices_of(fields, ["c1", "c2", "c3", "c4"]) == (["c3", "c1"], ["c2"])
    # The same number twice keeps the page's order.
    assert choices_of({"rang-c2": "1", "rang-c1": "1"}, ["c1", "c2"]) == (["c1", "c2"], [])


def test_a_site_host_is_told_the_recruiters_pages_are_not_theirs(
    console: ConsoleService, signed_in: Callable[..., tuple[TestClient, str]]
) -> None:
    client, _ = signed_in(console, roles=("site_manager",))
    page = client.get("/recrutement")
    assert page.status_code == 403
    assert "Ces pages sont celles des recruteurs des entreprises." in page.text


def test_a_recruiter_reads_their_notes_as_text_and_writes_one_refused_in_french_when_too_long(
    console: ConsoleService, upstream: FakeServices, signed_in: Callable[..., tuple[TestClient, str]]
) -> None:
    upstream.answers["GET", "scheduling", f"/job-datings/{JD}/interview-notes"] = [
        {
            "note_id": "n-1",
            "slot_id": "slot-9",
            "candidate_id": "cand-000abc",
            "company_id": COMPANY,
            "author_role": "recruiter",
            "author_id": "rec-1",
            "written_at": "2027-01-08T08:30:00Z",
            "note": "<script>alert(1)</script> à revoir",
        }
    ]
    client, csrf = signed_in(console)
    page = client.get(f"/recrutement/{JD}/agenda").text
    assert "&lt;script&gt;alert(1)&lt;/script&gt; à revoir" in page
    assert "<script>alert" not in page
    assert "Recruteur, le vendredi 8 janvier 2027 à 09:30" in page

    url = f"/recrutement/{JD}/entretiens/slot-9/note"
    written = client.post(url, data={"csrf": csrf, "note": "Très motivé.", "candidate": "Candidat 000ABC"})
    assert "Note enregistrée pour Candidat 000ABC." in written.text
    assert ("POST", "scheduling", "/slots/slot-9/notes", {"note": "Très motivé."}) in upstream.calls
    upstream.answers["POST", "scheduling", "/slots/slot-9/notes"] = Refused(
        422, ["la note dépasse 500 caractères (501)"], {"note": "la note dépasse 500 caractères (501)"}
    )
    refused = client.post(url, data={"csrf": csrf, "note": "x" * 501, "candidate": "Candidat 000ABC"})
    assert "Note non enregistrée pour Candidat 000ABC : la note dépasse 500 caractères (501)" in refused.text
    assert client.post(url, data={"note": "sans jeton"}).status_code == 403
