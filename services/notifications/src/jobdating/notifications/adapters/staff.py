"""The staff directory: counsellors' and coaches' professional contact details, from a TOML file.

Counsellors and coaches are partner staff, not candidates: their work contacts are kept by each partner in
a file the operator configures (`JOBDATING_NOTIFICATIONS_STAFF_FILE`), re-read when it changes:

    [[staff]]
    id = "mission-locale-conseiller-1"   # the id scheduling and registration use
    role = "counsellor"                   # or "coach"
    org = "mission-locale"
    first_name = "Karima"
    email = "karima.conseil@mission-locale.example"
    phone = "03 20 00 00 01"
"""

from __future__ import annotations

import threading
from pathlib import Path

import msgspec

from jobdating.notifications.application.ports import StaffMember


class _StaffFile(msgspec.Struct, frozen=True):
    staff: list[StaffMember] = []


class FileStaffDirectory:
    """Looks staff up by id in the TOML file; an absent file is an empty directory."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._mtime: float | None = None
        self._by_id: dict[str, StaffMember] = {}

    def get(self, staff_id: str) -> StaffMember | None:
        self._reload_if_changed()
        return self._by_id.get(staff_id)

    def _reload_if_changed(self) -> None:
        if self.path is None or not self.path.exists():
            self._by_id = {}
            return
        mtime = self.path.stat().st_mtime
        with self._lock:
            if mtime == self._mtime:
                return
            parsed = msgspec.toml.decode(self.path.read_bytes(), type=_StaffFile)
            self._by_id = {member.id: member for member in parsed.staff}
            self._mtime = mtime
