"""Names hold no NUL or control character, whichever way they come in (the API or an imported file)."""

from __future__ import annotations

import pytest

from jobdating.registration.domain.fields import InvalidValue, required_text


@pytest.mark.parametrize("raw", ["Sa\x00mia", "Be\x1bnali", "Samia\x7f"])
def test_a_name_with_a_nul_or_control_character_is_refused(raw: str) -> None:
    with pytest.raises(InvalidValue, match="le nom : caractère de contrôle interdit"):
        required_text(raw, "le nom")


def test_tabs_and_line_breaks_in_a_name_are_only_white_space() -> None:
    assert required_text("Samia\t\r\nBenali", "le nom") == "Samia Benali"
