"""A regional fair in a real stack, for the console's benchmarks: every service and the console as their own
processes (`jobdating.ops.stack.Stack`: nats-server, registration, sites, scheduling, notifications, identity,
console), loaded through the services' public HTTP APIs (sites, computers, companies, candidates, the job
dating, a provisional plan computed by scheduling and published), and a coordinator signed in to the console
through its own sign-in form (identity account with its TOTP code).

Sizes default to a reduced fair; `--candidates 5000 --sites 200 --companies 500` is the issue's regional fair.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from typing import Any

import httpx

from bench.common import peak_rss_mb, scratch_dir
from bench.planning.quality import load
from jobdating.bus.server import free_port
from jobdating.ops.day.clock import local
from jobdating.ops.demo import PEOPLE, ROLES
from jobdating.ops.demo_accounts import create_accounts, totp
from jobdating.ops.demo_calendar import next_working_day
from jobdating.ops.demo_plan import compute_plan, publish_plan
from jobdating.ops.demo_report import DemoError
from jobdating.ops.stack import Stack, free_base_port
from jobdating.runtime.clock import ScaledClock
from jobdating.testing.demo_data import COORDINATOR_ORG, siret

JOB_DATING_ID = "jd-bench-console"
CSRF = re.compile(r'name="csrf" value="([^"]+)"')


@dataclass(frozen=True)
class Size:
    candidates: int
    sites: int
    companies: int
    computers_per_site: int = 4


@dataclass
class Fair:
    stack: Stack
    size: Size
    day: date
    console: httpx.Client  # signed in as the coordinator (the session cookie)
    load_seconds: dict[str, float]
    interviews: int
    unpublished: str | None = None  # the plan computed, when its publication is left to the benchmark

    def token(self, role: str) -> str:
        return self.stack.token_for(COORDINATOR_ORG, role)

    def publish(self) -> None:
        """Publishes the plan left unpublished: scheduling then assigns every slot of every site."""
        assert self.unpublished is not None
        _publish(self.stack, self.unpublished)
        self.unpublished = None


def options(parser: argparse.ArgumentParser, candidates: int, sites: int, companies: int) -> None:
    parser.add_argument("--candidates", type=int, default=candidates)
    parser.add_argument("--sites", type=int, default=sites)
    parser.add_argument("--companies", type=int, default=companies)


def size_of(args: argparse.Namespace) -> Size:
    return Size(candidates=args.candidates, sites=args.sites, companies=args.companies)


@contextmanager
def regional_fair(size: Size, publish: bool = True) -> Iterator[Fair]:
    """The stack started and loaded (the plan published unless told); stopped on the way out."""
    day = next_working_day(date.today())
    stack = Stack(scratch_dir("bench-console-") / "data", nats_port=free_port(), base_port=free_base_port())
    stack.prepare(ROLES, PEOPLE)
    try:
        # The services read 10:00 on the fair's morning: interviews are in progress, some candidates late.
        stack.use_clock(ScaledClock(local(day, "10:00"), 1.0))
        timings: dict[str, float] = {}
        start = time.perf_counter()
        stack.start()
        _timed(timings, "stack_start", start)
        interviews, plan_id = _load(stack, size, day, timings)
        if publish:
            start = time.perf_counter()
            _publish(stack, plan_id)
            _timed(timings, "plan_published", start)
        console = _signed_in_console(stack)
        yield Fair(stack, size, day, console, timings, interviews, None if publish else plan_id)
        console.close()
    finally:
        stack.stop()


def _auth(stack: Stack, role: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {stack.token_for(COORDINATOR_ORG, role)}"}


def _post_all(url: str, bodies: list[dict[str, Any]], headers: dict[str, str], threads: int = 4) -> None:
    def post_some(chunk: list[dict[str, Any]]) -> None:
        with httpx.Client(timeout=60) as http:
            for body in chunk:
                answer = http.post(url, json=body, headers=headers)
                if answer.status_code not in (201, 409):
                    raise DemoError(f"POST {url}: {answer.status_code} {answer.text[:300]}")

    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(post_some, [bodies[i::threads] for i in range(threads)]))


def _timed(timings: dict[str, float], name: str, started: float) -> None:
    timings[name] = round(time.perf_counter() - started, 1)
    print(f"{name}: {timings[name]} s", file=sys.stderr, flush=True)  # progress; the JSON goes to stdout


def _load(stack: Stack, size: Size, day: date, timings: dict[str, float]) -> tuple[int, str]:
    if size.candidates > 10_000:
        raise ValueError("at most 10,000 candidates: their phones are in the 06 39 98 xx xx range")
    sites_url, registration, scheduling = (stack.url(s) for s in ("sites", "registration", "scheduling"))
    at = day.isoformat()
    start = time.perf_counter()
    sites = [f"site-{i:03d}" for i in range(size.sites)]
    _post_all(
        f"{sites_url}/sites",
        [
            {
                "site_id": s,
                "name": f"Site {i}",
                "address": f"{i} rue de la Gare",
                "commune": "Lille",
                "postcode": "59000",
                "location": {"lat": 50.6 + i / 1000, "lon": 3.0 + i / 1000},
                "hours": [{"day": at, "start": "08:00", "end": "13:00"}],
                "accessibility": [],
            }
            for i, s in enumerate(sites)
        ],
        _auth(stack, "site_manager"),
    )
    _post_all(
        f"{sites_url}/computers",
        [
            {
                "computer_id": f"pc-{s}-{n}",
                "site_id": s,
                "label": f"Poste {n}",
                "webcam": True,
                "headset": True,
                "visio_ready": True,
            }
            for s in sites
            for n in range(1, size.computers_per_site + 1)
        ],
        _auth(stack, "site_manager"),
    )
    _timed(timings, "sites_and_computers", start)
    coordinator = _auth(stack, "coordinator")
    with httpx.Client(timeout=60) as http:
        _wait(http, f"{registration}/sites", coordinator, lambda body: len(body) >= size.sites)
        start = time.perf_counter()
        _post_all(
            f"{registration}/companies",
            [
                {
                    "name": f"Entreprise {c}",
                    "siret": siret(f"{71234500 + c:08d}"),
                    "sector": "Commerce",
                    "positions": [{"title": "Vendeur", "contract": "CDI", "count": 3}],
                    "parallel_recruiters": 1,
                    "window_start": "08:30",
                    "window_end": "12:30",
                    "day": at,
                    "contact_name": f"Service recrutement {c}",
                    "contact_email": f"recrutement@entreprise-{c}.exemple.fr",
                }
                for c in range(size.companies)
            ],
            coordinator,
        )
        _timed(timings, "companies", start)
        listed = http.get(f"{registration}/companies", params={"limit": 1000}, headers=coordinator).json()
        company_ids = [item["company_id"] for item in listed["items"]]
        start = time.perf_counter()
        counsellor = next(actor for org, role, actor in PEOPLE if org == COORDINATOR_ORG)
        _post_all(
            f"{registration}/candidates",
            [_candidate(i, sites, company_ids, counsellor, at) for i in range(size.candidates)],
            _auth(stack, "counsellor"),
        )
        _timed(timings, "candidates", start)
        start = time.perf_counter()
        wanted = {"candidates": size.candidates, "companies": size.companies, "sites": size.sites}
        _wait(
            http,
            f"{scheduling}/facts",
            coordinator,
            lambda b: all(b.get(k, 0) >= v for k, v in wanted.items()),
        )
        _timed(timings, "scheduling_caught_up", start)
        start = time.perf_counter()
        planned = _plan(http, scheduling, coordinator, sites, at)
        _timed(timings, "plan_computed", start)
    return planned


def _publish(stack: Stack, plan_id: str) -> None:
    with httpx.Client(timeout=60) as http:
        publish_plan(http, stack.url("scheduling"), _auth(stack, "coordinator"), JOB_DATING_ID, plan_id)


def _candidate(i: int, sites: list[str], company_ids: list[str], counsellor: str, at: str) -> dict[str, Any]:
    digits = f"063998{i:04d}"  # the range ARCEP keeps for fiction: 10,000 numbers
    return {
        "first_name": f"Prénom{i}",
        "last_name": f"Nom{i}",
        "phone": " ".join(digits[k : k + 2] for k in range(0, 10, 2)),
        "postcode": "59000",
        "commune": "Lille",
        "site_id": sites[i % len(sites)],
        "counsellor_id": counsellor,
        "wishes": [
            {"rank": r + 1, "company_id": company_ids[(i * 7 + r * 13) % len(company_ids)]} for r in range(3)
        ],
        "availability": [{"day": at, "start": "08:30", "end": "12:30"}],
        "accessibility": [],
        "consent_data": True,
        "consent_sms": False,
        "consent_email": False,
    }


def _plan(
    http: httpx.Client, url: str, headers: dict[str, str], sites: list[str], at: str
) -> tuple[int, str]:
    body = {
        "job_dating_id": JOB_DATING_ID,
        "title": "Forum régional (banc d'essai)",
        "days": [at],
        "site_windows": [{"site_id": s, "day": at, "start": "08:30", "end": "12:30"} for s in sites],
        "interview_minutes": 20,
        "buffer_minutes": 10,
        "breaks": [],
        "max_interviews_per_candidate": 3,
    }
    created = http.post(f"{url}/job-datings", json=body, headers=headers)
    if created.status_code != 201:
        raise DemoError(f"job dating refused: {created.status_code} {created.text[:300]}")
    summary = compute_plan(http, url, headers, JOB_DATING_ID, time_limit=20)
    return int(summary["interviews"]), str(summary["plan_id"])


def _wait(http: httpx.Client, url: str, headers: dict[str, str], done: Any, timeout: float = 300) -> None:
    # The services learn each other's facts from the stream: wait until the consumers caught up.
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        answer = http.get(url, headers=headers)
        if answer.status_code == 200 and done(answer.json()):
            return
        time.sleep(0.3)
    raise DemoError(f"{url} did not catch up within {timeout} s")


def _signed_in_console(stack: Stack) -> httpx.Client:
    """A coordinator's session in the console, opened through its sign-in form (CSRF token, TOTP code)."""
    accounts, _ = create_accounts(
        stack.url("identity"),
        stack.token_for(COORDINATOR_ORG, "coordinator"),
        stack.maildir,
        stack.data_dir,
        roles=["coordinator"],
    )
    account = accounts[0]
    assert account.totp_secret is not None
    http = httpx.Client(base_url=stack.url("console"), timeout=120)
    form = http.get("/connexion")
    token = CSRF.search(form.text)
    assert token is not None, "no CSRF field on the sign-in page"
    answer = http.post(
        "/connexion",
        data={
            "csrf": token.group(1),
            "email": account.email,
            "password": account.password,
            "code": totp(account.totp_secret, time.time()),
        },
    )
    if answer.status_code != 303:
        raise DemoError(f"console sign-in refused: {answer.status_code} {answer.text[:300]}")
    return http


REAL = (
    "nats-server, registration, sites, scheduling, notifications, identity, console: each its own process "
    "(jobdating.ops.stack), loaded through their HTTP APIs; the page loads and the SSE clients are httpx "
    "clients in the bench process"
)


def described(fair: Fair, load_before: dict[str, float]) -> dict[str, Any]:
    """What every console result says of its run: what was real, the fair, its load, the machine's load."""
    return {
        "real": REAL,
        "size": vars(fair.size),
        "interviews_planned": fair.interviews,
        "load_seconds": fair.load_seconds,
        "load_before": load_before,
        "load_after": load(),
        "bench_peak_rss_mb": round(peak_rss_mb(), 1),
    }
