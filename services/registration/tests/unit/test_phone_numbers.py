"""Phone numbers are checked by libphonenumber's own rule (`is_valid_number`), not by their shape."""

from __future__ import annotations

import pytest

from jobdating.registration.domain.fields import InvalidValue, normalise_phone


@pytest.mark.parametrize("raw", ["06 39 98 07 0", "063998070", "06 39 98 07 011", "+33 6 39 98 07 0"])
def test_a_number_too_short_or_too_long_is_refused_even_in_the_fiction_range(raw: str) -> None:
    with pytest.raises(InvalidValue, match="incomplet ou n'existe pas"):
        normalise_phone(raw)


@pytest.mark.parametrize(
    ("raw", "stored"),
    [
        ("06 39 98 07 01", "+33639980701"),  # ARCEP's fiction range, which the demo uses
        ("+33 6 39 98 00 01", "+33639980001"),
        ("06 12 34 56 78", "+33612345678"),
        ("03 20 00 00 01", "+33320000001"),
        ("09 70 00 00 00", "+33970000000"),
    ],
)
def test_a_whole_french_number_is_stored_in_e164(raw: str, stored: str) -> None:
    assert normalise_phone(raw) == stored
