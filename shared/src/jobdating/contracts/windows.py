"""A time window on one day, in wall-clock time where it happens: what a candidate's availability, a site's
opening hours and a job dating's break all are."""

from __future__ import annotations

from datetime import date, time

import msgspec


class DayWindow(msgspec.Struct, frozen=True, kw_only=True, gc=False):
    """From `start` to `end` on `day`, local time (as people read it on a door or a convocation).

    A base of the contracts' own windows: each subclass names what the window is, and the fields on the wire
    stay `day`, `start`, `end` in this order."""

    day: date
    start: time
    end: time
