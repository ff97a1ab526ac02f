"""Subject names: org and service first so that NATS permissions and filters stay simple."""

from __future__ import annotations

import re

ROOT = "jobdating"
STREAM_NAME = "JOBDATING"
ALL_EVENTS = f"{ROOT}.>"
_TOKEN = re.compile(r"^[A-Za-z0-9_-]+$")


class InvalidSubjectToken(ValueError):
    """A subject token would contain a dot, a wildcard or a space, which NATS reads as structure."""


def _token(name: str, value: str) -> str:
    if not _TOKEN.fullmatch(value):
        raise InvalidSubjectToken(f"{name}={value!r} is not a valid subject token")
    return value


def event_subject(org: str, service: str, stream_type: str, event_type: str, stream_id: str) -> str:
    """`jobdating.<org>.<service>.<stream_type>.<EventType>.<stream_id>` (ids only, never personal data)."""
    parts = [
        _token("org", org),
        _token("service", service),
        _token("stream_type", stream_type),
        _token("event_type", event_type),
        _token("stream_id", stream_id),
    ]
    return ".".join([ROOT, *parts])


def org_prefix(org: str) -> str:
    """Everything one organisation may publish: the basis of its NATS permissions."""
    return f"{ROOT}.{_token('org', org)}.>"


def service_filter(service: str, org: str = "*") -> str:
    """Filter for all events of one service (of one org, or of every org with the default)."""
    org_part = org if org == "*" else _token("org", org)
    return f"{ROOT}.{org_part}.{_token('service', service)}.>"


def request_subject(org: str, service: str, question: str) -> str:
    """Subject of a request-reply question answered by a service of an org."""
    return f"{ROOT}-rpc.{_token('org', org)}.{_token('service', service)}.{_token('question', question)}"
