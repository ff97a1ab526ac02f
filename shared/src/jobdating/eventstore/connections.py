"""One database connection per thread, as both store backends hold them."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Generic, Protocol, TypeVar


class _Connection(Protocol):
    def close(self) -> None: ...


C = TypeVar("C", bound=_Connection)


class PerThreadConnections(Generic[C]):
    """Each thread's own connection, opened on first use, and every connection opened, to close them all.

    DB-API connections are not to be shared between threads at once: each thread writes and reads on its
    own, and the group committer on one more (`open`).
    """

    def __init__(self, connect: Callable[[], C], usable: Callable[[C], bool] = lambda conn: True) -> None:
        self._connect = connect
        self._usable = usable
        self._local = threading.local()
        self._all: list[C] = []
        self._lock = threading.Lock()

    def current(self) -> C:
        """The calling thread's connection, opened now if it has none (or one it can no longer use)."""
        conn: C | None = getattr(self._local, "conn", None)
        if conn is None or not self._usable(conn):
            conn = self._local.conn = self.open()
        return conn

    def open(self) -> C:
        """A new connection, closed with the others by `close`."""
        conn = self._connect()
        with self._lock:
            self._all.append(conn)
        return conn

    def close(self) -> None:
        """Close every connection opened; a thread that goes on gets a new one."""
        with self._lock:
            for conn in self._all:
                conn.close()
            self._all.clear()
        self._local = threading.local()
