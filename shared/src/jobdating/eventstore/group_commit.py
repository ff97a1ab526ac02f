"""Group commit: the work of every waiting caller runs in one transaction, each under its own SAVEPOINT,
and commits once. With synchronous=FULL a commit is an fsync; sharing it is what lets several concurrent
commands cost about one.

Leader/follower rather than a dedicated writer thread: the caller that finds nobody writing runs the
group itself (its own work first), on the committer's connection, and on its way out hands the lead to the
first thread still waiting. A lone caller therefore never switches threads, and in a busy group each caller
is woken once; with a writer thread every command paid two handoffs (submit, done), which on two cores
cost about as much CPU as the command's own SQL.

Callers on an event loop (`run_async`) never block it: their work is queued, and the group is led from a
callback on the loop once the current turn has run, so the writes of concurrent tasks that are ready
together (a dozen sends in flight) commit together. Nothing waits for a group to fill: a lone write
commits as soon as the loop comes round. Thread and loop callers share the same queue and the same groups.

A service whose loop must answer within milliseconds while some of its writes are large (a notifications
instance: a recruiter's update settles hundreds of messages in one commit) has its loop callers' groups led
in a thread of the committer's own instead (`lead_in_thread`): the loop then runs while the SQL and the
commit do (sqlite3 and psycopg let go of the GIL while the database works), at the cost of two thread
hand-offs per group.

What a job's work asks to be told once committed (`Transaction.on_commit`) runs in its caller's thread, on
its caller's loop for a task, after the commit: never before, whoever led the group.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import threading
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from jobdating.eventstore.sql import Dialect
from jobdating.eventstore.transaction import Transaction

MAX_GROUP = 64


class _Job:
    __slots__ = ("after", "context", "done", "error", "future", "loop", "result", "wake", "work")

    def __init__(self, work: Callable[[Transaction], Any], loop: asyncio.AbstractEventLoop | None) -> None:
        self.work = work
        # The leader runs the work in its caller's context, so what it logs carries its caller's
        # correlation id, not the leader's.
        self.context = contextvars.copy_context()
        # A thread waits on `wake`: held from birth, released once, when the job is done or its caller
        # is to lead the next group. A task awaits `future` on its own loop instead.
        self.loop = loop
        self.future: asyncio.Future[Any] | None = None
        self.wake = threading.Lock()
        if loop is None:
            self.wake.acquire()
        else:
            self.future = loop.create_future()
        self.done = False
        self.result: Any = None
        self.error: BaseException | None = None
        self.after: list[Callable[[], object]] = []  # the work's `on_commit` callbacks

    def finish(self) -> None:
        """Tell the caller its job is done: a thread at once, a task from its own loop's thread (the
        tasks of another loop are settled together on it: `_settle_all`)."""
        self.done = True
        if self.loop is None:
            self.wake.release()
        else:
            self._settle()

    def committed(self) -> None:
        """Run the work's `on_commit` callbacks, in the caller's thread or on its loop, once committed."""
        if self.error is None:
            for callback in self.after:
                self.context.run(callback)

    def _settle(self) -> None:
        assert self.future is not None
        try:
            self.committed()  # also when its caller was cancelled: the work is committed all the same
        finally:
            if not self.future.done():  # done: its caller was cancelled
                if self.error is not None:
                    self.future.set_exception(self.error)
                else:
                    self.future.set_result(self.result)


def _settle_all(jobs: list[_Job], then: Callable[[], None] | None) -> None:
    """On the jobs' loop: settle each (a failing `on_commit` callback is reported as the loop reports a
    failing callback, and the others are settled all the same), then lead the next group if asked."""
    for job in jobs:
        try:
            job._settle()
        except Exception as exc:
            asyncio.get_running_loop().call_exception_handler(
                {"message": "a committed work's on_commit callback failed", "exception": exc}
            )
    if then is not None:
        then()


def _running_loop() -> asyncio.AbstractEventLoop | None:
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


class GroupCommitter:
    """Runs submitted work in shared transactions; a job's failure rolls back only that job (ROLLBACK TO).

    `commits` and `writes` count the committed groups and the jobs they carried (failed ones included).
    """

    def __init__(self, connect: Callable[[], Any], dialect: Dialect, begin: Callable[[Any], None]) -> None:
        self._connect = connect
        self._dialect = dialect
        self._begin = begin
        self._conn: Any = None
        self._pending: deque[_Job] = deque()
        self._mutex = threading.Lock()  # guards _pending, _leading and _conn's life
        self._leading = False
        self._leader: ThreadPoolExecutor | None = None  # leads loop callers' groups (`lead_in_thread`)
        self.commits = 0
        self.writes = 0

    def run(self, work: Callable[[Transaction], Any]) -> Any:
        """Run `work` in a transaction and return its result once that transaction committed."""
        job = _Job(work, None)
        with self._mutex:
            self._pending.append(job)
            lead = not self._leading
            self._leading = True
        if not lead:
            job.wake.acquire()  # done by another leader, or handed the lead
        if not job.done:
            self._lead(job)
        if job.error is not None:
            raise job.error
        job.committed()
        return job.result

    async def run_async(self, work: Callable[[Transaction], Any]) -> Any:
        """`run` for a caller on an event loop: the loop goes on while the work waits for its group."""
        loop = asyncio.get_running_loop()
        job = _Job(work, loop)
        with self._mutex:
            self._pending.append(job)
            lead = not self._leading
        if lead:
            # Not now: the tasks ready in this turn queue their writes first, then one group takes them all.
            loop.call_soon(self._lead_on_loop)
        assert job.future is not None
        return await job.future

    def lead_in_thread(self) -> None:
        """From now on, lead the groups of loop callers in a thread of the committer's own, not on their
        loop: the loop goes on while the group's work and its commit run (see the module's docstring)."""
        with self._mutex:
            if self._leader is None:
                self._leader = ThreadPoolExecutor(max_workers=1, thread_name_prefix="group-commit")

    @property
    def leads_in_thread(self) -> bool:
        """Whether loop callers' groups are led in the committer's thread (`lead_in_thread`)."""
        return self._leader is not None

    def close(self) -> None:
        """Close the committer's connection once no group is running (waits up to 30 s for one)."""
        with self._mutex:
            leader, self._leader = self._leader, None
        if leader is not None:
            leader.shutdown(wait=True)  # a group it was given ends first
        deadline = time.monotonic() + 30
        while True:
            with self._mutex:
                if not self._leading or time.monotonic() > deadline:
                    if self._conn is not None:
                        self._conn.close()
                        self._conn = None
                    return
            time.sleep(0.01)

    def _lead_on_loop(self) -> None:
        with self._mutex:
            if self._leading or not self._pending:  # a thread leads, or an earlier callback took them
                return
            self._leading = True
            leader = self._leader
        if leader is not None:
            with contextlib.suppress(RuntimeError):  # shut down (closing): led here, as before
                leader.submit(self._lead, None)
                return
        self._lead(None)

    def _lead(self, own: _Job | None) -> None:
        # Only the leader touches _conn, so it needs no lock of its own.
        group: list[_Job] = []
        try:
            if self._conn is None:
                self._conn = self._connect()
            self._commit(self._conn, group, own)
        except BaseException as exc:  # no connection: our own job (or the first waiting) fails with it
            if not group:
                with self._mutex:
                    if own is not None:
                        self._pending.remove(own)
                    group.append(own if own is not None else self._pending.popleft())
            for job in group:
                job.error = job.error or exc
        finally:
            with self._mutex:
                # A waiting thread takes the lead; tasks are led from their loop, never handed it: a loop
                # busy with a blocking call would otherwise hold every writer up.
                heir = next((job for job in self._pending if job.loop is None), None)
                loop = self._pending[0].loop if heir is None and self._pending else None
                self._leading = heir is not None
            # The jobs of a loop this thread is not running are settled in one callback on that loop, the
            # next group's lead with them: one wake-up of the loop a group, not one a job (each is a
            # write to its self-pipe, and a read and a turn of the loop).
            elsewhere: dict[asyncio.AbstractEventLoop, list[_Job]] = {}
            here = _running_loop()
            for job in group:
                if job.loop is None or job.loop is here:
                    job.finish()
                else:
                    job.done = True
                    elsewhere.setdefault(job.loop, []).append(job)
            if heir is not None:
                heir.wake.release()
            elif loop is not None and loop not in elsewhere:
                # A closed loop (RuntimeError): the next caller leads.
                with contextlib.suppress(RuntimeError):
                    loop.call_soon_threadsafe(self._lead_on_loop)
            for each, jobs in elsewhere.items():
                lead = self._lead_on_loop if each is loop else None
                # A closed loop (RuntimeError) has nobody waiting any more; the next caller leads.
                with contextlib.suppress(RuntimeError):
                    each.call_soon_threadsafe(_settle_all, jobs, lead)

    def _more(self, group: list[_Job], own: _Job | None) -> _Job | None:
        """The leader's own job first, then the next waiting one while the group has room: callers that
        arrive while the group's work runs join its commit instead of waiting for it, so the group grows
        to the number of callers at hand."""
        with self._mutex:
            if own is not None and not group:
                self._pending.remove(own)
                job = own
            elif not self._pending or len(group) >= MAX_GROUP:
                return None
            else:
                job = self._pending.popleft()
        group.append(job)
        return job

    def _commit(self, conn: Any, group: list[_Job], own: _Job | None) -> None:
        """Run jobs in one transaction until none is waiting; fills `group` with the jobs it ran.

        A job runs under a savepoint only when the transaction already holds another job's work: the first
        needs none, since rolling the whole transaction back then undoes its work alone. A lone command
        sends one statement fewer (on PostgreSQL a round trip, a sixth of a registration's statements)."""
        cur = conn.cursor()
        try:
            self._begin(cur)
            tx = Transaction(cur, self._dialect)
            kept = 0  # jobs whose work the transaction holds
            saved = False  # a job's savepoint is open
            while (job := self._more(group, own)) is not None:
                if kept:
                    self._dialect.next_job(cur, after_another=saved)
                    saved = True
                try:
                    job.result = job.context.run(job.work, tx)
                    tx.flush()  # the job's deferred writes, if any: their errors are still its own
                    job.after = tx.take_on_commit()
                    kept += 1
                except BaseException as exc:  # handed back to the caller's thread
                    if kept:
                        cur.execute("ROLLBACK TO job")
                    else:  # alone in the transaction: all of it goes, and the next job begins another
                        conn.rollback()
                        self._begin(cur)
                    # A lock taken in the job (the append lock) went with its savepoint or its transaction.
                    tx.rolled_back()
                    job.error = exc
            conn.commit()  # releases the last job's savepoint (if any) with the rest
            self.commits += 1
            self.writes += len(group)
        except BaseException as exc:
            conn.rollback()
            for job in group:
                if job.error is None:
                    job.error = exc
                    job.result = None
        finally:
            cur.close()
