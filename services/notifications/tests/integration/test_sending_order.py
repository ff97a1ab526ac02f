"""Recruiters' e-mails do not hold candidates' convocations back: at an interval's end a company's updates
fall due together (one e-mail tells them all), and while it goes, the convocations due behind them go too;
messages to anyone but a candidate take a quarter of the sending places at most."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta
from typing import Any

import pytest

from jobdating.contracts.queries import Contact
from jobdating.notifications.domain import moments

from .conftest import Instance, Mailbox, Registration, Upstream, paris, person, until

pytestmark = pytest.mark.nats
DAY = date(2026, 12, 3)
INTERVAL = timedelta(seconds=60)
RECRUITERS = {"co-1": "recrutement@logistique.example", "co-2": "rh@transports.example"}


@pytest.fixture
def setting_changes() -> dict[str, Any]:
    # Four places, so one for recruiters; a held e-mail must not time out meanwhile.
    return {
        "recruiter_update_interval_seconds": INTERVAL.total_seconds(),
        "concurrency": 4,
        "smtp_timeout": 30.0,
    }


def recruiting(registration: Registration, upstream: Upstream) -> None:
    for company_id, address in RECRUITERS.items():
        registration.people[company_id] = Contact(first_name="Marc", email=address)
        upstream.company(company_id)
    upstream.site()
    upstream.job_dating()


async def test_a_convocation_goes_while_the_updates_due_before_it_wait_for_their_recruiters_email(
    instance: Instance, upstream: Upstream, registration: Registration, mailbox: Mailbox
) -> None:
    recruiting(registration, upstream)
    start = instance.clock.now()
    # The first change of each company goes at once: the others of the interval then wait for its end.
    upstream.assign("slot-a", person(registration, upstream, 0), paris(DAY, 9), company_id="co-1")
    upstream.assign("slot-b", person(registration, upstream, 1), paris(DAY, 9), company_id="co-2")
    await instance.caught_up(upstream)
    await instance.send()
    assert len(mailbox.messages("agenda_update")) == 2
    instance.clock.set(start + timedelta(seconds=10))
    for i in range(2, 42):  # 40 walk-ins, folded into one update a company due at the interval's end
        company_id = "co-1" if i % 2 else "co-2"
        upstream.assign(f"slot-{i}", person(registration, upstream, i), paris(DAY, 10), company_id=company_id)
    await instance.caught_up(upstream)
    await instance.send()
    assert len(mailbox.messages("convocation")) == 42
    assert len(mailbox.messages("agenda_update")) == 2

    # The interval's end (and both companies' part of the spread): the recruiters' e-mails are held by
    # their server; one more walk-in comes.
    instance.clock.set(start + INTERVAL + max(moments.update_phase(c, INTERVAL) for c in RECRUITERS))
    mailbox.handler.hold = set(RECRUITERS.values())
    late = person(registration, upstream, 99)
    upstream.assign("slot-99", late, paris(DAY, 11), company_id="co-1")
    await instance.caught_up(upstream)
    stop = asyncio.Event()
    sending = asyncio.create_task(instance.sender.run(stop))
    try:
        await until(lambda: bool(mailbox.handler.held))
        # Its convocation goes while the recruiter's e-mail is on its way, behind the updates due before it.
        await until(lambda: len(mailbox.messages("convocation")) == 43, within=5)
        # One place for recruiters: the other company's e-mail has not started.
        assert len(mailbox.handler.held) == 1
        assert instance.statuses("agenda_update")["in_progress"] == 1
    finally:
        mailbox.handler.released.set()
        await until(lambda: len(mailbox.messages("agenda_update")) == 4)
        stop.set()
        await sending
    # Each company's e-mail told its own slots of the interval, and the late walk-in with co-1's.
    assert instance.statuses("agenda_update") == {"sent": 4}  # a row per e-mail, none per slot told
    assert sorted(mailbox.handler.held) == sorted(RECRUITERS.values())
