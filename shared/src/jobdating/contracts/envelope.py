"""The event envelope: CloudEvents-compatible metadata around a typed payload.

Attribute names on the wire follow CloudEvents (``id``, ``source``, ``type``, ``time``, ``specversion``) and
its extension rule (lower-case alphanumerics) for the rest, so any CloudEvents tool can read our events.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, ClassVar

import msgspec


class Event(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=False, gc=False):
    """Base of every event payload. Subclasses set `stream_type` and are registered; `event_type` is the class
    name and `schema_version` 1 unless the class says otherwise (a later version, or an older one's class)."""

    event_type: ClassVar[str]
    schema_version: ClassVar[int] = 1
    stream_type: ClassVar[str]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "event_type" not in cls.__dict__:
            cls.event_type = cls.__name__


class Envelope(
    msgspec.Struct,
    frozen=True,
    kw_only=True,
    gc=False,
    rename={
        "event_id": "id",
        "event_type": "type",
        "schema_version": "schemaversion",
        "occurred_at": "time",
        "stream_type": "streamtype",
        "stream_id": "streamid",
        "stream_version": "streamversion",
        "recorded_at": "recordedat",
        "correlation_id": "correlationid",
        "causation_id": "causationid",
        "actor_id": "actorid",
    },
):
    """Metadata of one recorded event plus its payload (`data`), as it is stored and sent on the bus.

    `data` holds the payload's JSON undecoded until the registry decodes it into its Struct (straight into
    the current Struct when the version is current, through upcasters otherwise), so an envelope can always
    be read, whatever version of the schema wrote it, and reading routing fields costs no payload decode.
    """

    event_id: str
    event_type: str
    schema_version: int
    source: str
    org: str
    stream_type: str
    stream_id: str
    stream_version: int
    occurred_at: datetime
    recorded_at: datetime
    correlation_id: str
    causation_id: str | None
    actor_id: str
    data: msgspec.Raw
    specversion: str = "1.0"
    datacontenttype: str = "application/json"


class RecordedEvent(msgspec.Struct, kw_only=True, gc=False):
    """An envelope with its payload decoded (and upcast) to the current Struct of its type.

    Built with `head` (the envelope) and `payload` (decoded already), or, in rebuilds, with `body` (the
    envelope's bytes from the log), `key` (stream id, version and type: the log's own columns) and
    `decoder`. Then the envelope is decoded the first time it is read, and the payload the first time
    `data` is read, each once: a projection that reads only the key of an event (the tally) decodes
    nothing, one that reads only envelopes (or skips the types it does not follow) no payload.
    """

    head: Envelope | None = None
    position: int = 0
    payload: Event | None = None
    decoder: Callable[[Envelope], Event] | None = None
    body: bytes | None = None
    key: tuple[str, int, str] | None = None

    @property
    def envelope(self) -> Envelope:
        """The envelope (decoded on first use when built from a log row)."""
        head = self.head
        if head is None:
            if self.body is None:
                raise ValueError("a RecordedEvent needs an envelope or its bytes")
            head = self.head = _envelope_decoder.decode(self.body)
        return head

    @property
    def stream_id(self) -> str:
        return self.key[0] if self.key is not None else self.envelope.stream_id

    @property
    def stream_version(self) -> int:
        return self.key[1] if self.key is not None else self.envelope.stream_version

    @property
    def event_type(self) -> str:
        return self.key[2] if self.key is not None else self.envelope.event_type

    @property
    def data(self) -> Event:
        """The payload, decoded and upcast (on first use when built with a decoder)."""
        payload = self.payload
        if payload is None:
            if self.decoder is None:
                raise ValueError("a RecordedEvent needs a payload or a decoder")
            payload = self.payload = self.decoder(self.envelope)
        return payload

    def __eq__(self, other: object) -> bool:
        # Equal whether the envelope and payload were decoded yet or not: the bytes, the key and the decoder
        # are means, not values.
        if not isinstance(other, RecordedEvent):
            return NotImplemented
        return self.position == other.position and self.envelope == other.envelope and self.data == other.data


_encoder = msgspec.json.Encoder()
_envelope_decoder = msgspec.json.Decoder(Envelope)


def encode_envelope(envelope: Envelope) -> bytes:
    """Encode an envelope to its wire form (JSON)."""
    return _encoder.encode(envelope)


def decode_envelope(raw: bytes | memoryview) -> Envelope:
    """Decode an envelope from its wire form, leaving `data` undecoded (a mapping)."""
    return _envelope_decoder.decode(raw)


def envelope_for(
    event: Event,
    *,
    event_id: str,
    org: str,
    service: str,
    stream_id: str,
    stream_version: int,
    occurred_at: datetime,
    recorded_at: datetime,
    correlation_id: str,
    causation_id: str | None,
    actor_id: str,
) -> Envelope:
    """Wrap a payload in its envelope; ids and clocks come from the caller (the domain has neither)."""
    return Envelope(
        event_id=event_id,
        event_type=event.event_type,
        schema_version=event.schema_version,
        source=f"/jobdating/{org}/{service}",
        org=org,
        stream_type=event.stream_type,
        stream_id=stream_id,
        stream_version=stream_version,
        occurred_at=occurred_at,
        recorded_at=recorded_at,
        correlation_id=correlation_id,
        causation_id=causation_id,
        actor_id=actor_id,
        data=msgspec.Raw(_encoder.encode(event)),
    )


def service_of(envelope: Envelope) -> str:
    """The service that published an envelope (the last segment of its source)."""
    return envelope.source.rsplit("/", 1)[-1]
