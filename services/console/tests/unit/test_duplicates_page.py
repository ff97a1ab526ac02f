"""« Doublons possibles » over a fake of the other services: the coordinator reads their candidates' suspected
duplicates (their own candidate's name, the other partner's name, what matched, never the other's data),
resolves one with a reason, sees a refused reason next to the field with what they typed kept, and reads
the count on the live day; nobody else opens the page or sends its form."""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient

from jobdating.console.application.duplicates import NO_REASON
from jobdating.console.application.ports import Refused, Unreachable
from jobdating.console.application.sessions import Session
from jobdating.console.bootstrap import ConsoleService

from .fakes import FakeServices

PAGE = "/coordination/doublons"
REASON_REACHES = "le motif : pas de téléphone, d'e-mail, de lien ni de code postal, il est partagé en clair"


def _suspicion(duplicate_id: str, candidate_id: str, **more: Any) -> dict[str, Any]:
    return {
        "duplicate_id": duplicate_id,
        "candidate_id": candidate_id,
        "other_org": "mission-locale",
        "other_candidate_id": "theirs-" + candidate_id,
        "matched": ["phone"],
        "status": "open",
        "reason": None,
        "suspected_at": "2027-01-07T09:30:00+00:00",
        "resolved_at": None,
        **more,
    }


class Registration(FakeServices):
    """Two suspicions (one resolved), the candidates' names registration gives the coordinator, the
    organisations identity knows; a resolution is refused with `refusal` when one is set."""

    def __init__(self) -> None:
        super().__init__()
        self.refusal: Refused | Unreachable | None = None
        self.answers = {
            ("GET", "registration", "/duplicates"): {
                "items": [
                    _suspicion(
                        "dup-2",
                        "c-2",
                        matched=["phone", "email"],
                        status="different_people",
                        reason="pas la même date de naissance",
                    ),
                    _suspicion("dup-1", "c-1"),
                ]
            },
            ("GET", "registration", "/candidates/c-1"): {
                "candidate_id": "c-1",
                "personal": {"first_name": "Yasmina", "last_name": "Okonkwo"},
            },
            ("GET", "registration", "/candidates/c-2"): {"candidate_id": "c-2", "personal": None},
            ("GET", "identity", "/organisations"): [
                {
                    "organisation_id": "mission-locale",
                    "name": "Mission Locale Métropole Sud",
                    "kind": "partner",
                }
            ],
        }

    def answer(self, method: str, service: str, path: str, sent: Any) -> Any:
        if method == "POST" and path.endswith("/resolution"):
            return self.refusal or {"duplicate_id": path.split("/")[2], "verdict": sent["verdict"]}
        return super().answer(method, service, path, sent)

    def resolutions(self) -> list[tuple[str, Any]]:
        return [(path, sent) for method, _, path, sent in self.calls if method == "POST"]


def _coordinator(
    build_console: Callable[..., ConsoleService],
    sign_in: Callable[..., tuple[TestClient, Session]],
    roles: tuple[str, ...] = ("coordinator",),
) -> tuple[Registration, TestClient, Session]:
    services = Registration()
    console = build_console(services, secure_cookie=False)
    client, session = sign_in(console, roles=roles, org="departement-nord")
    return services, client, session


def _text(page: Any) -> str:
    return html.unescape(page.text)


def test_the_coordinator_reads_their_candidates_suspected_duplicates_without_the_others_data(
    build_console: Callable[..., ConsoleService], sign_in: Callable[..., tuple[TestClient, Session]]
) -> None:
    _, client, _ = _coordinator(build_console, sign_in)
    page = client.get(PAGE)
    assert page.status_code == 200
    text = _text(page)
    assert '<a href="/coordination/doublons" aria-current="page">Doublons possibles</a>' in page.text
    assert "À vérifier : <strong>1</strong>" in text
    # The one to decide first, with its two buttons; the decided one says what was decided.
    assert text.index("Yasmina Okonkwo") < text.index("Candidat n° c-2")
    assert "Mission Locale Métropole Sud" in text
    assert "téléphone et e-mail" in text
    assert "jeudi 7 janvier 2027" in text
    assert text.count("C'est la même personne</button>") == 1
    assert "Ce sont deux personnes différentes." in text
    assert "Motif : pas la même date de naissance" in text
    assert 'action="/coordination/doublons/dup-1"' in text
    assert 'action="/coordination/doublons/dup-2"' not in text
    # Nothing of the other partner's record: not even its id.
    assert "theirs-" not in text


def test_a_coordinator_resolves_a_suspicion_and_reads_it_noted(
    build_console: Callable[..., ConsoleService], sign_in: Callable[..., tuple[TestClient, Session]]
) -> None:
    services, client, session = _coordinator(build_console, sign_in)
    answer = client.post(
        f"{PAGE}/dup-1",
        data={"csrf": session.csrf, "verdict": "same_person", "reason": "  même date de naissance  "},
        follow_redirects=False,
    )
    assert answer.status_code == 303
    assert answer.headers["location"] == PAGE
    assert services.resolutions() == [
        ("/duplicates/dup-1/resolution", {"verdict": "same_person", "reason": "même date de naissance"})
    ]
    assert "C'est noté : c'est la même personne." in _text(client.get(PAGE))


def test_a_missing_reason_is_asked_for_before_registration_and_nothing_typed_is_lost(
    build_console: Callable[..., ConsoleService], sign_in: Callable[..., tuple[TestClient, Session]]
) -> None:
    services, client, session = _coordinator(build_console, sign_in)
    answer = client.post(
        f"{PAGE}/dup-1", data={"csrf": session.csrf, "verdict": "same_person", "reason": " "}
    )
    assert answer.status_code == 400
    assert NO_REASON in _text(answer)
    assert services.resolutions() == []
    # Neither button pressed (a form sent by hand): both asked for, the reason typed kept.
    answer = client.post(f"{PAGE}/dup-1", data={"csrf": session.csrf, "reason": "même adresse"})
    assert answer.status_code == 400
    text = _text(answer)
    assert "Choisissez : « C'est la même personne » ou « Ce sont deux personnes différentes »." in text
    assert ">même adresse</textarea>" in text
    assert services.resolutions() == []


def test_a_reason_registration_refuses_is_shown_by_its_field_with_what_was_typed(
    build_console: Callable[..., ConsoleService], sign_in: Callable[..., tuple[TestClient, Session]]
) -> None:
    services, client, session = _coordinator(build_console, sign_in)
    services.refusal = Refused(422, [REASON_REACHES], {"reason": REASON_REACHES})
    typed = "elle a le 06 39 98 00 01 chez eux"
    answer = client.post(
        f"{PAGE}/dup-1", data={"csrf": session.csrf, "verdict": "different_people", "reason": typed}
    )
    assert answer.status_code == 400
    text = _text(answer)
    assert (
        "Le motif : pas de téléphone, d'e-mail, de lien ni de code postal, il est partagé en clair." in text
    )
    assert f'aria-invalid="true" aria-describedby="erreurs-1">{typed}</textarea>' in text
    # Already decided by a colleague: said at the top, the page as it now is.
    services.refusal = Refused(409, ["ce doublon supposé a déjà été tranché"], {"duplicate_id": "x"})
    answer = client.post(
        f"{PAGE}/dup-1", data={"csrf": session.csrf, "verdict": "same_person", "reason": "même personne"}
    )
    assert answer.status_code == 400
    assert "Ce doublon supposé a déjà été tranché." in _text(answer)
    services.refusal = Unreachable("registration")
    answer = client.post(
        f"{PAGE}/dup-1", data={"csrf": session.csrf, "verdict": "same_person", "reason": "même personne"}
    )
    assert answer.status_code == 503
    assert ">même personne</textarea>" in _text(answer)


def test_only_the_coordination_opens_the_page_and_sends_its_form_with_its_csrf_token(
    build_console: Callable[..., ConsoleService], sign_in: Callable[..., tuple[TestClient, Session]]
) -> None:
    services, client, session = _coordinator(build_console, sign_in, roles=("counsellor",))
    assert client.get(PAGE).status_code == 403
    refused = client.post(
        f"{PAGE}/dup-1", data={"csrf": session.csrf, "verdict": "same_person", "reason": "x"}
    )
    assert refused.status_code == 403
    assert "Cette page est réservée à la coordination." in _text(refused)
    services, client, session = _coordinator(build_console, sign_in)
    forged = client.post(f"{PAGE}/dup-1", data={"csrf": "autre", "verdict": "same_person", "reason": "x"})
    assert forged.status_code == 403
    assert "Ce formulaire a expiré" in _text(forged)
    assert services.resolutions() == []


def test_the_live_day_counts_the_suspicions_still_to_decide_and_shows_without_them(
    build_console: Callable[..., ConsoleService], sign_in: Callable[..., tuple[TestClient, Session]]
) -> None:
    services, client, _ = _coordinator(build_console, sign_in)
    page = _text(client.get("/coordination/direct"))
    assert '<a href="/coordination/doublons">Doublons possibles à vérifier : 1</a>' in page
    services.answers[("GET", "registration", "/duplicates")] = Refused(404, ["Not Found"])
    answer = client.get("/coordination/direct")
    assert answer.status_code == 200
    assert "à vérifier" not in _text(answer)
