"""Group commit for SQLite: the work of every waiting caller runs in one transaction, each under its own
SAVEPOINT, and commits once. With synchronous=FULL a commit is an fsync; sharing it is what lets several
concurrent commands cost about one.

Leader/follower rather than a dedicated writer thread: the caller that finds nobody writing runs the
group itself (its own work first), on the committer's connection, and on its way out hands the lead to the
first caller still waiting. A lone caller therefore never switches threads, and in a busy group each caller
is woken once; with a writer thread every command paid two handoffs (submit, done), which on two cores
cost about as much CPU as the command's own SQL.
"""

from __future__ import annotations

import contextvars
import threading
import time
from collections import deque
from collections.abc import Callable
from typing import Any

from jobdating.eventstore.base import Dialect, Transaction

MAX_GROUP = 64


class _Job:
    __slots__ = ("context", "done", "error", "result", "wake", "work")

    def __init__(self, work: Callable[[Transaction], Any]) -> None:
        self.work = work
        # The leader runs the work in its caller's context, so what it logs carries its caller's
        # correlation id, not the leader's.
        self.context = contextvars.copy_context()
        # Held from birth; released once, when the job is done or its caller is to lead the next group.
        self.wake = threading.Lock()
        self.wake.acquire()
        self.done = False
        self.result: Any = None
        self.error: BaseException | None = None


class GroupCommitter:
    """Runs submitted work in shared transactions; a job's failure rolls back only that job (ROLLBACK TO)."""

    def __init__(self, connect: Callable[[], Any], dialect: Dialect) -> None:
        self._connect = connect
        self._dialect = dialect
        self._conn: Any = None
        self._pending: deque[_Job] = deque()
        self._mutex = threading.Lock()  # guards _pending, _leading and _conn's life
        self._leading = False

    def run(self, work: Callable[[Transaction], Any]) -> Any:
        """Run `work` in a transaction and return its result once that transaction committed."""
        job = _Job(work)
        with self._mutex:
            self._pending.append(job)
            lead = not self._leading
            self._leading = True
        if not lead:
            job.wake.acquire()  # done by another leader, or handed the lead
        if not job.done:
            self._lead()
        if job.error is not None:
            raise job.error
        return job.result

    def close(self) -> None:
        """Close the committer's connection once no group is running (waits up to 30 s for one)."""
        deadline = time.monotonic() + 30
        while True:
            with self._mutex:
                if not self._leading or time.monotonic() > deadline:
                    if self._conn is not None:
                        self._conn.close()
                        self._conn = None
                    return
            time.sleep(0.01)

    def _lead(self) -> None:
        # Only the leader touches _conn, so it needs no lock of its own; our job is at the head of the queue.
        group: list[_Job] = []
        try:
            if self._conn is None:
                self._conn = self._connect()
            self._commit(self._conn, group)
        except BaseException as exc:  # no connection: our own job fails with the reason
            if not group:
                with self._mutex:
                    group.append(self._pending.popleft())
            for job in group:
                job.error = job.error or exc
        finally:
            with self._mutex:
                heir = self._pending[0] if self._pending else None
                self._leading = heir is not None
            for job in group:
                job.done = True
                job.wake.release()
            if heir is not None:
                heir.wake.release()

    def _more(self, group: list[_Job]) -> _Job | None:
        """The next waiting job, while the group has room: callers that arrive while the group's work runs
        join its commit instead of waiting for it, so the group grows to the number of callers at hand."""
        with self._mutex:
            if not self._pending or len(group) >= MAX_GROUP:
                return None
            job = self._pending.popleft()
        group.append(job)
        return job

    def _commit(self, conn: Any, group: list[_Job]) -> None:
        """Run jobs in one transaction until none is waiting; fills `group` with the jobs it ran."""
        cur = conn.cursor()
        try:
            cur.execute("BEGIN IMMEDIATE")
            tx = Transaction(cur, self._dialect)
            while (job := self._more(group)) is not None:
                cur.execute("SAVEPOINT job")
                try:
                    job.result = job.context.run(job.work, tx)
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
