"""What a computer lent for the job dating has when it can host video interviews: tests that add one spread
these fields rather than spell them again."""

from __future__ import annotations

from typing import TypedDict


class Equipment(TypedDict):
    webcam: bool
    headset: bool
    visio_ready: bool


EQUIPPED = Equipment(webcam=True, headset=True, visio_ready=True)
