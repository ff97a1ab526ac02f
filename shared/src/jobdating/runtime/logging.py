"""One structlog setup: JSON lines with service and org bound; never a personal field."""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import structlog

if TYPE_CHECKING:
    from jobdating.eventstore.base import StoredEvent


class _CurrentStderr:
    """Writes to whatever `sys.stderr` is at write time (a test runner swaps it; a cached logger must not
    keep a closed one)."""

    def write(self, text: str) -> int:
        return sys.stderr.write(text)

    def flush(self) -> None:
        sys.stderr.flush()


def configure_logging(service: str, org: str, level: int = logging.INFO) -> Any:
    """Configure structlog for JSON output and return a logger bound to service and org."""
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.processors.format_exc_info,
            structlog.processors.JSONRenderer(),
        ],
        wrapper_class=structlog.make_filtering_bound_logger(level),
        logger_factory=structlog.PrintLoggerFactory(file=_CurrentStderr()),  # type: ignore[arg-type]
        cache_logger_on_first_use=True,
    )
    return structlog.get_logger().bind(service=service, org=org)


def log_recorded(log: Any, stored: Iterable[StoredEvent]) -> None:
    """Say each event a command stored (with `log`, if any): by ids and type only, never a personal field."""
    if log is None:
        return
    for row in stored:
        log.info(
            "event_recorded",
            event_type=row.event_type,
            stream_id=row.stream_id,
            event_id=row.event_id,
            position=row.position,
        )
