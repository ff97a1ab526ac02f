"""Which line carries a candidate's phone message, and who can be reached at all.

A message planned on the SMS channel goes as an SMS to a mobile; a landline cannot take an SMS, so the
same message is spoken in a voice call when a voice provider is configured, and skipped with
`landline_no_voice` otherwise (the counsellor's call list picks those up). A number that is neither (a
special-rate line, a number that does not exist) is skipped with `phone_unusable`.

A candidate is unreachable for a job dating when every convocation planned for them was skipped for want
of a usable address on every channel (`UNREACHABLE_REASONS`): nothing told them, so they get a letter.
"""

from __future__ import annotations

from typing import Final, Literal

from jobdating.notifications.domain.rules import Skip
from jobdating.runtime.phones import LineKind

PhoneRoute = Literal["sms", "voice"]

UNREACHABLE_REASONS: Final = frozenset({"no_address", "no_consent", "landline_no_voice", "phone_unusable"})
"""Skip reasons that mean the channel has no way to the person (as opposed to `erased`, `unchanged`...)."""


def phone_route(line: LineKind, voice_available: bool) -> PhoneRoute | Skip:
    """How a phone message reaches a number of this kind."""
    if line == "mobile":
        return "sms"
    if line == "landline":
        return "voice" if voice_available else Skip("landline_no_voice")
    return Skip("phone_unusable")
