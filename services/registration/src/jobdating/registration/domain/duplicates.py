"""The same person at two partners: the blind index of a candidate and the rules of a suspected duplicate.

A blind index entry is the HMAC-SHA256, under the federation key every partner holds, of a normalised phone
(E.164) or e-mail (lower case), prefixed by its kind so that a phone never matches an e-mail. Partners
compare entries, never values: without the key an entry says nothing, and the key never travels on the bus.
A suspicion is decided by its own organisation's coordinators, once: same person, or different people.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Sequence

import msgspec

from jobdating.contracts.duplicates import (
    DuplicateDismissed,
    DuplicateResolved,
    DuplicateSuspected,
    MatchKind,
    Verdict,
)
from jobdating.contracts.envelope import Event
from jobdating.contracts.registration import NOTE_LENGTH
from jobdating.registration.domain.errors import Conflict, DomainError, NotFound, Rejected
from jobdating.registration.domain.fields import (
    InvalidValue,
    check_note,
    normalise_email,
    normalise_phone,
    optional_text,
)

VERDICTS: tuple[Verdict, ...] = ("same_person", "different_people")
ALREADY_RESOLVED = "ce doublon supposé a déjà été tranché"
UNKNOWN = "aucun doublon supposé de ce nom pour votre structure"
BAD_VERDICT = "same_person (même personne) ou different_people (deux personnes différentes)"
NO_REASON = "le motif est attendu (quelques mots)"
REASON_REACHES = "le motif : pas de téléphone, d'e-mail, de lien ni de code postal, il est partagé en clair"


class IndexEntries(msgspec.Struct, frozen=True, kw_only=True):
    """A candidate's blind index entries (None: no such contact)."""

    phone: str | None = None
    email: str | None = None

    def kinds(self, other: IndexEntries) -> tuple[MatchKind, ...]:
        """The kinds of entry two candidates share."""
        shared: list[MatchKind] = []
        if self.phone is not None and self.phone == other.phone:
            shared.append("phone")
        if self.email is not None and self.email == other.email:
            shared.append("email")
        return tuple(shared)


def blind_entry(key: bytes, kind: MatchKind, value: str) -> str:
    """The keyed digest (hex) of an already normalised value of `kind`."""
    return hmac.new(key, f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()


def _normalised(kind: MatchKind, raw: str) -> str:
    try:
        return normalise_phone(raw) if kind == "phone" else normalise_email(raw)
    except InvalidValue:
        # A value recorded before today's rules: compared as it was written, without spaces or case.
        return "".join(raw.split()).lower()


def index_entries(key: bytes, phone: str | None, email: str | None) -> IndexEntries:
    """A candidate's entries from their phone and e-mail, normalised as registration records them."""
    return IndexEntries(
        phone=None if not phone else blind_entry(key, "phone", _normalised("phone", phone)),
        email=None if not email else blind_entry(key, "email", _normalised("email", email)),
    )


def key_id(key: bytes) -> str:
    """Which federation key entries were made with (a digest of it, which says nothing of the key): a new
    key makes every entry stale, to be published again."""
    return hashlib.sha256(b"jobdating federation key id:" + key).hexdigest()[:16]


def duplicate_id(candidate_id: str, other_org: str, other_candidate_id: str) -> str:
    """The suspicion's id, the same each time the pair is found (so it is recorded once)."""
    pair = f"{candidate_id}|{other_org}|{other_candidate_id}".encode()
    return hashlib.sha256(pair).hexdigest()[:32]


class ResolveDuplicate(msgspec.Struct, frozen=True, kw_only=True):
    """A coordinator says whether a suspicion is one person (`same_person`) or two (`different_people`)."""

    duplicate_id: str
    verdict: str | None
    reason: str | None


class DuplicateState(msgspec.Struct, frozen=True, kw_only=True):
    """A suspicion as folded from its stream."""

    suspected: bool = False
    candidate_id: str = ""
    resolved: bool = False
    dismissed: bool = False


def evolve_duplicate(state: DuplicateState, event: Event) -> DuplicateState:
    """Fold one event of a suspicion's stream."""
    match event:
        case DuplicateSuspected() as suspected:
            return DuplicateState(suspected=True, candidate_id=suspected.candidate_id)
        case DuplicateResolved():
            return msgspec.structs.replace(state, resolved=True)
        case DuplicateDismissed():
            return msgspec.structs.replace(state, dismissed=True)
        case _:
            return state


def suspect(state: DuplicateState, found: DuplicateSuspected) -> Sequence[Event]:
    """Record a match once: finding the same pair again changes nothing."""
    return () if state.suspected else (found,)


def resolve(cmd: ResolveDuplicate, state: DuplicateState) -> DuplicateResolved:
    """A coordinator's decision on an open suspicion; the reason may not carry contacts (it travels in
    clear)."""
    if not state.suspected or state.dismissed:
        raise Rejected([NotFound("duplicate_id", UNKNOWN)])
    if state.resolved:
        raise Rejected([Conflict("duplicate_id", ALREADY_RESOLVED)])
    chosen = next((v for v in VERDICTS if v == cmd.verdict), None)
    if chosen is None:
        raise Rejected([DomainError("verdict", BAD_VERDICT)])
    try:
        kept = optional_text(cmd.reason, "le motif", NOTE_LENGTH)
    except InvalidValue as exc:
        raise Rejected([DomainError("reason", exc.reason)]) from None
    try:
        check_note(kept)
    except InvalidValue:
        raise Rejected([DomainError("reason", REASON_REACHES)]) from None
    if not kept:
        raise Rejected([DomainError("reason", NO_REASON)])
    return DuplicateResolved(duplicate_id=cmd.duplicate_id, verdict=chosen, reason=kept)


def dismiss(state: DuplicateState, duplicate_id: str, reason: str) -> Sequence[Event]:
    """Close a suspicion whose pair no longer exists; nothing when already closed."""
    if not state.suspected or state.dismissed:
        return ()
    return (DuplicateDismissed(duplicate_id=duplicate_id, reason=reason),)
