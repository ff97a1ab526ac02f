"""The rules of registration: given a command, the stream's state and the facts looked up, which events.

Commands arrive validated (`validation.validate_*`) and with their personal fields already sealed by the
application, which holds the keys and the randomness; nothing here does I/O. The rules themselves are in
`candidate_rules` and `company_rules`; this module is where the application and the tests find them.
"""

from __future__ import annotations

from jobdating.registration.domain.candidate_rules import (
    UNKNOWN_CANDIDATE,
    UNKNOWN_SITE,
    confirm_attendance,
    decide_candidate,
    erase_candidate,
    register_candidate,
    update_candidate,
    withdraw_candidate,
)
from jobdating.registration.domain.company_rules import (
    UNKNOWN_COMPANY,
    decide_company,
    register_company,
    update_company,
    withdraw_company,
)
from jobdating.registration.domain.errors import DUPLICATE_REASONS, duplicate

__all__ = [
    "DUPLICATE_REASONS",
    "UNKNOWN_CANDIDATE",
    "UNKNOWN_COMPANY",
    "UNKNOWN_SITE",
    "confirm_attendance",
    "decide_candidate",
    "decide_company",
    "duplicate",
    "erase_candidate",
    "register_candidate",
    "register_company",
    "update_candidate",
    "update_company",
    "withdraw_candidate",
    "withdraw_company",
]
