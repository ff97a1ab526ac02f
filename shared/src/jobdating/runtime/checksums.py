"""Check digits of the numbers people type: one rule for the services that check them and the demo data
that must pass them."""

from __future__ import annotations


def luhn_valid(digits: str) -> bool:
    """Whether `digits` carries a valid Luhn key (SIREN and SIRET numbers do)."""
    total = 0
    for i, char in enumerate(reversed(digits)):
        d = int(char)
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0
