"""Machine tokens (scripts, imports, the demo): a JSON file of bearer tokens, each naming an org and roles.

`{"<token>": {"org": "...", "role": "...", "actor_id": "..."}}`; `"roles": [...]` gives several roles.
A key may be the token itself or `"sha256:<hex of the token's SHA-256>"` (see `hashed_key`), so that the
file need not hold usable secrets. The file is re-read when it changes on disk: removing a line revokes its
token without restarting the service. In production each partner keeps its own file.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import threading
from collections.abc import Mapping
from pathlib import Path

import msgspec

from jobdating.runtime.principals import Principal, Role

log = logging.getLogger(__name__)

HASHED = "sha256:"


class _Entry(msgspec.Struct, forbid_unknown_fields=True):
    org: str
    actor_id: str
    role: Role | None = None
    roles: list[Role] = []


def hashed_key(token: str) -> str:
    """The key under which a tokens file may store `token` without holding it."""
    return HASHED + hashlib.sha256(token.encode()).hexdigest()


def _digest(key: str) -> bytes:
    if key.startswith(HASHED):
        return bytes.fromhex(key.removeprefix(HASHED))
    return hashlib.sha256(key.encode()).digest()


def parse(raw: bytes) -> dict[str, Principal]:
    """The principals of a tokens file's content, by key (clear token or `sha256:<hex>`)."""
    entries = msgspec.json.decode(raw, type=dict[str, _Entry])
    table: dict[str, Principal] = {}
    for key, entry in entries.items():
        roles = frozenset(entry.roles) | ({entry.role} if entry.role is not None else set())
        if not roles:
            raise ValueError(f"token entry for {entry.actor_id!r} has no role")
        table[key] = Principal(org=entry.org, actor_id=entry.actor_id, roles=roles)
    return table


class MachineTokens:
    """Looks tokens up by their SHA-256, comparing every known digest in constant time, so that timing
    leaks nothing about valid tokens."""

    def __init__(self, tokens: Mapping[str, Principal], path: Path | None = None) -> None:
        self._entries = self._index(tokens)
        self._path = path
        self._seen: tuple[int, int, int] | None = None
        self._reload_lock = threading.Lock()

    @classmethod
    def from_file(cls, path: str | Path) -> MachineTokens:
        path = Path(path)
        table = cls({}, path)
        table._seen = table._stamp()
        table._entries = cls._index(parse(path.read_bytes()))
        return table

    @staticmethod
    def _index(tokens: Mapping[str, Principal]) -> tuple[tuple[bytes, Principal], ...]:
        return tuple((_digest(key), principal) for key, principal in tokens.items())

    def _stamp(self) -> tuple[int, int, int] | None:
        assert self._path is not None
        try:
            st = os.stat(self._path)
        except FileNotFoundError:
            return None
        return (st.st_mtime_ns, st.st_size, st.st_ino)

    def _reload_if_changed(self) -> None:
        # One stat per request (microseconds); a changed file is parsed by one thread while the others go on
        # with the table they have.
        stamp = self._stamp()
        if stamp == self._seen or stamp is None or not self._reload_lock.acquire(blocking=False):
            return
        try:
            entries = self._index(parse(Path(self._path or "").read_bytes()))
        except (OSError, ValueError, msgspec.DecodeError) as exc:
            # A file caught half-written: keep the table and try again on the next request.
            log.warning("tokens file %s unreadable, keeping the previous tokens: %s", self._path, exc)
        else:
            self._entries = entries
            self._seen = stamp
        finally:
            self._reload_lock.release()

    def lookup(self, token: str) -> Principal | None:
        """The principal of `token`, or None."""
        if self._path is not None:
            self._reload_if_changed()
        digest = hashlib.sha256(token.encode()).digest()
        found = None
        for known, principal in self._entries:
            if hmac.compare_digest(known, digest):
                found = principal
        return found
