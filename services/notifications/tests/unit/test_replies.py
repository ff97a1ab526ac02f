"""Candidates' replies to SMS: what OUI / NON look like on a phone, the provider's signature, and the words
of the cancellation and of the counsellor's notice."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jobdating.notifications.adapters.rendering import JinjaRenderer
from jobdating.notifications.adapters.webhook_signature import sign, verified
from jobdating.notifications.domain.replies import reply_id, understand

from .test_templates import context

SECRET = b"shared-with-the-provider"
NOW = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
RENDERER = JinjaRenderer()


@pytest.mark.parametrize(
    "text", ["OUI", "oui", " Oui ", "Oui merci", "oui.", "OUI !", "Ouï", "oui, je viens", "\toui\n"]
)
def test_a_yes_however_typed_means_the_candidate_comes(text: str) -> None:
    assert understand(text) == "coming"


@pytest.mark.parametrize("text", ["NON", "non", "Non merci", "NÔN", "non je peux pas", "  non...  "])
def test_a_no_however_typed_means_the_candidate_cannot_come(text: str) -> None:
    assert understand(text) == "not_coming"


@pytest.mark.parametrize(
    "text", ["", "   ", "ok", "peut-être", "oui non", "non oui", "je sais pas", "ouinon", "?", "merci oui"]
)
def test_anything_else_is_not_understood_and_decides_nothing(text: str) -> None:
    assert understand(text) == "not_understood"


@settings(max_examples=50, deadline=None)
@given(st.text(max_size=200))
def test_any_text_is_understood_as_one_of_three_answers_and_never_breaks(text: str) -> None:
    answer = understand(text)
    assert answer in ("coming", "not_coming", "not_understood")
    # Only a text whose letters say OUI or NON first decides anything.
    if answer != "not_understood":
        assert ("oui" if answer == "coming" else "non") in text.casefold() or not text.isascii()


def test_the_same_signed_call_is_the_same_reply_and_another_one_is_not() -> None:
    assert reply_id("1700000000", b"{}") == reply_id("1700000000", b"{}")
    assert reply_id("1700000000", b"{}") != reply_id("1700000001", b"{}")


def test_a_body_signed_with_the_shared_secret_now_is_the_providers() -> None:
    stamp = str(int(NOW.timestamp()))
    body = b'{"from": "+33639980001", "text": "OUI", "in_reply_to": "sms-1"}'
    assert verified(SECRET, stamp, sign(SECRET, stamp, body), body, NOW)


@pytest.mark.parametrize(
    "change",
    ["other secret", "other body", "stale", "future", "no timestamp", "no signature", "not digits"],
)
def test_a_body_not_signed_so_or_signed_too_long_ago_is_refused(change: str) -> None:
    stamp = str(int(NOW.timestamp()))
    body = b'{"from": "+33639980001", "text": "OUI", "in_reply_to": "sms-1"}'
    signature: str | None = sign(SECRET, stamp, body)
    given_stamp: str | None = stamp
    match change:
        case "other secret":
            signature = sign(b"another", stamp, body)
        case "other body":
            body = body.replace(b"OUI", b"NON")
        case "stale":
            given_stamp = str(int((NOW - timedelta(minutes=6)).timestamp()))
            signature = sign(SECRET, given_stamp, body)
        case "future":
            given_stamp = str(int((NOW + timedelta(minutes=6)).timestamp()))
            signature = sign(SECRET, given_stamp, body)
        case "no timestamp":
            given_stamp = None
        case "no signature":
            signature = None
        case "not digits":
            given_stamp = "12:00"
    assert not verified(SECRET, given_stamp, signature, body, NOW)


@settings(max_examples=50, deadline=None)
@given(st.text(max_size=80), st.text(max_size=80), st.binary(max_size=200))
def test_no_forged_header_passes_for_a_signature(stamp: str, signature: str, body: bytes) -> None:
    assert not verified(SECRET, stamp, signature, body, NOW)


def test_a_cancellation_promises_the_counsellors_call_only_when_the_counsellor_is_told() -> None:
    told = context(counsellor_told=True, change_of_interview="cancelled")
    not_told = context(counsellor_told=False, call="+33320009999", change_of_interview="cancelled")
    for channel in ("sms", "email"):
        assert "conseiller" in RENDERER.render("slot_cancelled", channel, told).text
        text = RENDERER.render("slot_cancelled", channel, not_told).text
        assert "conseiller" not in text
        assert "03 20 00 99 99" in text


def test_the_counsellors_notice_says_whom_to_call_and_why_in_plain_french() -> None:
    rendered = RENDERER.render("counsellor_call", "email", context())
    assert rendered.subject == "À rappeler : Ines Martin"
    for said in (
        "Merci d'appeler Ines Martin",
        "réponse « Je ne peux pas venir »",
        "annulé (panne de matériel)",
        "absence à l'entretien avec Logistique du Nord du jeudi 3 décembre à 9 h 30",
        "message non reçu, la convocation (SMS) : numéro fixe",
        "non comprise (ni OUI ni NON)",
    ):
        assert said in rendered.text, said


def test_a_counsellors_notice_of_several_candidates_says_each_by_name_with_their_own_reasons() -> None:
    [ines] = context()["candidates"]
    unreached = [{"kind": "slot_cancelled", "channel": "email", "why": "failed"}]
    unnamed: dict[str, Any] = {"name": None, "declined": False, "cancellations": [], "absent": []}
    unnamed |= {"unreached": unreached, "replies": []}
    rendered = RENDERER.render("counsellor_call", "email", context(candidates=[ines, unnamed]))
    assert rendered.subject == "À rappeler : 2 personnes que vous suivez"
    assert "Merci d'appeler ces 2 personnes que vous suivez. Ce que nous savons de chacune :" in rendered.text
    ines_part, unnamed_part = rendered.text.split("\n\nInes Martin :\n")[1].split("\n\nUne personne que vous")
    assert "« Je ne peux pas venir »" in ines_part
    assert "annulé (panne de matériel)" in ines_part
    assert unnamed_part.startswith(" suivez :\n- message non reçu, l'annulation d'un entretien (courriel)")
    assert "Je ne peux pas venir" not in unnamed_part
    assert "Leurs coordonnées et leurs plannings sont dans la console" in rendered.text
