"""An SMS's alphabet and parts are measured as GSM 03.38 counts them, and typed names are written in GSM-7."""

from __future__ import annotations

import pytest

from jobdating.notifications.domain.gsm7 import SmsSize, is_gsm7, measure, transliterate

# The accented letters the basic table has, and French ones it lacks.
IN_GSM7 = "éèùìòàÉÇÄÖÑÜäöñüßØøÅåÆæ"
NOT_IN_GSM7 = "êâîôûçëïœÊÂÎÔÛËÏŒÀÈÙ’–—«»…"


def test_the_basic_table_has_these_accents_and_not_the_circumflexes() -> None:
    assert all(is_gsm7(c) for c in IN_GSM7)
    assert not any(is_gsm7(c) for c in NOT_IN_GSM7)


@pytest.mark.parametrize(
    ("text", "size"),
    [
        ("", SmsSize("gsm7", 0, 0)),
        ("a" * 160, SmsSize("gsm7", 160, 1)),
        ("a" * 161, SmsSize("gsm7", 161, 2)),
        ("a" * 306, SmsSize("gsm7", 306, 2)),
        ("a" * 307, SmsSize("gsm7", 307, 3)),
        # An extension character takes two septets: 159 letters and a euro sign are 161 septets.
        ("a" * 159 + "€", SmsSize("gsm7", 161, 2)),
        ("a" * 80 + "[]" * 40, SmsSize("gsm7", 240, 2)),
        # One character outside GSM-7 and the whole SMS is UCS-2: 70 per part, then 67.
        ("ê" + "a" * 69, SmsSize("ucs2", 70, 1)),
        ("ê" + "a" * 70, SmsSize("ucs2", 71, 2)),
        ("ê" + "a" * 134, SmsSize("ucs2", 135, 3)),
    ],
)
def test_an_sms_is_measured_in_septets_or_ucs2_units_and_split_in_parts(text: str, size: SmsSize) -> None:
    assert measure(text) == size


def test_an_escaped_pair_is_never_cut_between_two_parts() -> None:
    # 152 letters then "€" (2 septets) fills the first part to 154 > 153: the pair moves to the second.
    text = "a" * 152 + "€" + "a" * 152
    assert measure(text) == SmsSize("gsm7", 306, 3)
    assert measure("a" * 151 + "€" + "a" * 153) == SmsSize("gsm7", 306, 2)


def test_an_emoji_takes_two_ucs2_units() -> None:
    assert measure("🙂" * 35) == SmsSize("ucs2", 70, 1)


@pytest.mark.parametrize(
    ("typed", "sent"),
    [
        ("Crêperie L’Étoile – Saint-Léonard", "Creperie L'Étoile - Saint-Léonard"),
        ("Maçonnerie Cœur de Flandre", "Maconnerie Coeur de Flandre"),
        ("Île-de-France, Hôtel Dieu, Bâtiment « Août »", 'Ile-de-France, Hotel Dieu, Batiment "Aout"'),
        ("Zoë, Anaïs, Jérôme, Noël", "Zoe, Anais, Jérome, Noel"),
        ("12\u00a0rue du 8\u202fmai, n° 3", "12 rue du 8 mai, no 3"),
        ("Łukasz Wójcik", "Lukasz Wojcik"),
        ("Ça va… à Écaillon", "Ça va... à Écaillon"),
        ("Café 20 € [bio]", "Café 20 € [bio]"),
        ("Société 株式会社", "Société ????"),
    ],
)
def test_typed_names_are_written_with_the_nearest_gsm7_letters(typed: str, sent: str) -> None:
    assert transliterate(typed) == sent
    assert is_gsm7(transliterate(typed))


def test_text_already_in_gsm7_is_left_as_it_is() -> None:
    text = "Ørsted Ñandu Ågård Æble Straße, Ça Éé"
    assert transliterate(text) == text
