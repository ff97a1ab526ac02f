"""What the audit finds: a `Difference` per disagreement, a `ServiceAudit` per audited instance, the
`AuditReport` of them all, and how an instance is labelled (`registration@mission-locale`)."""

from __future__ import annotations

from dataclasses import dataclass, field

STREAM = "flux"  # the service column of a difference found in the stream itself


@dataclass(frozen=True)
class Difference:
    """One disagreement; `service` is the service concerned, or STREAM."""

    service: str
    check: str
    detail: str


@dataclass
class ServiceAudit:
    """What was found for one service."""

    service: str
    events: int = 0
    streams: int = 0
    head: int = 0
    relayed: int = 0
    in_stream: int | None = None
    not_relayed: int = 0
    live_hash: str = ""
    rebuilt_hash: str = ""
    orgs: set[str] = field(default_factory=set)


@dataclass
class AuditReport:
    """Everything the audit found; `clean` when no difference."""

    services: list[ServiceAudit]
    differences: list[Difference]
    notices: list[str]
    stream_messages: int | None  # None: the stream was not read
    fed: list[str] = field(default_factory=list)  # the instances whose fed tables were compared
    partner_streams: dict[str, int] = field(default_factory=dict)  # each partner's stream: its messages

    @property
    def clean(self) -> bool:
        return not self.differences


class AuditError(RuntimeError):
    """The audit could not run at all (no store to audit, a store that is not one); shown in French."""


def kind_of(label: str) -> str:
    """The service of an audited instance: `registration@mission-locale` is a registration instance."""
    return label.partition("@")[0]


def org_of(label: str) -> str | None:
    """The organisation an instance label names, if any (`registration@mission-locale`)."""
    return label.partition("@")[2] or None


def few(values: list[int], n: int = 5) -> str:
    """The first `n` values, and how many more, for a difference's detail."""
    shown = ", ".join(str(v) for v in values[:n])
    return shown + (f" (+{len(values) - n})" if len(values) > n else "")
