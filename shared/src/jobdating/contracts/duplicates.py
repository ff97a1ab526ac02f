"""Events of registration about the same person registered at two partners, found without either partner
seeing the other's data.

Each instance publishes a blind index of its candidates (`BlindIndexPublished`): keyed digests (HMAC-SHA256
under the federation key every partner holds, hex) of their normalised phone and e-mail, never the values.
An instance that finds one of its candidates' digests among another organisation's records a suspicion on its
own stream (`DuplicateSuspected`), which its coordinators resolve (`DuplicateResolved`). Erasing a candidate
removes their index (`BlindIndexRemoved`) and dismisses the suspicions about them (`DuplicateDismissed`).
"""

from __future__ import annotations

from typing import ClassVar, Final, Literal

from jobdating.contracts.envelope import Event
from jobdating.contracts.registry import REGISTRY

SERVICE: Final = "registration"
BLIND_INDEX: Final = "blind-index"
DUPLICATE: Final = "duplicate"

MatchKind = Literal["phone", "email"]
Verdict = Literal["same_person", "different_people"]


class _IndexEvent(Event, frozen=True, kw_only=True):
    """An event of a candidate's blind index: its stream id is the candidate's id."""

    stream_type: ClassVar[str] = BLIND_INDEX

    candidate_id: str


@REGISTRY.register
class BlindIndexPublished(_IndexEvent, frozen=True, kw_only=True):
    """A candidate's index entries as they now are (None: no phone, or no e-mail); each replaces the last."""

    phone: str | None = None
    email: str | None = None


@REGISTRY.register
class BlindIndexRemoved(_IndexEvent, frozen=True, kw_only=True):
    """A candidate's index entries are gone (they were erased): nobody may match them any more."""


class _DuplicateEvent(Event, frozen=True, kw_only=True):
    """An event of one suspicion, held by the organisation of `candidate_id`."""

    stream_type: ClassVar[str] = DUPLICATE

    duplicate_id: str


@REGISTRY.register
class DuplicateSuspected(_DuplicateEvent, frozen=True, kw_only=True):
    """This organisation's candidate has the phone or e-mail (`matched`, the kinds only) of a candidate of
    `other_org`: perhaps one person registered twice."""

    candidate_id: str
    other_candidate_id: str
    other_org: str
    matched: tuple[MatchKind, ...]


@REGISTRY.register
class DuplicateResolved(_DuplicateEvent, frozen=True, kw_only=True):
    """A coordinator said whether the two records are one person; `reason` is theirs, without contacts."""

    verdict: Verdict
    reason: str


@REGISTRY.register
class DuplicateDismissed(_DuplicateEvent, frozen=True, kw_only=True):
    """The suspicion no longer stands: one of the two candidates was erased (`reason`: "erased")."""

    reason: str


DISMISSED_BY_ERASURE: Final = "erased"
