"""Generate the AsyncAPI 3.0 document of every registered event from the code (and check it for drift).

python -m jobdating.contracts.asyncapi --write docs/asyncapi.json
python -m jobdating.contracts.asyncapi --check docs/asyncapi.json
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import msgspec

from jobdating.contracts.catalog import REGISTRY
from jobdating.contracts.envelope import Envelope
from jobdating.contracts.registry import EventRegistry, publishing_service


def document(registry: EventRegistry = REGISTRY) -> dict[str, Any]:
    """The AsyncAPI document: one channel and one message per (event type, schema version)."""
    events = list(registry)
    (schemas, components) = msgspec.json.schema_components(
        [Envelope, *events], ref_template="#/components/schemas/{name}"
    )
    channels: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    messages: dict[str, Any] = {}
    for cls, schema in zip(events, schemas[1:], strict=True):
        name = f"{cls.event_type}.v{cls.schema_version}"
        service = publishing_service(cls)
        messages[name] = {
            "name": cls.event_type,
            "title": f"{cls.event_type} (schema version {cls.schema_version})",
            "summary": (cls.__doc__ or "").strip().splitlines()[0],
            "contentType": "application/json",
            "payload": {
                "allOf": [
                    {"$ref": "#/components/schemas/Envelope"},
                    {
                        "type": "object",
                        "properties": {
                            "type": {"const": cls.event_type},
                            "schemaversion": {"const": cls.schema_version},
                            "streamtype": {"const": cls.stream_type},
                            "data": schema,
                        },
                    },
                ]
            },
        }
        channel = f"{service}.{cls.event_type}"
        channels.setdefault(
            channel,
            {
                "address": (f"jobdating.{{org}}.{service}.{cls.stream_type}.{cls.event_type}.{{streamId}}"),
                "parameters": {
                    "org": {"description": "publishing partner organisation"},
                    "streamId": {"description": "id of the stream (never personal data)"},
                },
                "messages": {},
            },
        )
        channels[channel]["messages"][name] = {"$ref": f"#/components/messages/{name}"}
        operations[f"publish.{channel}"] = {
            "action": "send",
            "channel": {"$ref": f"#/channels/{channel}"},
            "summary": f"the {service} service publishes {cls.event_type} through its outbox relay",
        }
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": "jobdating events",
            "version": "1.0.0",
            "description": (
                "Events on the JetStream stream JOBDATING. Every message is a CloudEvents-compatible "
                "envelope; `Nats-Msg-Id` is the event id. Generated from the contracts package."
            ),
        },
        "defaultContentType": "application/json",
        "channels": dict(sorted(channels.items())),
        "operations": dict(sorted(operations.items())),
        "components": {"messages": messages, "schemas": dict(sorted(components.items()))},
    }


def render(registry: EventRegistry = REGISTRY) -> str:
    return json.dumps(document(registry), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--write", type=Path)
    group.add_argument("--check", type=Path)
    args = parser.parse_args(argv)
    text = render()
    if args.write:
        args.write.parent.mkdir(parents=True, exist_ok=True)
        args.write.write_text(text)
        return 0
    current = args.check.read_text() if args.check.exists() else ""
    if current != text:
        print(
            f"{args.check} is out of date with the contracts: run "
            f"`python -m jobdating.contracts.asyncapi --write {args.check}`",
            file=sys.stderr,
        )
        return 1
    print(f"{args.check} matches the contracts ({len(list(REGISTRY))} event versions)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
