"""What the demo day left behind, counted once it is over: changes by reason, refills, messages sent."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from jobdating.ops.day.choices import Slot
from jobdating.ops.day.summary import DayReport
from jobdating.ops.maildir import mails, settled_count, subject


def tally(
    report: DayReport,
    slots: list[Slot],
    changes: list[dict[str, Any]],
    maildir: Path,
    sms_file: Path,
    wait_seconds: float,
) -> None:
    """Fill `report` with the day's changes and the messages sent (once the Maildir stopped growing)."""
    for change in changes:
        reason = change.get("reason") or ""
        if change["change"] == "moved":
            report.moved[reason] = report.moved.get(reason, 0) + 1
        elif change["change"] == "cancelled":
            report.cancelled[reason] = report.cancelled.get(reason, 0) + 1
    report.refilled = sum(1 for s in slots if s.from_waiting_list)
    # Notifications sends from the stream: count once the Maildir stopped growing.
    settled_count(maildir, quiet=2.0, limit=wait_seconds)
    subjects = Counter(subject(p) for p in mails(maildir))
    report.mails = sum(subjects.values())
    report.convocations = sum(n for title, n in subjects.items() if is_convocation(title))
    if sms_file.exists():
        report.sms = sum(1 for line in sms_file.read_text().splitlines() if line.strip())


def is_convocation(title: str) -> bool:
    """Whether a mail's subject is a candidate's convocation: one interview, or several in one message (a
    candidate's convocation lists all of theirs)."""
    return (
        title.startswith(("Votre entretien d'embauche", "Votre deuxième entretien", "Vos "))
        and "entretien" in title
    )
