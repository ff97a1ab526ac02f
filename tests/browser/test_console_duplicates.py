"""« Doublons possibles » in Debian's Chromium, on the shared demo stack: a candidate the coordination
follows is registered again, with the same phone, at another partner's own registration instance; the
stack's registration finds the pair; the coordinator sees the count on the live day, reads the suspicion
(their candidate's name, the other partner's name, what matched, nothing of the other record), has a reason
carrying a phone number refused next to the field with what they typed kept, then resolves it. axe-core finds
nothing at 360×640 and 1280×800.

The demo stack runs one registration instance, without a federation key: candidates of two partners on it are
one instance's own, and an instance compares its own entries with other instances' only. So, for this module,
the stack's registration is started again with a key, and the other partner's instance runs in this process,
on its own store, under the same key, and publishes its blind index on the stack's stream as its relay would
(its index only: nothing else of that instance is the demo's business); the stack's registration is started
again without the key on leaving. Only this module makes duplicates.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import secrets
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import nats
import pytest

from jobdating.bus.connection import connect_options
from jobdating.bus.relay import subject_of
from jobdating.contracts.duplicates import BLIND_INDEX
from jobdating.contracts.subjects import STREAM_NAME
from jobdating.eventstore.records import StoredEvent
from jobdating.eventstore.sqlite import SqliteEventStore
from jobdating.registration.adapters import blind_index_tables
from jobdating.registration.application.duplicates import DuplicateFinder
from jobdating.registration.application.handlers import RegistrationHandlers
from jobdating.registration.bootstrap import build_service
from jobdating.registration.testing import CALLERS, candidate, open_site
from jobdating.testing.demo_data import COORDINATOR_ORG, PARTNERS, candidates

from .chromium import check_page
from .conftest import Demo, coordinator_page

pytestmark = [pytest.mark.nats, pytest.mark.slow, pytest.mark.browser]

OTHER = "mission-locale"
# A reason may carry no contact details (it is shared in clear): registration refuses this one.
PHONE_IN_REASON = "même numéro 06 39 98 00 04"


@pytest.fixture(scope="module")
def suspicion(demo: Demo, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """A demo candidate the coordination follows, registered again by the other partner: the stack's
    suspicion about them (as registration lists it to the coordination), once its sweep found it."""
    folder = tmp_path_factory.mktemp("other-partner")
    key_file = folder / "federation-key"
    key_file.write_text(secrets.token_urlsafe(48) + "\n")
    key_file.chmod(0o600)
    _restart_registration(demo, {"JOBDATING_REGISTRATION_FEDERATION_KEY_FILE": str(key_file)})
    try:
        yield _found(demo, key_file.read_bytes().strip(), folder)
    finally:
        _restart_registration(demo, {})


def _found(demo: Demo, key: bytes, folder: Path) -> dict[str, Any]:
    ours = next(c for c in candidates() if c.referring_org == COORDINATOR_ORG and c.phone.startswith("06"))
    found = _coordination(demo, "GET", "/candidates", params={"limit": "1000"})["items"]
    digits = "".join(ours.phone.split())[1:]  # registration records +33 and the rest
    mine = next(c for c in found if str((c.get("personal") or {}).get("phone", "")).endswith(digits))
    index = _the_other_partners_index(key, ours.phone, folder)
    with concurrent.futures.ThreadPoolExecutor(1) as pool:  # Playwright holds this thread's event loop
        pool.submit(asyncio.run, _publish(demo.stack.nats_url(), index)).result(30)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:  # the stack's sweep runs every few seconds
        items = _coordination(demo, "GET", "/duplicates")["items"]
        about = [s for s in items if s["candidate_id"] == mine["candidate_id"] and s["other_org"] == OTHER]
        if about:
            return {**about[0], "name": f"{ours.first_name} {ours.last_name}"}
        time.sleep(0.5)
    raise AssertionError("the stack's registration found no duplicate within 30 s")


@pytest.fixture(scope="module")
def page(
    browser: Any, demo: Demo, suspicion: dict[str, Any], coordinator_state: dict[str, Any]
) -> Iterator[Any]:
    """The coordinator's page, opened once the suspicion is found (the live day counts it)."""
    with coordinator_page(browser, demo, coordinator_state) as opened:
        yield opened


def test_the_coordinator_reads_a_suspected_duplicate_and_resolves_it(
    page: Any, demo: Demo, suspicion: dict[str, Any]
) -> None:
    # On the live day, the count, and a link to the page.
    count = page.get_by_role("link", name="Doublons possibles à vérifier : 1")
    count.click()
    page.wait_for_url("**/coordination/doublons")
    assert page.get_by_role("heading", level=1).inner_text() == "Doublons possibles"
    card = page.locator("section.duplicate", has=page.get_by_role("heading", name=suspicion["name"]))
    text = card.inner_text()
    assert PARTNERS[OTHER] in text
    assert "téléphone" in text
    # Nothing of the other partner's record, not even its id.
    assert suspicion["other_candidate_id"] not in page.content()
    check_page(page, "coordination-doublons")

    # A reason with a phone number: refused by registration, shown by the field, what was typed kept.
    card.get_by_label("Motif").fill(PHONE_IN_REASON)
    with page.expect_navigation():
        card.get_by_role("button", name="Ce sont deux personnes différentes").click()
    card = page.locator("section.duplicate", has=page.get_by_role("heading", name=suspicion["name"]))
    alert = card.get_by_role("alert").inner_text()
    assert "pas de téléphone, d'e-mail, de lien ni de code postal" in alert
    assert card.get_by_label("Motif").input_value() == PHONE_IN_REASON
    assert card.get_by_label("Motif").get_attribute("aria-invalid") == "true"
    check_page(page, "coordination-doublons-erreur")
    assert _status(demo, suspicion) == "open"

    card.get_by_label("Motif").fill("même nom, même date de naissance")
    card.get_by_role("button", name="C'est la même personne").click()
    page.wait_for_url("**/coordination/doublons")
    assert "C'est noté : c'est la même personne." in page.get_by_role("status").inner_text()
    card = page.locator("section.duplicate", has=page.get_by_role("heading", name=suspicion["name"]))
    assert "C'est la même personne." in card.inner_text()
    assert card.get_by_role("button").count() == 0
    assert _status(demo, suspicion) == "same_person"
    check_page(page, "coordination-doublons-tranche")
    # Nothing left to decide: the live day no longer counts it.
    page.goto(f"{demo.console}/coordination/direct")
    assert page.get_by_role("link", name="Doublons possibles à vérifier").count() == 0


def _coordination(demo: Demo, method: str, path: str, **kwargs: Any) -> Any:
    """Registration's answer to the coordination's machine token."""
    answer = httpx.request(
        method,
        demo.stack.url("registration") + path,
        headers={"Authorization": f"Bearer {demo.stack.token_for(COORDINATOR_ORG, 'coordinator')}"},
        timeout=15,
        **kwargs,
    )
    assert answer.status_code < 300, answer.text
    return answer.json()


def _status(demo: Demo, suspicion: dict[str, Any]) -> str:
    items = _coordination(demo, "GET", "/duplicates")["items"]
    return str(next(s for s in items if s["duplicate_id"] == suspicion["duplicate_id"])["status"])


def _restart_registration(demo: Demo, env: dict[str, str]) -> None:
    """The stack's registration stopped, then started again with `env` added to its own."""
    running = demo.stack.children["registration"]
    running.terminate()
    running.wait(15)
    demo.stack.restart("registration", env)


def _the_other_partners_index(key: bytes, phone: str, folder: Path) -> list[StoredEvent]:
    """The other partner's own instance registers someone with `phone` and sweeps, under the federation's
    `key`: the blind index events it would publish."""
    store = SqliteEventStore(folder / f"registration-{OTHER}.db")
    store.migrate()
    service = build_service(org=OTHER, store=store)
    site = open_site(service, host_org=OTHER)
    cmd = candidate(site, referring_org=OTHER, phone=phone)
    RegistrationHandlers(service).register_candidate(CALLERS["ml-counsellor"], cmd)
    DuplicateFinder(service, key, blind_index_tables).sweep()
    return [e for e in store.read_all(0, 1000) if e.stream_type == BLIND_INDEX]


async def _publish(url: str, events: list[StoredEvent]) -> None:
    """On the stack's stream, as the other instance's relay publishes them."""
    nc = await nats.connect(url, connect_timeout=5, **connect_options(url))
    try:
        js = nc.jetstream()
        for event in events:
            headers = {"Nats-Msg-Id": event.event_id}
            await js.publish(subject_of(event), event.body, stream=STREAM_NAME, headers=headers)
    finally:
        await nc.close()
