"""The printed convocation for a candidate no message can reach: what a letter says, pure.

Who gets one is decided from the deliveries (`domain.reach.UNREACHABLE_REASONS`); the letter itself holds
the person's name (and postal address when registration has one), their interviews still standing, where
to go with the map link its QR code carries, what to bring and whom to call.
"""

from __future__ import annotations

from datetime import datetime
from typing import Final
from urllib.parse import quote_plus

import msgspec

MAP_SEARCH_URL: Final = "https://www.openstreetmap.org/search?query="
"""Where a site's map link points: a search for its address (no key, no tracking, works on any phone)."""
TO_BRING: Final = (
    "votre CV, si vous en avez un (plusieurs exemplaires si possible)",
    "une pièce d'identité",
    "cette lettre",
)


class Interview(msgspec.Struct, frozen=True, kw_only=True):
    """One interview as the letter prints it (times already in the job dating's time zone)."""

    starts_at: datetime
    ends_at: datetime
    company: str
    second: bool = False
    where: str
    """`Maison de l'emploi, 2 rue de l'Emploi, 59113 Seclin`, the company's address, or `En visio`."""


class Letter(msgspec.Struct, frozen=True, kw_only=True):
    """One candidate's page: their convocation, and the map of the place to go to."""

    candidate_id: str
    first_name: str | None
    last_name: str | None
    postal_address: tuple[str, ...] = ()
    title: str
    interviews: tuple[Interview, ...]
    place: str | None
    """The site (or premises) to go to, in one line; None when every interview is by video."""
    map_link: str | None
    call: str | None
    to_bring: tuple[str, ...] = TO_BRING


def map_link(address: str, postcode: str | None = None, commune: str | None = None) -> str:
    """The map link of an address: what the letter's QR code opens."""
    query = " ".join(part for part in (address, postcode, commune) if part)
    # `+` for spaces and the apostrophe kept: the link is printed under the code for whoever types it.
    return MAP_SEARCH_URL + quote_plus(query, safe="'")
