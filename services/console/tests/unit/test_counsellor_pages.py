"""The counsellor's, coach's and coordination's pages over a fake of the other services (the console's own
port): what the call list says and why, the outcomes, who is enrolled in a session, what a coach may not
read, and an import form sent incomplete."""

from __future__ import annotations

import html
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, TypeVar

import pytest
from fastapi.testclient import TestClient
from httpx import Response

from jobdating.console.application.ports import Refused, Unreachable
from jobdating.console.application.sessions import Session
from jobdating.console.bootstrap import ConsoleService

from .fakes import FakeServices

NOW = datetime(2027, 1, 8, 8, 0, tzinfo=UTC)
ME = "acct-me"


def _candidate(candidate_id: str, last: str, mine: bool = True) -> dict[str, Any]:
    personal = {"first_name": "Léa", "last_name": last, "phone": "+33639980001"} if mine else None
    return {"candidate_id": candidate_id, "status": "registered", "erased": False, "personal": personal}


def _interview(candidate_id: str, start: str, company: str, **more: Any) -> dict[str, Any]:
    return {
        "candidate_id": candidate_id,
        "company_id": company,
        "day": "2027-01-08",
        "local_start": start,
        "local_end": start[:3] + "20",
        "status": "assigned",
        **more,
    }


class Counselling(FakeServices):
    """The services as the console sees them: answers by (service, path) to reads, refusals where asked; no
    command expected."""

    def __init__(self, roles: tuple[str, ...] = ("counsellor",)) -> None:
        super().__init__()
        self.roles = roles
        self.notifications_down = False

    def answer(self, method: str, service: str, path: str, sent: Any) -> Any:
        if method != "GET":
            raise AssertionError(f"no command expected: {method} {service} {path}")
        params = sent or {}
        if service == "registration" and path == "/candidates":
            if "counsellor" not in self.roles:
                raise Refused(403, ["accès refusé"])
            assert params["counsellor_id"] == ME
            declined = _candidate("c-3", "Durand") | {
                "status": "withdrawn",
                "withdrawal_reason": "indisponible à la date",
            }
            unreachable = _candidate("c-4", "Petit")
            unreachable["personal"] |= {"phone": "", "email": None}
            items = [_candidate("c-1", "Martin"), _candidate("c-2", "Bernard"), declined, unreachable]
            return {"total": len(items), "items": items}
        if service == "registration" and path == "/candidates/c-1":
            return _candidate("c-1", "Martin")
        if service == "registration" and path == "/candidates/c-9":
            return _candidate("c-9", "Autre", mine=False)
        if service == "scheduling" and path == "/job-datings":
            return [{"job_dating_id": "jd", "published": True, "title": "Job dating de janvier"}]
        if service == "scheduling" and path == "/job-datings/jd/attendance":
            return [{"candidate_id": "c-2", "no_show": True, "checked_in_at": None}]
        if service == "scheduling" and path == "/job-datings/jd/plan":
            interviews = {
                "c-1": [
                    _interview("c-1", "09:00", "co-a", outcome="second_interview"),
                    _interview("c-1", "10:00", "co-b", status="cancelled", cancel_reason="computer_broken"),
                ],
                "c-2": [],
                "c-3": [
                    _interview("c-3", "11:00", "co-a", status="cancelled", cancel_reason="candidate_withdrew")
                ],
                "c-4": [_interview("c-4", "11:30", "co-b", outcome="no_show")],
            }[params["key"]]
            return {
                "groups": [{"interviews": interviews}],
                "names": {"co-a": "Boulangerie", "co-b": "Garage"},
            }
        if service == "notifications":
            if self.notifications_down:
                raise Unreachable("notifications")
            failed = path == "/candidates/c-2/notifications"
            if path == "/candidates/c-3/notifications":  # a landline: the SMS could not go
                return [
                    {
                        "kind": "convocation",
                        "channel": "sms",
                        "status": "skipped",
                        "reason": "landline_no_voice",
                    },
                    {"kind": "reminder_morning", "channel": "sms", "status": "skipped", "reason": "declined"},
                ]
            if path == "/candidates/c-4/notifications":  # sent, but no receipt hours later; sent, delivered
                return [
                    {"kind": "slot_moved", "channel": "sms", "status": "sent", "delivery": "unknown"},
                    {"kind": "convocation", "channel": "sms", "status": "sent", "delivery": "delivered"},
                    # No receipt for an e-mail says little (relays report bounces only): not listed.
                    {"kind": "convocation", "channel": "email", "status": "sent", "delivery": "unknown"},
                ]
            return [{"kind": "convocation", "channel": "sms", "status": "failed" if failed else "sent"}]
        if service == "sites" and path == "/sites":
            return [{"site_id": "site-1", "name": "Espace emploi de Seclin"}]
        if service == "scheduling" and path == "/workshops":
            return [
                {
                    "site_id": "site-1",
                    "starts_at": "2027-01-04T13:00:00Z",
                    "ends_at": "2027-01-04T15:30:00Z",
                    "capacity": 8,
                    "coach_ids": [ME, "acct-other"],
                    "enrolled": ["c-1", "c-7"],
                    "cancelled": False,
                    "attendance_recorded": False,
                },
                {"coach_ids": ["acct-other"], "site_id": "site-1"},  # someone else's: not shown
            ]
        if service == "scheduling" and path == "/counselling-interviews":
            return [
                {
                    "site_id": "site-1",
                    "candidate_id": "c-2",
                    "starts_at": "2027-01-05T08:00:00Z",
                    "ends_at": "2027-01-05T08:45:00Z",
                    "cancelled": True,
                }
            ]
        raise Refused(404, ["inconnu"])


C = TypeVar("C", bound=Counselling)


def read(page: Response, status: int = 200) -> str:
    """The page's text as a person reads it (entities decoded), once its status is `status`."""
    assert page.status_code == status
    return html.unescape(page.text)


@pytest.fixture
def services() -> Counselling:
    return Counselling()


@pytest.fixture
def console(build_console: Callable[..., ConsoleService], services: Counselling) -> ConsoleService:
    return build_console(services, secure_cookie=False)


@pytest.fixture
def signed_in(sign_in: Callable[..., tuple[TestClient, Session]]) -> Callable[..., TestClient]:
    """`signed_in(console, roles)`: a client of the mission locale's counsellor `ME`, with those roles."""

    def client_of(console: ConsoleService, roles: tuple[str, ...]) -> TestClient:
        return sign_in(console, account_id=ME, org="mission-locale", roles=roles)[0]

    return client_of


@pytest.fixture
def counsellor_on(
    build_console: Callable[..., ConsoleService], sign_in: Callable[..., tuple[TestClient, Session]]
) -> Callable[[type[C]], tuple[C, TestClient, Session]]:
    """`counsellor_on(Kind)`: services of that kind, and the client and session of the mission locale's
    counsellor `ME` signed in to a console over them."""

    def signed(kind: type[C]) -> tuple[C, TestClient, Session]:
        services = kind()
        console = build_console(services, secure_cookie=False)
        return services, *sign_in(console, account_id=ME, org="mission-locale", roles=("counsellor",))

    return signed


def test_the_call_list_says_who_was_not_reached_whose_interview_was_cancelled_and_who_was_absent(
    console: ConsoleService,
    signed_in: Callable[..., TestClient],
) -> None:
    text = read(signed_in(console, ("counsellor",)).get("/conseil"))
    calls = text.split('id="appeler"')[1].split('id="planning"')[0]
    assert "Pas joint : la convocation (SMS), l'envoi a échoué." in calls
    assert "Absent le jour du job dating." in calls
    assert "Entretien annulé (10:00, Garage) : panne de matériel." in calls
    assert 'href="tel:+33639980001">Appeler le 06 39 98 00 01' in calls
    durand = calls.split("Durand Léa")[1].split("</li>\n</ul>")[0]
    assert "A répondu « Je ne peux pas venir » : ses entretiens sont libérés." in durand
    assert "numéro fixe, qui ne reçoit pas de message vocal" in durand
    assert "le candidat s'est retiré" not in durand  # their own decline says it
    assert "rappel du matin" not in durand  # a reminder paused for their decline is no failure
    petit = calls.split("Petit Léa")[1]
    assert "Aucun moyen de le joindre : ni téléphone ni courriel." in petit
    assert "Pas joint : le changement d'horaire (SMS), pas de confirmation de réception." in petit
    assert "la convocation" not in petit.split("Aucun moyen")[1].split("</ul>")[0]  # delivered
    assert "Absent à l'entretien (11:30, Garage)." in petit
    outcomes = text.split('id="resultats"')[1]
    assert "Martin Léa</strong>, Boulangerie : deuxième entretien demandé." in outcomes
    assert "Bernard" not in outcomes


def test_when_notifications_does_not_answer_the_page_says_it_cannot_tell(
    console: ConsoleService, services: Counselling, signed_in: Callable[..., TestClient]
) -> None:
    services.notifications_down = True
    text = read(signed_in(console, ("counsellor",)).get("/conseil/candidats/c-1"))
    assert "L'état des messages n'est pas disponible pour l'instant." in text
    assert "Entretien annulé (10:00, Garage) : panne de matériel." in text


def test_a_candidate_registration_shows_without_a_name_is_refused(
    console: ConsoleService, signed_in: Callable[..., TestClient]
) -> None:
    text = read(signed_in(console, ("counsellor",)).get("/conseil/candidats/c-9"), 403)
    assert "Ce candidat n'est pas suivi par vous" in text
    assert "Autre" not in text


def test_a_coach_sees_the_sessions_they_run_with_who_is_enrolled(
    console: ConsoleService, services: Counselling, signed_in: Callable[..., TestClient]
) -> None:
    services.roles = ("coach",)
    client = signed_in(console, ("coach",))
    home = client.get("/", follow_redirects=False)
    assert home.headers["location"] == "/conseil/ateliers"
    assert client.get("/conseil").status_code == 403
    text = read(client.get("/conseil/ateliers"))
    assert "Ateliers à animer (1)" in text
    assert "lundi 4 janvier 2027, 14:00 – 16:30" in text
    assert "2 inscrits sur 8 places." in text
    # A coach reads no candidate's name: each enrolled is said to be followed elsewhere.
    assert text.count("candidat suivi par une autre structure") == 3
    assert "Entretiens individuels (1)" in text
    assert "Annulé." in text


def test_a_counsellor_running_a_workshop_sees_their_own_candidates_by_name(
    console: ConsoleService, signed_in: Callable[..., TestClient]
) -> None:
    text = read(signed_in(console, ("counsellor",)).get("/conseil/ateliers"))
    assert "Martin Léa" in text
    assert "Bernard Léa" in text  # the individual interview
    assert text.count("candidat suivi par une autre structure") == 1


def test_an_import_without_a_file_or_a_kind_is_refused_in_french_before_registration_is_asked(
    console: ConsoleService,
    signed_in: Callable[..., TestClient],
) -> None:
    client = signed_in(console, ("coordinator",))
    session = console.sessions.get(client.cookies["console_session"], NOW)
    assert session is not None
    text = read(client.post("/coordination/imports", data={"csrf": session.csrf, "dry_run": "oui"}), 400)
    assert "Choisissez ce que contient le fichier : des candidats ou des entreprises." in text
    assert "Choisissez un fichier (CSV ou Excel) à importer." in text
    refused = client.post(
        "/coordination/imports", data={"kind": "candidates"}, files={"file": ("a.csv", b"NOM\n")}
    )
    assert refused.status_code == 403  # no CSRF token
    assert signed_in(console, ("counsellor",)).get("/coordination/imports").status_code == 403


class Noting(Counselling):
    """The same services, where c-1's first interview (`s-1`) carries a note of the counsellor's structure
    and scheduling takes new notes."""

    def answer(self, method: str, service: str, path: str, sent: Any) -> Any:
        if (method, service, path) == ("POST", "scheduling", "/slots/s-1/notes"):
            return {"note_id": "n-2"}
        if service == "scheduling" and path == "/job-datings/jd/interview-notes":
            note = "Préparée à l'atelier.\n<script>alert(1)</script>"
            return [
                {
                    "slot_id": "s-1",
                    "note": note,
                    "author_role": "counsellor",
                    "written_at": "2027-01-08T08:00:00Z",
                }
            ]
        found = super().answer(method, service, path, sent)
        if service == "scheduling" and path == "/job-datings/jd/plan":
            for interview in found["groups"][0]["interviews"][:1]:
                interview["slot_id"] = "s-1"
        return found


def test_a_counsellor_reads_their_structures_notes_and_writes_one_on_a_candidates_interview(
    counsellor_on: Callable[[type[Noting]], tuple[Noting, TestClient, Session]],
) -> None:
    services, client, session = counsellor_on(Noting)
    page = client.get("/conseil/candidats/c-1")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
    assert "<script>alert" not in page.text
    text = read(page)
    assert "Préparée à l'atelier.\n<script>alert(1)</script>" in text  # as typed, shown as text
    assert "Conseiller, le vendredi 8 janvier 2027 à 09:00" in text
    assert 'action="/conseil/candidats/c-1/entretiens/s-1/note"' in text
    assert "Préparée à l'atelier." in read(client.get("/conseil"))  # shown on « Mes candidats » too
    done = client.post(
        "/conseil/candidats/c-1/entretiens/s-1/note", data={"csrf": session.csrf, "note": "Rappelé."}
    )
    assert "Note enregistrée." in done.text
    assert ("POST", "scheduling", "/slots/s-1/notes", {"note": "Rappelé."}) in services.calls


class Attending(Counselling):
    """The same services, where the counsellor's workshop is `ws-1` and scheduling takes its presences (or
    refuses them with `refusal`)."""

    refusal: Refused | None = None
    recorded = False  # scheduling lists the workshop with its presences kept

    def answer(self, method: str, service: str, path: str, sent: Any) -> Any:
        if (method, service, path) == ("POST", "scheduling", "/workshops/ws-1/attendance"):
            if self.refusal is not None:
                raise self.refusal
            return {}
        if service == "scheduling" and path == "/workshops/ws-1":
            return {"workshop_id": "ws-1", "enrolled": ["c-1", "c-7"]}
        found = super().answer(method, service, path, sent)
        if service == "scheduling" and path == "/workshops":
            found[0]["workshop_id"] = "ws-1"
            if self.recorded:
                found[0] |= {"attendance_recorded": True, "present": ["c-1"], "absent": ["c-7"]}
        return found


def test_a_counsellor_records_who_came_to_the_workshop_they_run(
    counsellor_on: Callable[[type[Attending]], tuple[Attending, TestClient, Session]],
) -> None:
    services, client, session = counsellor_on(Attending)
    text = read(client.get("/conseil/ateliers"))
    assert 'action="/conseil/ateliers/ws-1/presences"' in text
    assert "<legend>Martin Léa</legend>" in text
    assert "<legend>candidat suivi par une autre structure (1)</legend>" in text

    url = "/conseil/ateliers/ws-1/presences"
    half = client.post(url, data={"csrf": session.csrf, "presence-c-1": "present"})
    assert "indiquez pour chaque inscrit s'il était là (1 sans réponse)" in read(half)
    assert not [c for c in services.calls if c[0] == "POST"]
    answers = {"csrf": session.csrf, "presence-c-1": "present", "presence-c-7": "absent"}
    services.refusal = Refused(409, ["l'atelier n'a pas encore commencé"])
    early = client.post(url, data=answers)
    assert "Présences non enregistrées : l'atelier n'a pas encore commencé" in read(early)
    services.refusal = None
    done = client.post(url, data=answers)
    assert "Présences enregistrées : 1 présent(s), 1 absent(s)." in read(done)
    sent = [c[3] for c in services.calls if c[:3] == ("POST", "scheduling", "/workshops/ws-1/attendance")]
    assert sent[-1] == {"present": ["c-1"], "absent": ["c-7"]}

    # Read again once scheduling kept them: each enrolled with what was said, and no form.
    services.recorded = True
    text = read(client.get("/conseil/ateliers"))
    assert "<li>Martin Léa : présent</li>" in text
    assert "<li>candidat suivi par une autre structure (1) : absent</li>" in text
    assert "Présences enregistrées." in text
    assert 'action="/conseil/ateliers/ws-1/presences"' not in text
