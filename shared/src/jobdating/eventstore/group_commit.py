"""Group commit for SQLite: one writer thread runs the work of every waiting caller in one transaction,
each under its own SAVEPOINT, and commits once. With synchronous=FULL a commit is an fsync; sharing it is
what lets several concurrent commands cost about one.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from typing import Any

from jobdating.eventstore.base import Dialect, Transaction

MAX_GROUP = 64


class _Job:
    __slots__ = ("done", "error", "result", "work")

    def __init__(self, work: Callable[[Transaction], Any]) -> None:
        self.work = work
        self.done = threading.Event()
        self.result: Any = None
        self.error: BaseException | None = None


class GroupCommitter:
    """Runs submitted work on one thread; a job's failure rolls back only that job (ROLLBACK TO)."""

    def __init__(self, connect: Callable[[], Any], dialect: Dialect) -> None:
        self._connect = connect
        self._dialect = dialect
        self._jobs: queue.Queue[_Job | None] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def run(self, work: Callable[[Transaction], Any]) -> Any:
        """Submit `work` and wait until the transaction holding it committed (or failed)."""
        job = _Job(work)
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._loop, name="group-commit", daemon=True)
                self._thread.start()
        self._jobs.put(job)
        job.done.wait()
        if job.error is not None:
            raise job.error
        return job.result

    def close(self) -> None:
        with self._lock:
            if self._thread is not None and self._thread.is_alive():
                self._jobs.put(None)
                self._thread.join(timeout=30)
            self._thread = None

    def _loop(self) -> None:
        conn = self._connect()
        while True:
            first = self._jobs.get()
            if first is None:
                return
            group = [first]
            while len(group) < MAX_GROUP:
                try:
                    nxt = self._jobs.get_nowait()
                except queue.Empty:
                    break
                if nxt is None:
                    self._jobs.put(None)  # stop after this group
                    break
                group.append(nxt)
            self._commit(conn, group)

    def _commit(self, conn: Any, group: list[_Job]) -> None:
        cur = conn.cursor()
        try:
            cur.execute("BEGIN IMMEDIATE")
            tx = Transaction(cur, self._dialect)
            for job in group:
                cur.execute("SAVEPOINT job")
                try:
                    job.result = job.work(tx)
                except BaseException as exc:  # handed back to the caller's thread
                    cur.execute("ROLLBACK TO job")
                    job.error = exc
                cur.execute("RELEASE job")
            conn.commit()
        except BaseException as exc:
            conn.rollback()
            for job in group:
                if job.error is None:
                    job.error = exc
                    job.result = None
        finally:
            cur.close()
            for job in group:
                job.done.set()
