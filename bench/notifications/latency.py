"""Latency from `SlotAssigned` committed in scheduling's store to the SMTP server accepting the candidate's
convocation, p50 and p99, at a steady rate of slots per second. Goal (issue 16): p99 under 250 ms at
100/s, sustained (`--outside-plan --seconds 150`), where each slot's convocation goes on its own.

Everything is real and local: a nats-server (file storage, sync_interval: always); scheduling's side as a
SQLite store whose commits wake the real outbox relay (as the service host does); the real registration
service as its own process (`jobdating-registration serve`, `registration.py`): the candidates and
companies imported into its store as partners' files are, their registrations relayed by it, and the
service's contact and first-names questions answered by it over NATS, sealed; the notifications service
as its own process (`jobdating-notifications serve`, SQLite store, fsync); an aiosmtpd server writing a
Maildir (fsync before 250) that stamps each message as it accepts it. Each slot is a new candidate's
interview six hours ahead, with SMS and e-mail consent: one e-mail and one SMS per candidate.

Every process's CPU a slot over the load (`cpu_ms_per_slot`: the service, its render workers,
registration, nats-server, this process) and their sum at the offered rate (`cores_needed_at_rate`): a
rate asking more cores than the machine has falls behind whatever the service does.

Two shapes (one message per person per moment):
- default: the slots belong to a published plan, so each candidate's convocation (like the recruiters'
  agendas) goes once the whole plan has arrived: the latency is then counted from the commit of the plan's
  last slot, which releases them all at once. That is a wave (6,000 convocations and 6,000 SMS at 100/s
  for 60 s): its p99 is the time the wave takes to drain (`wave_seconds`), not a slot's latency, and no
  250 ms goal applies to it (`goal_p99_ms` null).
- `--outside-plan`: no plan, every slot is given as a walk-in or a repair would be, with no change delay
  (`CHANGE_DELAY_SECONDS=0`): each candidate's convocation (a digest of what is news to them) goes as soon
  as its slot arrives, SlotAssigned to SMTP accepted, and each recruiter gets an update per moment
  telling the slots given since the last one: the first at once, then at most one per
  `RECRUITER_UPDATE_INTERVAL_SECONDS` (60, the service's default), so the bench waits for the last one.

    .venv/bin/python -m bench.notifications.latency            # 100 slots/s for 60 s
    .venv/bin/python -m bench.notifications.latency --rate 100 --seconds 20 --outside-plan
    .venv/bin/python -m bench.notifications.latency --rate 100 --seconds 150 --outside-plan --loop-holds

`--loop-holds`: which of the service's event-loop callbacks held it over 20 ms, and how long
(`loop_holds.py`): the figure that tells two versions apart where one p99 on a shared machine cannot.

The convocation wave of a regional fair (`--provider-rate`): SMS go to a stand-in provider on a real
socket that refuses (429) what comes faster than its rate, as providers do; the service is told that rate
(`SMS_RATE_PER_SECOND`) unless `--unpaced`. The figure is the time from the plan's last slot to the last
SMS taken, against the provider's floor (slots / rate), and how many SMS it refused or that failed.

    .venv/bin/python -m bench.notifications.latency --rate 500 --seconds 10 --provider-rate 50
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import nats
import psutil
from aiosmtpd.controller import Controller

from bench.common import reference_ms, save, scratch_dir
from bench.notifications import registration
from bench.notifications.loop_holds import environment as loop_holds_environment
from bench.notifications.loop_holds import summary as loop_holds_summary
from jobdating.bus.provision import provision
from jobdating.bus.relay import Relay
from jobdating.bus.server import NatsServer, free_port
from jobdating.notifications.adapters.maildir import MaildirHandler
from jobdating.notifications.testing import process_env
from jobdating.runtime.logging import configure_logging
from jobdating.testing.sms_provider import provider_server
from jobdating.testing.upstream import Upstream

ORG = "departement-nord"
SITE = "site-1"
# The service's render workers (`adapters.render_pool`); the bench's `--render-processes` sets it.
_RENDERERS = "JOBDATING_NOTIFICATIONS_RENDER_PROCESSES"
BENCH_CALLER = {"org": ORG, "role": "coordinator", "actor_id": "bench"}


class Acceptances:
    """What the SMTP server accepted, stamped on acceptance (after its fsync, before its 250)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.accepted: list[tuple[float, str, str]] = []
        self.notifications: list[str] = []  # the notification each accepted e-mail delivers

    def __call__(self, data: bytes) -> None:
        at = time.time()
        with self.lock:
            self.accepted.append(
                (at, _header(data, b"X-Jobdating-Kind"), _header(data, b"X-Jobdating-Cause"))
            )
            self.notifications.append(_header(data, b"X-Jobdating-Notification"))

    def count(self, kind: str) -> int:
        with self.lock:
            return sum(1 for _, k, _ in self.accepted if k == kind)


def _header(data: bytes, name: bytes) -> str:
    start = data.find(name + b": ")
    if start < 0:
        return ""
    end = data.find(b"\r\n", start)
    return data[start + len(name) + 2 : end].decode()


def preload(up: Upstream, slots: int, in_plan: bool) -> None:
    """A site with computers, the job dating (and its publication); the candidates and companies are
    registration's own (`registration.imported`)."""
    up.site(SITE)
    up.job_dating("jd-1", day=date.today())
    if in_plan:
        up.publish_plan(slots)


def _cpu(pid: int | None) -> float:
    """User + system CPU seconds a process has used so far."""
    if pid is None:
        return 0.0
    times = psutil.Process(pid).cpu_times()
    return round(times.user + times.system, 1)


def _children_cpu(pid: int) -> float:
    """User + system CPU seconds the process's children (its render workers) have used so far."""
    return sum(_cpu(child.pid) for child in psutil.Process(pid).children())


def _processes_cpu(service: int, registration: int, server: NatsServer) -> dict[str, float]:
    """CPU seconds so far of every process of the bench: the service (and its render workers),
    registration's, nats-server, and this one (scheduling's store and relay, the SMTP server)."""
    return {
        "service": _cpu(service),
        "render_workers": _children_cpu(service),
        "registration": _cpu(registration),
        "nats_server": _cpu(server.process.pid if server.process else None),
        "bench_process": sum(os.times()[:2]),
    }


def _profiler() -> list[str]:
    # BENCH_PROFILE=/path/to/file runs the service under cProfile (written when it stops).
    target = os.environ.get("BENCH_PROFILE")
    return ["-m", "cProfile", "-o", target] if target else []


def handled(db: Path) -> int:
    """Events the service's consumers have handled (0 until its store exists)."""
    try:
        conn = sqlite3.connect(db)
        try:
            return int(conn.execute("SELECT COUNT(*) FROM inbox").fetchone()[0])
        finally:
            conn.close()
    except sqlite3.OperationalError:
        return 0


def told_recruiters(db: Path) -> int:
    """Slots told to their recruiter, once no update to any company is left to go (0 before)."""
    conn = sqlite3.connect(db)
    try:
        to_go = conn.execute(
            "SELECT COUNT(*) FROM notif_delivery WHERE kind = 'agenda_update' "
            "AND status IN ('pending', 'in_progress')"
        ).fetchone()[0]
        told = conn.execute("SELECT COUNT(*) FROM notif_told WHERE recipient_type = 'company'").fetchone()
        return 0 if to_go else int(told[0])
    finally:
        conn.close()


def sms_taken(work: Path, provider: Any) -> int:
    """SMS the provider took (or the file sink wrote)."""
    return len(provider.accepted) if provider is not None else _lines(work / "sms.jsonl")


def _lines(path: Path) -> int:
    return path.read_bytes().count(b"\n") if path.exists() else 0


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


async def run(
    rate: float,
    seconds: float,
    companies: int,
    in_plan: bool = True,
    provider_rate: float | None = None,
    paced: bool = True,
    render_processes: int | None = None,
    loop_holds: bool = False,
) -> dict[str, Any]:
    configure_logging("bench", "-", logging.WARNING)
    slots = int(rate * seconds)
    providing = contextlib.ExitStack()
    provider = None
    if provider_rate is not None:
        # A strict provider: a token bucket letting a fifth of its second through together (one counting
        # whole seconds would let its whole second through). The service's own bursts are a tenth.
        url, provider = providing.enter_context(provider_server(provider_rate, max(1.0, provider_rate / 5)))
    work = scratch_dir("jd-bench-notifications-")
    maildir = work / "maildir"
    acceptances = Acceptances()
    smtp_port = free_port()
    sink = Controller(MaildirHandler(maildir, on_accept=acceptances), hostname="127.0.0.1", port=smtp_port)
    sink.start()
    with NatsServer(work / "nats") as server:
        nc = await nats.connect(server.url)
        js = nc.jetstream()
        await provision(js)

        up = Upstream(work / "scheduling.db", ORG, actor_id="bench")
        preload(up, slots, in_plan)
        registered = registration.imported(work, ORG, slots, companies, SITE)
        relay = Relay(up.store, js, batch=1000)
        stop = asyncio.Event()
        relaying = asyncio.create_task(relay.run(stop))
        relay.wakeup.set()

        log = (work / "service.log").open("ab")
        env = (
            process_env(work, server.url, ("127.0.0.1", smtp_port), {"bench": BENCH_CALLER})
            | ({} if render_processes is None else {_RENDERERS: str(render_processes)})
            | (
                {}
                if provider is None
                else {"JOBDATING_NOTIFICATIONS_SMS_PROVIDER_URL": url}
                | ({"JOBDATING_NOTIFICATIONS_SMS_RATE_PER_SECOND": str(provider_rate)} if paced else {})
            )
        )
        registration_log = (work / "registration.log").open("ab")
        registrar = registration.start(work, ORG, server.url, work / "tokens.json", registration_log)
        service = subprocess.Popen(  # noqa: ASYNC220 - started once, before the measured minute
            [sys.executable, *_profiler(), "-m", "jobdating.notifications.main", "serve"],
            env=loop_holds_environment(work, env) if loop_holds else env,
            stdout=log,
            stderr=log,
        )
        try:
            # The upstream's events and the candidates' registrations, relayed by registration.
            preloaded = up.store.count() + slots + companies
            while handled(work / "notifications.db") < preloaded:
                if service.poll() is not None:
                    raise RuntimeError(f"the service stopped: see {work / 'service.log'}")
                if registrar.poll() is not None:
                    raise RuntimeError(f"registration stopped: see {work / 'registration.log'}")
                await asyncio.sleep(0.1)

            committed: dict[str, float] = {}
            cpu_at_start = _cpu(service.pid)
            workers_at_start = _children_cpu(service.pid)
            processes_at_start = _processes_cpu(service.pid, registrar.pid, server)
            load_before = os.getloadavg()[0]
            host_before = reference_ms()  # before the load: the host's speed, not the bench's own load's
            start = time.time() + 0.5
            # Interviews 6 to 11 hours ahead: within 12 hours, so SMS go even at night (no quiet hours).
            soon = datetime.now(UTC) + timedelta(hours=6)
            for i in range(slots):
                delay = start + i / rate - time.time()
                if delay > 0:
                    await asyncio.sleep(delay)
                starts_at = soon + timedelta(minutes=i % 300)
                sent = up.assign(
                    f"slot-{i}",
                    registered.candidates[i],
                    starts_at,
                    company_id=registered.companies[i % companies],
                )
                committed[sent.event_id] = time.time()
                relay.wakeup.set()
            offered = time.time() - start
            load_after = os.getloadavg()[0]

            deadline = time.time() + 120
            while acceptances.count("convocation") < slots and time.time() < deadline:  # noqa: ASYNC110
                await asyncio.sleep(0.1)
            last_convocation = time.time()
            if provider is not None:  # the wave drains at the provider's rate at best
                deadline += slots / (provider_rate or 1)
            while sms_taken(work, provider) < slots and time.time() < deadline:  # noqa: ASYNC110
                await asyncio.sleep(0.1)
            if in_plan:
                while acceptances.count("recruiter_agenda") < companies and time.time() < deadline:  # noqa: ASYNC110
                    await asyncio.sleep(0.1)
            else:  # every slot told to its recruiter, in the update its company had waiting
                while told_recruiters(work / "notifications.db") < slots and time.time() < deadline:  # noqa: ASYNC110
                    await asyncio.sleep(0.1)
            agendas_done = time.time()
            # What the service spent on the load, start to drained: the code path's cost, which a busy
            # machine slows but does not change (unlike the latency, which it does).
            cpu_for_load = _cpu(service.pid) - cpu_at_start
            workers_cpu = _children_cpu(service.pid) - workers_at_start
            processes_cpu = {
                name: seconds - processes_at_start[name]
                for name, seconds in _processes_cpu(service.pid, registrar.pid, server).items()
            }
        finally:
            for process in (service, registrar):
                process.send_signal(signal.SIGTERM)
            await asyncio.to_thread(service.wait, 30)
            await asyncio.to_thread(registrar.wait, 30)
            stop.set()
            await relaying
            await nc.close()
            sink.stop()

    with acceptances.lock:
        accepted = list(acceptances.accepted)
    # A plan's convocations are caused by its publication and released by its last slot: timed from there.
    last_slot = max(committed.values())

    def since(cause: str) -> float:
        return committed.get(cause, last_slot)

    timed = sorted(
        (since(cause) - start, (at - since(cause)) * 1000)
        for at, kind, cause in accepted
        if kind == "convocation"
    )
    latencies = [latency for _, latency in timed]
    windows = [[lat for t, lat in timed if w <= t < w + 10] for w in range(0, int(seconds), 10)]
    providing.close()
    if provider is None:
        sms = [json.loads(line) for line in (work / "sms.jsonl").read_text().splitlines()]
    else:
        sms = [
            {"at": datetime.fromtimestamp(at, UTC).isoformat(), "idempotency_key": key}
            for at, key in provider.accepted
        ]
    # An SMS line carries its notification id (the idempotency key); the service's table knows its cause.
    conn = sqlite3.connect(work / "notifications.db")
    cause_of = dict(conn.execute("SELECT notification_id, cause_event_id FROM notif_delivery").fetchall())
    updates = dict(
        conn.execute(
            "SELECT status || ':' || COALESCE(reason, ''), COUNT(*) FROM notif_delivery "
            "WHERE kind = 'agenda_update' GROUP BY 1"
        ).fetchall()
    )
    sms_failed = conn.execute(
        "SELECT COUNT(*) FROM notif_delivery WHERE channel = 'sms' AND status = 'failed'"
    ).fetchone()[0]
    conn.close()
    sms_latencies = [
        (datetime.fromisoformat(line["at"]).timestamp() - since(cause_of[line["idempotency_key"]])) * 1000
        for line in sms
    ]
    stopped = [
        json.loads(line)
        for line in (work / "service.log").read_text().splitlines()
        if '"dispatcher_stopped"' in line
    ]
    result: dict[str, Any] = {
        "rate_per_s": rate,
        "shape": "published plan: latency from its last slot"
        if in_plan
        else "outside a plan, no change delay",
        "seconds": seconds,
        "slots": slots,
        "offered_seconds": round(offered, 2),
        "convocations_accepted": len(latencies),
        "duplicates": len(acceptances.notifications) - len(set(acceptances.notifications)),
        "latency_ms": {
            "p50": round(percentile(latencies, 50), 1),
            "p90": round(percentile(latencies, 90), 1),
            "p99": round(percentile(latencies, 99), 1),
            "p99_9": round(percentile(latencies, 99.9), 1),
            "max": round(max(latencies), 1),
            "mean": round(sum(latencies) / len(latencies), 1),
        },
        "p99_ms_by_10s_window": [round(percentile(w, 99), 1) for w in windows if w],
        "sms_sent": len(sms),
        "sms_latency_ms": {
            "p50": round(percentile(sms_latencies, 50), 1),
            "p99": round(percentile(sms_latencies, 99), 1),
            "max": round(max(sms_latencies), 1),
        },
        "service_cpu_ms_per_slot": round(cpu_for_load * 1000 / slots, 2),
        # Its render workers' CPU, on another core (`adapters.render_pool`): not in the figure above.
        "render_workers_cpu_ms_per_slot": round(workers_cpu * 1000 / slots, 2),
        # Every process's CPU over the same span, a slot: what the whole load asks of the machine, in
        # cores at the offered rate (more than it has: it falls behind, whatever the service does).
        "cpu_ms_per_slot": {name: round(s * 1000 / slots, 2) for name, s in processes_cpu.items()},
        "cores_needed_at_rate": round(sum(processes_cpu.values()) / slots * rate, 2),
        # The machine is shared: what else ran shows in the load average (1 min) around the measure.
        "load_average_1min": {"before": round(load_before, 2), "after": round(load_after, 2)},
        # `sum(range(10**6))` just before the load, in ms (`bench.common.reference_ms`): the CPU per slot
        # over it compares runs of different hosts, which the latency alone cannot.
        "host_reference_ms": host_before,
        "service_cpu_per_slot_in_references": round(cpu_for_load * 1000 / slots / host_before, 3),
        "service_writes_per_commit": (
            round(stopped[-1]["writes"] / stopped[-1]["commits"], 2)
            if stopped and stopped[-1]["commits"]
            else None
        ),
        "agendas_accepted": sum(1 for _, k, _ in accepted if k in ("recruiter_agenda", "agenda_update")),
        # Outside a plan, the recruiters' update rows by how they ended (one a company and moment).
        "agenda_updates": updates,
        "agendas_after_last_convocation_s": round(agendas_done - last_convocation, 2),
        # A plan's convocations go as one wave once its last slot is in: how long it took to drain, not
        # a slot's latency (the goal is for slots given one by one, `--outside-plan`).
        "goal_p99_ms": None if in_plan else 250,
        "wave_seconds": round(max(latencies) / 1000, 2) if in_plan else None,
        "provider": None
        if provider is None
        else {
            "rate_per_s": provider_rate,
            "service_paced": paced,
            "refused_429": provider.limited,
            "sms_taken": len(provider.accepted),
            "sms_failed": sms_failed,
            # The wave: from the plan's last slot to the last SMS the provider took, against its floor.
            "wave_seconds": round(max(at for at, _ in provider.accepted) - last_slot, 1),
            "floor_seconds": round(slots / (provider_rate or 1), 1),
        },
        "loop_holds": loop_holds_summary(work, start, agendas_done) if loop_holds else None,
        "work_dir": str(work),
        "command": f".venv/bin/python -m bench.notifications.latency --rate {rate:g} --seconds {seconds:g}"
        + ("" if in_plan else " --outside-plan")
        + (f" --provider-rate {provider_rate:g}" if provider_rate is not None else "")
        + ("" if paced else " --unpaced")
        + ("" if render_processes is None else f" --render-processes {render_processes}")
        + (" --loop-holds" if loop_holds else ""),
    }
    return result


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rate", type=float, default=100.0, help="slots committed per second")
    parser.add_argument("--seconds", type=float, default=60.0, help="how long the load lasts")
    parser.add_argument("--companies", type=int, default=15, help="recruiting companies sharing the slots")
    parser.add_argument(
        "--provider-rate", type=float, default=None, help="SMS to a stand-in provider limited to this rate"
    )
    parser.add_argument("--unpaced", action="store_true", help="do not tell the service the provider's rate")
    parser.add_argument(
        "--outside-plan", action="store_true", help="slots given outside a plan: each one told at once"
    )
    parser.add_argument(
        "--render-processes",
        type=int,
        default=None,
        help="the service's render worker processes (default: its own; 0: render on its event loop)",
    )
    parser.add_argument(
        "--loop-holds",
        action="store_true",
        help="log the service's event-loop callbacks over 20 ms and summarize them (`loop_holds`)",
    )
    args = parser.parse_args()
    # Said before minutes of set-up (registration's import, the stores), not as a crash after them.
    slots = int(args.rate * args.seconds)
    if slots < 1:
        parser.error(f"--rate × --seconds: {slots} slots; at least one is needed")
    if not 1 <= args.companies <= slots:
        parser.error(f"--companies: between 1 and the number of slots ({slots}), not {args.companies}")
    result = asyncio.run(
        run(
            args.rate,
            args.seconds,
            args.companies,
            in_plan=not args.outside_plan,
            provider_rate=args.provider_rate,
            paced=not args.unpaced,
            render_processes=args.render_processes,
            loop_holds=args.loop_holds,
        )
    )
    path = save("notifications_latency", result)
    print(json.dumps(result, indent=2))
    print(f"written to {path}")


if __name__ == "__main__":
    main()
