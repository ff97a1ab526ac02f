"""Who may change what in notifications."""

from __future__ import annotations


def may_set_reminders(caller_org: str | None, referring_org: str, registering_org: str) -> bool:
    """A counsellor (`caller_org`) only for a candidate their organisation refers or registered; the
    coordination (no `caller_org`) for anyone."""
    return caller_org is None or caller_org in (referring_org, registering_org)
