"""What the audit's "who did what" adds to an action beyond its type: for a change by hand, the reason the
coordinator gave and, when forced, the rules overridden (their French sentences, ids and times only)."""

from __future__ import annotations

from typing import Final

from jobdating.contracts.catalog import REGISTRY
from jobdating.contracts.envelope import Envelope
from jobdating.contracts.scheduling import InterviewChangedByHand

CHANGE_WORDS: Final = {"added": "ajouté", "moved": "déplacé", "cancelled": "annulé"}


def event_detail(env: Envelope) -> str:
    """The detail of an action worth reading in the table ("" for the others)."""
    if env.event_type != InterviewChangedByHand.event_type:
        return ""
    event = REGISTRY.payload(env)
    if not isinstance(event, InterviewChangedByHand):
        return ""
    said = f"entretien {event.slot_id} {CHANGE_WORDS[event.change]} ; raison : {event.reason}"
    if event.forced:
        said += " ; forcé malgré : " + " ; ".join(r.says for r in event.overridden)
    return said
