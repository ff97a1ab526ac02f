"""Why a scheduling command is refused (a job dating, slot, workshop, candidate or company unknown here, a
published plan, a slot already cancelled...): the kinds every service shares, under the scheduling name."""

from __future__ import annotations

from jobdating.runtime.refusals import (
    AlreadyExists,
    Conflict,
    Forbidden,
    Invalid,
    NotFound,
    Problem,
    refuse_if,
)
from jobdating.runtime.refusals import Refusal as SchedulingRefusal

__all__ = [
    "AlreadyExists",
    "Conflict",
    "Forbidden",
    "Invalid",
    "NotFound",
    "Problem",
    "SchedulingRefusal",
    "refuse_if",
]
