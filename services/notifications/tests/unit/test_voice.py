"""A landline's message is read aloud: which line a phone message takes, and what the voice says (plain
short sentences, times, dates and numbers in words, said twice)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from jobdating.notifications.adapters import spoken
from jobdating.notifications.domain.reach import phone_route
from jobdating.notifications.domain.rules import Skip

from .test_templates import CANDIDATE_KINDS, RENDERER, context

PARIS = ZoneInfo("Europe/Paris")


def test_a_mobile_gets_the_sms_and_a_landline_the_call_when_there_is_a_voice_provider() -> None:
    assert phone_route("mobile", voice_available=False) == "sms"
    assert phone_route("mobile", voice_available=True) == "sms"
    assert phone_route("landline", voice_available=True) == "voice"


def test_a_landline_without_a_voice_provider_is_skipped_for_the_counsellors_call_list() -> None:
    assert phone_route("landline", voice_available=False) == Skip("landline_no_voice")


@pytest.mark.parametrize("line", ["other", "invalid"])
def test_a_special_or_impossible_number_is_neither_texted_nor_called(line: str) -> None:
    assert phone_route(line, voice_available=True) == Skip("phone_unusable")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("hour", "minute", "said"),
    [
        (9, 30, "neuf heures trente"),
        (10, 0, "dix heures"),
        (1, 0, "une heure"),
        (14, 5, "quatorze heures cinq"),
        (21, 45, "vingt et une heures quarante-cinq"),
        (13, 21, "treize heures vingt et un"),
        (0, 0, "zéro heure"),
    ],
)
def test_times_are_spoken_in_words(hour: int, minute: int, said: str) -> None:
    assert spoken.hour(datetime(2026, 12, 3, hour, minute, tzinfo=PARIS)) == said


def test_dates_and_numbers_are_spoken_in_words() -> None:
    assert spoken.day(datetime(2026, 12, 3, tzinfo=PARIS)) == "jeudi trois décembre"
    assert spoken.day(datetime(2027, 3, 1, tzinfo=PARIS)) == "lundi premier mars"
    assert spoken.day(datetime(2026, 12, 31, tzinfo=PARIS)) == "jeudi trente et un décembre"
    words = {n: spoken.number(n) for n in (0, 16, 17, 20, 21, 22, 70, 71, 77, 80, 81, 91, 99)}
    assert words == {
        0: "zéro",
        16: "seize",
        17: "dix-sept",
        20: "vingt",
        21: "vingt et un",
        22: "vingt-deux",
        70: "soixante-dix",
        71: "soixante et onze",
        77: "soixante-dix-sept",
        80: "quatre-vingts",
        81: "quatre-vingt-un",
        91: "quatre-vingt-onze",
        99: "quatre-vingt-dix-neuf",
    }
    assert spoken.phone("+33320000001") == "zéro trois, vingt, zéro zéro, zéro zéro, zéro un"
    assert (
        spoken.phone("03 20 45 67 89") == "zéro trois, vingt, quarante-cinq, soixante-sept, quatre-vingt-neuf"
    )


def test_a_convocation_call_says_who_when_and_where_in_words_twice() -> None:
    text = RENDERER.render("convocation", "voice", context()).text
    assert text.startswith("Bonjour Ines. Ici le job dating Emploi Booster.")
    said = (
        "Vous avez un entretien d'embauche avec l'entreprise Logistique du Nord. "
        "C'est le jeudi trois décembre, à neuf heures trente. "
        "Le lieu : Maison de l'emploi, 2 rue de l'Emploi, à Seclin. Venez un quart d'heure avant."
    )
    assert text.count(said) == 2
    assert "zéro trois, vingt, zéro zéro, zéro zéro, zéro un" in text
    assert "9 h" not in text
    assert "9h30" not in text


@pytest.mark.parametrize("kind", CANDIDATE_KINDS)
@pytest.mark.parametrize("outcome", ["second_interview", "hired", "not_retained"])
def test_every_candidate_message_can_be_spoken_in_short_plain_sentences(kind: str, outcome: str) -> None:
    text = RENDERER.render(kind, "voice", context(outcome=outcome)).text
    assert text.startswith("Bonjour Ines.")
    assert "Je répète." in text
    for leftover in ("\n", "  ", "None", "{"):
        assert leftover not in text
    # Said, not read: no digits of a time ("9 h 30"), no link, no abbreviation.
    for written in (" h ", "http", "/"):
        assert written not in text
    sentences = [s for s in text.replace("?", ".").split(". ") if s]
    assert max(len(s.split()) for s in sentences) <= 30, max(sentences, key=len)
