"""Real parts around a notifications instance: a nats-server (root fixtures), SQLite files, an SMTP server
(aiosmtpd, on a random port) writing a Maildir, and the other services' side: their events appended to a
store and published by the real relay, and registration's answer to the contact question over NATS.
"""

from __future__ import annotations

import asyncio
import email
import email.policy
import threading
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import UTC, date, datetime, time, timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import msgspec
import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Session
from aiosmtpd.smtp import Envelope as SmtpEnvelope
from nats.aio.client import Client
from nats.js import JetStreamContext

from jobdating.bus.relay import Relay
from jobdating.bus.server import NatsServer, free_port
from jobdating.contracts import queries
from jobdating.contracts.subjects import request_subject
from jobdating.eventstore.sqlite import SqliteEventStore
from jobdating.notifications.adapters.maildir import MaildirHandler, messages
from jobdating.notifications.application.dispatcher import Dispatcher
from jobdating.notifications.bootstrap import NotificationsService, bootstrap, dispatcher
from jobdating.notifications.config import NotificationsSettings
from jobdating.privacy.box import seal_for
from jobdating.runtime.auth import Principal, TokenTable
from jobdating.runtime.host import CommitNotifier, ServiceHost
from jobdating.runtime.rpc import serve
from jobdating.testing import upstream as upstream_world
from jobdating.testing.relaying import headless_host

ORG = "departement-nord"
PARIS = "Europe/Paris"
TOKENS = {
    "coordinator-token": Principal(org=ORG, role="coordinator", actor_id="coord-1"),
    "viewer-token": Principal(org=ORG, role="viewer", actor_id="view-1"),
    "ml-counsellor-token": Principal(org="mission-locale", role="counsellor", actor_id="ml-1"),
    "ft-counsellor-token": Principal(org="france-travail", role="counsellor", actor_id="ft-1"),
}
STAFF_TOML = """
[[staff]]
id = "ml-conseiller-1"
role = "counsellor"
org = "mission-locale"
first_name = "Karima"
email = "karima.conseil@mission-locale.example"
phone = "03 20 00 00 01"

[[staff]]
id = "coach-1"
role = "coach"
org = "mission-locale"
first_name = "Paul"
email = "paul.coach@mission-locale.example"

[[staff]]
id = "coach-2"
role = "coach"
org = "france-travail"
first_name = "Nadia"
email = "nadia.coach@france-travail.example"
"""


def paris(day: date, hour: int, minute: int = 0) -> datetime:
    """A wall-clock time in Paris (winter: UTC+1), as UTC."""
    return datetime.combine(day, time(hour, minute), tzinfo=UTC) - timedelta(hours=1)


class FakeClock:
    """A clock the test moves by hand (the service's scheduler reads it)."""

    def __init__(self, at: datetime) -> None:
        self.at = at

    def now(self) -> datetime:
        return self.at

    def set(self, at: datetime) -> None:
        self.at = at


# ---- the SMTP server


class TestMailHandler(MaildirHandler):
    """The Maildir handler, with ways to misbehave like a real server can."""

    __test__ = False

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self.refuse_rcpt: str | None = None  # e.g. "451 4.3.0 Try again later"
        self.stall_after_write = 0.0  # answer DATA late (after writing): the client times out
        # Close the connection on DATA without writing: True for the next message, an address for the
        # next message to it (concurrent sends reach the server in no set order).
        self.drop_before_write: bool | str = False
        # Hold the answer to DATA for messages to these addresses until `released` (a recruiter's e-mail
        # still on its way): what each held message was sent to, in `held`.
        self.hold: set[str] = set()
        self.held: list[str] = []
        self.released = threading.Event()

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: SmtpEnvelope, address: str, options: list[str]
    ) -> str:
        if self.refuse_rcpt is not None:
            return self.refuse_rcpt
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: SmtpEnvelope) -> str:
        dropped = self.drop_before_write
        if dropped is True or (isinstance(dropped, str) and dropped in envelope.rcpt_tos):
            self.drop_before_write = False
            assert server.transport is not None
            server.transport.close()
            return "421 closing"
        held = self.hold.intersection(envelope.rcpt_tos)
        if held:
            self.held.extend(sorted(held))
            while not self.released.is_set():  # noqa: ASYNC110 - released from the test's thread
                await asyncio.sleep(0.01)
        answer = await super().handle_DATA(server, session, envelope)
        if self.stall_after_write:
            await asyncio.sleep(self.stall_after_write)
        return answer


class Mailbox:
    """The test's SMTP server and what its Maildir holds."""

    def __init__(self, port: int, path: Path, handler: TestMailHandler) -> None:
        self.host = "127.0.0.1"
        self.port = port
        self.path = path
        self.handler = handler

    def messages(self, kind: str | None = None) -> list[EmailMessage]:
        found = []
        for file in messages(self.path):
            parsed = email.message_from_bytes(file.read_bytes(), policy=email.policy.default)
            assert isinstance(parsed, EmailMessage)
            if kind is None or parsed["X-Jobdating-Kind"] == kind:
                found.append(parsed)
        return found


def plain_text(message: EmailMessage) -> str:
    """The plain-text body of an e-mail (the test fails when there is none)."""
    part = message.get_body(("plain",))
    assert isinstance(part, EmailMessage)
    text: str = part.get_content()
    return text


def calendar_of(message: EmailMessage) -> str:
    """The `.ics` attached to an e-mail (the test fails when there is none)."""
    for part in message.iter_attachments():
        if part.get_content_type() == "text/calendar":
            content: str = part.get_content()
            return content
    raise AssertionError(f"no calendar in {message['X-Jobdating-Kind']} e-mail")


@pytest.fixture
def mailbox(tmp_path: Path) -> Iterator[Mailbox]:
    path = tmp_path / "maildir"
    handler = TestMailHandler(path)
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    yield Mailbox(port, path, handler)
    controller.stop()


# ---- registration's side of the contact question


COUNSELLOR = "ml-conseiller-1"


class Registration:
    """Answers `contact` questions over NATS like the registration service: sealed to the asker's key."""

    def __init__(self) -> None:
        self.people: dict[str, queries.Contact] = {}
        self.statuses: dict[str, str] = {}
        self.asked: list[tuple[str, str]] = []
        self.first_names_asked: list[tuple[str, ...]] = []  # each first-names question's ids

    async def answer(self, question: queries.ContactRequest) -> queries.ContactReply:
        self.asked.append((question.subject_id, question.purpose))
        status = self.statuses.get(question.subject_id)
        if status == "withdrawn" and question.purpose.endswith(":counsellor"):
            # Like registration: a withdrawn candidate's counsellor is still said, with the name only.
            known = self.people.get(question.subject_id, queries.Contact())
            told = queries.Contact(
                first_name=known.first_name, last_name=known.last_name, counsellor_id=COUNSELLOR
            )
            sealed = seal_for(question.reply_key, msgspec.json.encode(told))
            return queries.ContactReply(status="withdrawn", sealed=sealed)
        if status is not None:
            return queries.ContactReply(status=status)  # type: ignore[arg-type]
        contact = self.people.get(question.subject_id)
        if contact is None:
            return queries.ContactReply(status="unknown")
        if question.subject_type == "candidate" and contact.counsellor_id is None:
            # Every candidate of the upstream world is followed by this counsellor (sealed in the answer).
            contact = msgspec.structs.replace(contact, counsellor_id=COUNSELLOR)
        return queries.ContactReply(
            status="found", sealed=seal_for(question.reply_key, msgspec.json.encode(contact))
        )

    async def first_names(self, question: queries.FirstNamesRequest) -> queries.FirstNamesReply:
        """Like registration: the first names of those asked who may be named, in one sealed answer."""
        self.asked.extend((candidate_id, question.purpose) for candidate_id in question.candidate_ids)
        self.first_names_asked.append(question.candidate_ids)
        names = {
            candidate_id: known.first_name
            for candidate_id in question.candidate_ids
            if candidate_id not in self.statuses
            and (known := self.people.get(candidate_id)) is not None
            and known.first_name
        }
        sealed = seal_for(question.reply_key, msgspec.json.encode(queries.FirstNames(names=names)))
        return queries.FirstNamesReply(status="found", sealed=sealed)


def consenting(
    registration: Registration,
    upstream: upstream_world.Upstream,
    candidate_id: str,
    contact: tuple[str, str, str],
    reminders: bool = True,
    sms: bool = True,
) -> str:
    """A candidate registered with e-mail consent and, unless `sms` is false, SMS consent, and the contact
    (first name, phone, e-mail) registration gives for them."""
    first_name, phone, email = contact
    upstream.candidate(candidate_id, sms=sms)
    registration.people[candidate_id] = queries.Contact(
        first_name=first_name,
        phone=phone,
        email=email,
        consent_sms=sms,
        consent_email=True,
        reminders=reminders,
    )
    return candidate_id


def person(registration: Registration, upstream: upstream_world.Upstream, i: int) -> str:
    """Candidate `cand-{i}`, consenting, with a contact of their own."""
    return consenting(
        registration, upstream, f"cand-{i}", (f"Prénom{i}", f"+3363998{i:04d}", f"personne{i}@example.org")
    )


def people(registration: Registration, upstream: upstream_world.Upstream, n: int) -> list[str]:
    """`n` consenting candidates, and the company co-1 (its recruiter Marc), the site and the job dating
    their slots belong to."""
    ids = [person(registration, upstream, i) for i in range(n)]
    registration.people["co-1"] = queries.Contact(first_name="Marc", email="recrutement@logistique.example")
    upstream.company("co-1")
    upstream.site()
    upstream.job_dating()
    return ids


@pytest.fixture
def recruiting(upstream: upstream_world.Upstream, registration: Registration) -> None:
    """Company co-1 (its recruiter Marc answers by e-mail), site-1 and job dating jd-1, as upstream said."""
    registration.people["co-1"] = queries.Contact(first_name="Marc", email="recrutement@logistique.example")
    upstream.company("co-1")
    upstream.site()
    upstream.job_dating()


@pytest.fixture
async def registration(nc: Client) -> Registration:
    responder = Registration()
    await serve(nc, request_subject(ORG, "registration", "contact"), queries.ContactRequest, responder.answer)
    await serve(
        nc,
        request_subject(ORG, "registration", "first-names"),
        queries.FirstNamesRequest,
        responder.first_names,
    )
    return responder


# ---- the other services' events


class Upstream(upstream_world.Upstream):
    """Scheduling, registration and sites as seen on the bus: events appended to a store, relayed for real."""

    def __init__(self, path: Path, js: JetStreamContext) -> None:
        super().__init__(path, ORG)
        self.relay = Relay(self.store, js, name="upstream")
        self.published = 0

    async def publish(self) -> None:
        self.published += await self.relay.publish_pending()


@pytest.fixture
def upstream(tmp_path: Path, js: JetStreamContext) -> Iterator[Upstream]:
    world = Upstream(tmp_path / "upstream.db", js)
    yield world
    world.store.close()


# ---- the notifications instance


class Instance:
    """A notifications instance in this process: consumers and relay on the host, the dispatcher driven by
    the test (`send`), all on the test's fake clock."""

    def __init__(
        self, service: NotificationsService, host: ServiceHost, sender: Dispatcher, clock: FakeClock
    ) -> None:
        self.service = service
        self.host = host
        self.sender = sender
        self.clock = clock
        self.running: asyncio.Task[None] | None = None

    async def caught_up(self, upstream: Upstream, within: float = 10.0) -> None:
        """Wait until the consumers have handled every event the upstream published."""
        await upstream.publish()

        def handled() -> int:
            return sum(int(r[0]) for r in self.service.store.query("SELECT COUNT(*) FROM inbox", ()))

        await until(lambda: handled() >= upstream.published, within)

    async def send(self) -> int:
        return await self.sender.run_until_idle()

    def statuses(self, kind: str | None = None) -> dict[str, int]:
        sql = "SELECT status, COUNT(*) FROM notif_delivery"
        params: tuple[Any, ...] = ()
        if kind is not None:
            sql += " WHERE kind = ?"
            params = (kind,)
        return {str(r[0]): int(r[1]) for r in self.service.store.query(sql + " GROUP BY status", params)}

    def deliveries(self, **where: str) -> list[tuple[Any, ...]]:
        clause = " AND ".join(f"{k} = ?" for k in where) or "1 = 1"
        return [
            tuple(r)
            for r in self.service.store.query(
                f"SELECT kind, channel, recipient_id, subject_id, status, reason, last_error, attempts "
                f"FROM notif_delivery WHERE {clause} ORDER BY kind, channel, subject_id",
                tuple(where.values()),
            )
        ]


async def until(predicate: Callable[[], bool], within: float = 10.0) -> None:
    """Poll `predicate` (it reads a database other tasks or processes write) until true."""
    async with asyncio.timeout(within):
        while not predicate():  # noqa: ASYNC110 - nothing to wait on but the database
            await asyncio.sleep(0.02)


def settings_for(tmp_path: Path, nats_url: str, mailbox: Mailbox, **changes: Any) -> NotificationsSettings:
    staff = tmp_path / "staff.toml"
    staff.write_text(STAFF_TOML)
    values: dict[str, Any] = {
        "org": ORG,
        "store_url": f"sqlite:///{tmp_path / 'notifications.db'}",
        "nats_url": nats_url,
        "smtp_host": mailbox.host,
        "smtp_port": mailbox.port,
        "smtp_timeout": 2.0,
        "mail_from": "job-dating@departement-nord.example",
        "maildir": mailbox.path,
        "sms_sink": tmp_path / "sms.jsonl",
        "voice_sink": tmp_path / "voice.jsonl",
        "staff_file": staff,
        "timezone": PARIS,
        "retry_delays": (0.0, 0.0),
        # Change notices go at once here; the tests of the digests' wait set their own.
        "change_delay_seconds": 0.0,
        # Likewise a recruiter's updates; the tests of the interval between two set their own.
        "recruiter_update_interval_seconds": 0.0,
        "video_base_url": "https://visio.example",  # where testing.upstream's slots link to
    }
    return NotificationsSettings(**(values | changes))


@pytest.fixture
def setting_changes() -> dict[str, Any]:
    """Settings a test module wants different (override this fixture in the module)."""
    return {}


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(paris(date(2026, 11, 26), 10))  # a week before the job dating, mid-morning


@pytest.fixture
async def instance(
    tmp_path: Path,
    nats_server: NatsServer,
    js: JetStreamContext,
    mailbox: Mailbox,
    registration: Registration,
    clock: FakeClock,
    setting_changes: dict[str, Any],
) -> AsyncIterator[Instance]:
    settings = settings_for(tmp_path, nats_server.url, mailbox, **setting_changes)
    store = SqliteEventStore(tmp_path / "notifications.db")
    store.migrate()
    notifier = CommitNotifier()
    service = bootstrap(
        settings, store=store, tokens=TokenTable(TOKENS), clock=clock, on_commit=notifier.notify
    )
    host = headless_host(store, nats_server.url, service.subscriptions(), notifier)
    nc = await host.connect()
    running = Instance(service, host, dispatcher(service, nc), clock)
    running.running = asyncio.create_task(host.run())
    yield running
    host.stop.set()
    await running.running


def sms_lines(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    return [msgspec.json.decode(line) for line in path.read_bytes().splitlines() if line.strip()]
