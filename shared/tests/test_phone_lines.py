"""Which line a stored number is: a mobile takes an SMS, a landline only a call, the rest neither."""

from __future__ import annotations

import pytest

from jobdating.runtime.phones import line_kind


@pytest.mark.parametrize(
    "number",
    [
        "06 12 34 56 78",
        "+33612345678",
        "07 56 12 34 56",
        "07 81 23 45 67",
        "+33 6 39 98 00 01",  # ARCEP's fiction range (the demo's people), which libphonenumber calls invalid
        "+262 692 12 34 56",  # Réunion mobile
    ],
)
def test_a_french_mobile_takes_an_sms(number: str) -> None:
    assert line_kind(number) == "mobile"


@pytest.mark.parametrize(
    "number",
    [
        "01 42 00 00 00",
        "02 40 12 34 56",
        "+33320000001",
        "04 78 12 34 56",
        "05 56 12 34 56",
        "09 70 12 34 56",  # VoIP for libphonenumber, the home landline behind an internet box in France
        "+262 262 12 34 56",  # Réunion landline
    ],
)
def test_a_french_landline_from_01_to_05_or_09_takes_only_a_call(number: str) -> None:
    assert line_kind(number) == "landline"


@pytest.mark.parametrize(
    ("number", "line"),
    [
        ("+32 470 12 34 56", "mobile"),
        ("+44 7911 123456", "mobile"),
        ("+32 2 555 12 12", "landline"),
        ("+44 20 7946 0958", "landline"),
        ("+1 201 555 0123", "mobile"),  # North America cannot tell a mobile from a landline: SMS is tried
    ],
)
def test_a_foreign_number_is_classified_by_its_own_country(number: str, line: str) -> None:
    assert line_kind(number) == line


@pytest.mark.parametrize("number", ["08 00 12 34 56", "08 99 12 34 56"])
def test_a_free_or_premium_rate_number_is_neither(number: str) -> None:
    assert line_kind(number) == "other"


@pytest.mark.parametrize(
    "number", ["", "06 12", "pas de téléphone", "+33 6 39 98 07 0", "0612345678901", "+999 1234"]
)
def test_junk_is_no_number(number: str) -> None:
    assert line_kind(number) == "invalid"
