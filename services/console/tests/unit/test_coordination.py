"""The coordination pages' own logic, without the other services: reading a change by hand from its form,
turning scheduling's refusal into what the page shows, scaling the statistics' bars, and what the data's
state says of a service's log against the stream."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from fastapi.testclient import TestClient

from jobdating.console.application import by_hand
from jobdating.console.application.data_status import service_data
from jobdating.console.application.ports import Refused
from jobdating.console.application.sessions import Session
from jobdating.console.application.statistics import statistics
from jobdating.console.bootstrap import ConsoleService
from jobdating.reporting.figures import Figure, Report


class Scheduling:
    """A scheduling that answers every change with `refusal`, or accepts it; keeps what it was sent."""

    def __init__(self, refusal: Refused | None = None):
        self.refusal = refusal
        self.sent: list[tuple[str, dict[str, Any]]] = []

    def sign_in(self, email: str, password: str, code: str | None) -> dict[str, Any]:
        raise AssertionError("not used")

    def get(self, service: str, path: str, token: str, params: dict[str, str] | None = None) -> Any:
        raise AssertionError("not used")

    def put(self, service: str, path: str, token: str, body: dict[str, Any]) -> Any:
        raise AssertionError("not used")

    def upload(
        self, service: str, path: str, token: str, file: tuple[str, bytes], params: dict[str, str]
    ) -> Any:
        raise AssertionError("not used")

    def post(self, service: str, path: str, token: str, body: dict[str, Any]) -> Any:
        self.sent.append((path, body))
        if self.refusal is not None:
            raise self.refusal
        return {"slot": {"slot_id": "slot-1"}, "forced": body["force"], "overridden": []}


def test_a_change_without_a_reason_or_with_an_unreadable_time_is_stopped_by_the_console() -> None:
    change = by_hand.change_from("move", {"reason": "  ", "day": "2027-01-08", "time": "9h30"}, "slot-1")
    assert change.problems == [by_hand.NO_REASON, by_hand.BAD_TIME]
    nothing = by_hand.change_from("move", {"reason": "panne"}, "slot-1")
    assert nothing.problems == [by_hand.NOTHING_TO_MOVE]
    missing = by_hand.change_from("add", {"reason": "rattrapage", "candidate_id": "c-1"})
    assert missing.problems == [by_hand.NEEDS_WHO, by_hand.NEEDS_WHEN]


def test_a_move_sends_the_local_time_and_only_what_changes() -> None:
    scheduling = Scheduling()
    fields = {"reason": "poste en panne", "day": "2027-01-08", "time": "10:40", "computer_id": "pc-2"}
    change = by_hand.change_from("move", fields, "slot-1")
    assert by_hand.apply(scheduling, "token", change) == "slot-1"
    assert scheduling.sent == [
        (
            "/slots/slot-1/move",
            {
                "reason": "poste en panne",
                "force": False,
                "starts_at": "2027-01-08T10:40",
                "computer_id": "pc-2",
            },
        )
    ]
    by_hand.apply(scheduling, "token", change.forced())
    assert scheduling.sent[-1][1]["force"] is True


def test_a_refusal_that_may_be_forced_drops_the_programs_hint_and_offers_forcing() -> None:
    refusal = Refused(
        409,
        [
            "Le candidat est inscrit sur un autre site",
            "pour passer outre, renvoyez la demande avec « force »",
        ],
        {
            "site_id": "Le candidat est inscrit sur un autre site",
            "force": "pour passer outre, renvoyez la demande avec « force »",
        },
    )
    change = by_hand.change_from("move", {"reason": "essai", "site_id": "site-b"}, "slot-1")
    answer = by_hand.apply(Scheduling(refusal), "token", change)
    assert answer == by_hand.Refusal(["Le candidat est inscrit sur un autre site"], forceable=True)


def test_a_refusal_never_forced_offers_no_forcing() -> None:
    refusal = Refused(
        409,
        ["L'ordinateur pc-2 est déjà pris à 10:40 (impossible, même en forçant)"],
        {"computer_id": "L'ordinateur pc-2 est déjà pris à 10:40 (impossible, même en forçant)"},
    )
    change = by_hand.change_from("cancel", {"reason": "essai"}, "slot-1")
    answer = by_hand.apply(Scheduling(refusal), "token", change)
    assert answer == by_hand.Refusal(refusal.reasons, forceable=False)


def test_bars_are_scaled_to_the_largest_count_and_rates_to_one_hundred_percent() -> None:
    report = Report(
        scope="tous les job datings",
        as_of=datetime(2027, 1, 8, tzinfo=UTC),
        events=10,
        later=0,
        figures=(
            Figure("Parcours", "Inscrits", 40),
            Figure("Parcours", "Convoqués", 30),
            Figure("Présence", "Absents après convocation", 3),
            Figure("Présence", "Taux d'absence après convocation", 0.1, "rate"),
            Figure("Présence", "Jamais calculable", None, "rate"),
        ),
        timeline=(),
    )
    shown = statistics(report)
    funnel, attendance = shown.sections
    assert [(b.label, b.shown, b.length) for b in funnel.charts[0].bars] == [
        ("Inscrits", "40", 100.0),
        ("Convoqués", "30", 75.0),
    ]
    counts, rates = attendance.charts
    assert [(b.shown, b.length) for b in counts.bars] == [("3", 100.0)]
    assert [(b.shown, b.length) for b in rates.bars] == [("10,0 %", 10.0)]
    assert rates.title == "Présence (taux)"
    # Every figure stays in the table, a figure that cannot be computed as a dash.
    assert attendance.rows[-1] == ("Jamais calculable", "—")


class Stream:
    """A stream holding `held` events under every filter, remembering the filters asked."""

    def __init__(self, held: int | None):
        self.held = held
        self.asked: list[str] = []

    async def count(self, subjects: str) -> int | None:
        self.asked.append(subjects)
        return self.held


def test_a_service_whose_log_and_stream_agree_has_nothing_to_report() -> None:
    health = {"org": "departement-nord", "events": 12, "log_head": 14, "relay_position": 14}
    stream = Stream(12)
    found = asyncio.run(service_data(health, "sites", stream))
    # Positions may skip (PostgreSQL): the count is compared, the head only tells what is caught up.
    assert found.findings == []
    assert stream.asked == ["jobdating.departement-nord.sites.>"]
    assert (found.relay, found.read_model) == ("à jour", None)


def test_a_stream_missing_events_or_a_late_relay_or_read_model_is_said_in_french() -> None:
    health = {"org": "x", "events": 12, "log_head": 12, "relay_position": 10, "read_model_position": 11}
    found = asyncio.run(service_data(health, "scheduling", Stream(10)))
    assert found.findings == [
        "Une partie du journal n'est pas encore publiée dans le flux.",
        "Le flux en compte 10, le journal 12.",
        "La vue de lecture n'a pas encore lu tout le journal.",
    ]
    assert asyncio.run(service_data(None, "identity", Stream(0))).findings == ["Le service ne répond pas."]
    unread = asyncio.run(service_data({"org": "x", "events": 3}, "sites", Stream(None)))
    assert unread.findings == ["Le flux n'a pas pu être lu."]


def test_the_coordinations_pages_and_forms_are_for_the_coordination_only(
    build_console: Callable[..., ConsoleService], sign_in: Callable[..., tuple[TestClient, Session]]
) -> None:
    console = build_console(secure_cookie=False)
    client, session = sign_in(console, roles=("site_manager",))
    for path in (
        "/coordination/planning",
        "/coordination/entretiens/slot-1",
        "/coordination/nouvel-entretien",
        "/coordination/chiffres",
        "/coordination/donnees",
    ):
        answer = client.get(path)
        assert (answer.status_code, path) == (403, path)
        assert "réservée à la coordination" in answer.text
    posted = client.post(
        "/coordination/entretiens/slot-1/deplacer", data={"csrf": session.csrf, "reason": "x"}
    )
    assert posted.status_code == 403
    # A coordinator's form without its CSRF token is refused before anything is asked of scheduling.
    session.roles = ("coordinator",)
    console.sessions.save(session)
    forged = client.post("/coordination/entretiens/slot-1/annuler", data={"reason": "panne", "step": "apply"})
    assert forged.status_code == 403
    assert "Ce formulaire a expiré" in forged.text
