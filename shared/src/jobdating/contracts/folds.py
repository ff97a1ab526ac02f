"""Helpers for the services' folds (`domain/evolve.py`): pure, about events and frozen states only."""

from __future__ import annotations

from typing import Any, TypeVar

import msgspec

S = TypeVar("S", bound=msgspec.Struct)


def opened(state_type: type[S], event: msgspec.Struct, /, **fields: Any) -> S:
    """A new state holding every field `event` shares with `state_type` by name, plus `fields`.

    A stream's first event names most of its state (`SiteOpened` -> `SiteState`): copying them by name
    keeps each fold from listing them again, and a field added to both is folded without being forgotten.
    """
    names = state_type.__struct_fields__
    common = {name: getattr(event, name) for name in event.__struct_fields__ if name in names}
    return state_type(**common, **fields)


def patched(state: S, event: msgspec.Struct, /, *names: str) -> S:
    """`state` with the fields `names` that `event` gives (not None); the others kept as they were."""
    given = {name: value for name in names if (value := getattr(event, name)) is not None}
    return msgspec.structs.replace(state, **given)
