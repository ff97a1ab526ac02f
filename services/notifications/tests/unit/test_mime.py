"""An e-mail's MIME built the cheap way is, byte for byte, the one the standard library's folding gives."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from email.policy import compat32

import pytest

from jobdating.notifications.adapters import smtp
from jobdating.notifications.application.ports import Email

CALENDAR = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nMETHOD:REQUEST\r\nEND:VCALENDAR\r\n"


def _email(subject: str, to: str) -> Email:
    return Email(
        to=to,
        subject=subject,
        text="Bonjour Émilie,\n\nVous avez un entretien avec l'entreprise Logistique du Nord.\n",
        message_id="<n1@jobdating.example>",
        headers={
            "X-Jobdating-Notification": "n1",
            "X-Jobdating-Kind": "convocation",
            "X-Jobdating-Cause": "c",
        },
        calendar=CALENDAR,
        calendar_method="REQUEST",
    )


@pytest.mark.parametrize(
    ("subject", "to"),
    [
        ("Votre entretien d'embauche avec Logistique du Nord le jeudi 3 décembre à 9 h 30", "a@b.fr"),
        ("Vos 2 entretiens  d'embauche", "x" * 70 + "@exemple.fr"),
        ("Short", "tab\tin@b.fr"),
    ],
)
@pytest.mark.parametrize("eight_bit", [True, False])
def test_the_cheap_build_gives_the_standard_librarys_bytes(
    monkeypatch: pytest.MonkeyPatch, subject: str, to: str, eight_bit: bool
) -> None:
    at = datetime(2026, 12, 3, 8, tzinfo=UTC)
    cheap = smtp.build_message(
        _email(subject, to), "jd@exemple.fr", at, eight_bit=eight_bit, from_name="Nord"
    )
    monkeypatch.setattr(smtp, "_CRLF", compat32.clone(linesep="\r\n"))
    usual = smtp.build_message(
        _email(subject, to), "jd@exemple.fr", at, eight_bit=eight_bit, from_name="Nord"
    )
    boundary = re.compile(rb'boundary="([^"]+)"')
    assert boundary.sub(b"", cheap.replace(boundary.findall(cheap)[0], b"B")) == boundary.sub(
        b"", usual.replace(boundary.findall(usual)[0], b"B")
    )
