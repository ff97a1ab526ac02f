"""The live day's rules that need no other service: coordination only, a reconnecting page's resume, and
what the feed tells of an event."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from types import SimpleNamespace

from fastapi.testclient import TestClient

from jobdating.console.adapters.live_feed import EVERY_SITE, Change, LiveFeed
from jobdating.console.application.live_day import COMPUTERS
from jobdating.console.application.sessions import Session
from jobdating.console.bootstrap import ConsoleService
from jobdating.contracts.envelope import Event, encode_envelope
from jobdating.contracts.sites import ComputerOutOfOrder
from jobdating.contracts.subjects import event_subject
from jobdating.testing.events import envelope, site_opened


def test_the_live_day_is_for_the_coordination_only(
    build_console: Callable[..., ConsoleService], sign_in: Callable[..., tuple[TestClient, Session]]
) -> None:
    console = build_console(secure_cookie=False)
    client, _ = sign_in(console, roles=("site_manager",))
    for path in ("/coordination/direct", "/coordination/direct/flux?jd=jd-1"):
        answer = client.get(path)
        assert answer.status_code == 403, path
        assert "Cette page est réservée à la coordination." in answer.text
        assert '<html lang="fr">' in answer.text


def test_a_reconnecting_page_gets_the_sites_changed_since_its_last_event() -> None:
    feed = LiveFeed("", memory=3)
    assert feed.since(0) == []  # nothing seen yet, nothing missed
    for sequence, site in ((5, "a"), (7, "b"), (9, "a")):
        feed.publish(Change(sequence, site))
    assert feed.since(5) == [Change(7, "b"), Change(9, "a")]
    assert feed.since(9) == []
    # Events before the first this process saw: it cannot tell which sites changed, so every one.
    assert feed.since(2) == [Change(9, EVERY_SITE)]
    # Forgotten ones likewise, once memory is full.
    feed.publish(Change(12, "c"))
    assert feed.since(4) == [Change(12, EVERY_SITE)]
    assert feed.since(5) == [Change(7, "b"), Change(9, "a"), Change(12, "c")]
    # A site changed twice is sent once, with its latest sequence.
    twice = LiveFeed("")
    for sequence, site in ((5, "a"), (7, "b"), (9, "a")):
        twice.publish(Change(sequence, site))
    assert twice.since(5) == [Change(7, "b"), Change(9, "a")]
    assert twice.since(4) == [Change(7, "b"), Change(9, "a")]


def test_each_listening_page_hears_each_change() -> None:
    feed = LiveFeed("")
    first, second = feed.listen(), feed.listen()
    feed.publish(Change(3, "a"))
    assert first.get_nowait() == second.get_nowait() == Change(3, "a")
    feed.forget(first)
    feed.publish(Change(4, "b"))
    assert first.empty()
    assert second.get_nowait() == Change(4, "b")


class _Message:
    """What the feed reads of a JetStream message: its subject, its bytes and its stream sequence."""

    def __init__(self, event: Event, stream_id: str, service: str, sequence: int):
        env = envelope(event, stream_id, 1, service=service)
        self.subject = event_subject(env.org, service, env.stream_type, env.event_type, env.stream_id)
        self.data = encode_envelope(env)
        self.metadata = SimpleNamespace(sequence=SimpleNamespace(stream=sequence))


def test_the_feed_tells_the_site_and_what_of_it_an_event_changed() -> None:
    feed = LiveFeed("")
    feed.models.computer_sites["pc-1"] = "site-a"
    heard = feed.listen()
    broken = ComputerOutOfOrder(computer_id="pc-1", reason="écran cassé")

    async def receive(*messages: _Message) -> None:
        for message in messages:
            await feed._on_message(message)  # type: ignore[arg-type]

    asyncio.run(
        receive(
            _Message(broken, "pc-1", "sites", 4),
            # Another service's event naming a site changes nothing the live day shows.
            _Message(site_opened("site-b"), "site-b", "notifications", 5),
        )
    )
    change = heard.get_nowait()
    assert (change.sequence, change.site_id, change.aspects) == (4, "site-a", (COMPUTERS,))
    assert heard.empty()
