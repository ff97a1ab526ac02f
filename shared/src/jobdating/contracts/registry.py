"""Registry of event types by (type, schema_version), with upcasters chained on read."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import msgspec

from jobdating.contracts.envelope import Envelope, Event, RecordedEvent

Upcaster = Callable[[dict[str, Any]], dict[str, Any]]
E = TypeVar("E", bound=type[Event])


def publishing_service(cls: type[Event]) -> str:
    """The service that publishes an event type: its contracts module's `SERVICE`, else the module's name."""
    return str(getattr(sys.modules[cls.__module__], "SERVICE", cls.__module__.rsplit(".", 1)[-1]))


class UnknownEventType(LookupError):
    """Raised when an envelope names a (type, version) nobody registered and no upcaster reaches."""


class EventRegistry:
    """Maps (type, schema_version) to the payload Struct; upcasts older payloads to the latest version."""

    def __init__(self) -> None:
        self._types: dict[tuple[str, int], type[Event]] = {}
        self._latest: dict[str, int] = {}
        self._upcasters: dict[tuple[str, int], Upcaster] = {}
        self._decoders: dict[tuple[str, int], msgspec.json.Decoder[Any]] = {}

    def register(self, cls: E) -> E:
        """Class decorator: register an event Struct under its type and schema version."""
        key = (cls.event_type, cls.schema_version)
        if key in self._types:
            raise ValueError(f"event {key} registered twice")
        self._types[key] = cls
        self._latest[cls.event_type] = max(self._latest.get(cls.event_type, 0), cls.schema_version)
        return cls

    def upcaster(self, event_type: str, from_version: int) -> Callable[[Upcaster], Upcaster]:
        """Decorator: register a function turning a `from_version` payload into `from_version + 1`."""

        def wrap(fn: Upcaster) -> Upcaster:
            self._upcasters[(event_type, from_version)] = fn
            return fn

        return wrap

    def latest(self, event_type: str) -> type[Event]:
        """The current Struct of an event type."""
        try:
            return self._types[(event_type, self._latest[event_type])]
        except KeyError as exc:
            raise UnknownEventType(event_type) from exc

    def get(self, event_type: str, schema_version: int) -> type[Event]:
        """The Struct registered for exactly this type and version."""
        try:
            return self._types[(event_type, schema_version)]
        except KeyError as exc:
            raise UnknownEventType(f"{event_type} v{schema_version}") from exc

    def __iter__(self) -> Iterator[type[Event]]:
        return iter(sorted(self._types.values(), key=lambda c: (c.event_type, c.schema_version)))

    def upcast(self, event_type: str, version: int, payload: dict[str, Any]) -> dict[str, Any]:
        """Apply upcasters from `version` up to the latest version of `event_type`."""
        latest = self._latest.get(event_type)
        if latest is None:
            raise UnknownEventType(event_type)
        while version < latest:
            step = self._upcasters.get((event_type, version))
            if step is None:
                raise UnknownEventType(f"no upcaster for {event_type} v{version}")
            payload = step(payload)
            version += 1
        return payload

    def payload(self, envelope: Envelope) -> Event:
        """Decode (and upcast) an envelope's payload to the latest Struct of its type."""
        key = (envelope.event_type, envelope.schema_version)
        decoder = self._decoders.get(key)
        if decoder is not None:
            event: Event = decoder.decode(envelope.data)
            return event
        if self._latest.get(key[0]) == key[1]:
            # The current version: decode straight into its Struct, no intermediate mapping.
            self._decoders[key] = msgspec.json.Decoder(self.get(*key))
            return self.payload(envelope)
        data = self.upcast(key[0], key[1], msgspec.json.decode(envelope.data))
        return msgspec.convert(data, self.latest(key[0]))

    def decode(self, envelope: Envelope, position: int = 0) -> RecordedEvent:
        """An envelope with its payload decoded and upcast."""
        return RecordedEvent(head=envelope, payload=self.payload(envelope), position=position)


REGISTRY = EventRegistry()
"""The one registry every service decodes with; event modules register into it on import."""
