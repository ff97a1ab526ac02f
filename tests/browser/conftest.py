"""The browser tests' one demo stack and one Chromium, shared by every module of this folder (a stack costs
tens of seconds; each module's tests pick their own site, candidate or company so they do not meet)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest

from jobdating.ops.demo_accounts import DemoAccount, totp
from jobdating.ops.demo_calendar import next_working_day
from jobdating.ops.stack import Stack
from jobdating.ops.stack_demo_place import demo_stack
from jobdating.runtime.french import day_month_year
from jobdating.testing.demo_data import candidates

from .chromium import DESKTOP, chromium_path

# The next working day after today's (nothing may depend on the date the tests run): the services' clock
# reads 07:30 that morning (until the last module, `AFTERNOON`, moves it on), while identity and the console,
# on the wall clock, sign in and check links now.
DAY = next_working_day(date.today())
ON_THE_PAGE = day_month_year(DAY)  # e.g. « vendredi 8 janvier 2027 »
HOSTILE = "<script>document.title='pris'</script>"
HERE = Path(__file__).parent


AFTERNOON = "test_console_afternoon.py"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The afternoon's module after every other of this folder: it moves the shared stack's clock from the
    morning to the afternoon, which cannot go back. Kept within the folder's run, so that the package's one
    stack serves it too."""
    later = [item for item in items if item.path.name == AFTERNOON]
    rest = [item for item in items if item.path.name != AFTERNOON]
    ours = [n for n, item in enumerate(rest) if item.path.parent == HERE]
    at = ours[-1] + 1 if ours else len(rest)
    items[:] = rest[:at] + later + rest[at:]


@dataclass
class Demo:
    stack: Stack
    accounts: list[DemoAccount]

    @property
    def console(self) -> str:
        return self.stack.url("console")

    def host_of(self, site_key: str) -> DemoAccount:
        return next(a for a in self.accounts if a.role == "site_manager" and site_key in a.key)


@pytest.fixture(scope="package")
def demo(chromium: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    # As `jobdating up --demo` loads it: the staff's accounts, the demo loaded by them, the recruiters.
    with demo_stack(tmp_path_factory.mktemp("console") / "data", DAY) as (stack, accounts):
        _register_hostile_name(stack.url("registration"), stack)
        yield Demo(stack, accounts)


def _register_hostile_name(registration: str, stack: Stack) -> None:
    """A candidate of the Faches site whose first name is markup: it must show as text."""
    model = next(c for c in candidates() if c.site_key == "faches")
    body: dict[str, Any] = {
        "first_name": HOSTILE,
        "last_name": "Testeur",
        "phone": "06 39 98 09 99",
        "postcode": model.postcode,
        "commune": model.commune,
        "site_id": "site-faches",
        "counsellor_id": model.counsellor_id,
        "wishes": [],
        "availability": [{"day": DAY.isoformat(), "start": "08:30", "end": "12:30"}],
        "consent_data": True,
        "consent_sms": True,
        "consent_email": False,
    }
    token = stack.token_for(model.referring_org, "counsellor")
    answer = httpx.post(
        f"{registration}/candidates", json=body, headers={"Authorization": f"Bearer {token}"}, timeout=15
    )
    assert answer.status_code == 201, answer.text


@pytest.fixture(scope="package")
def chromium() -> str:
    """Resolved before the stack starts: without Chromium, no stack is started for nothing."""
    return chromium_path()


@pytest.fixture(scope="package")
def browser(chromium: str, demo: Demo) -> Iterator[Any]:
    # After the stack: Playwright's sync API keeps an event loop running, where the stack's own
    # `asyncio.run` (provisioning JetStream) could not run.
    from playwright.sync_api import sync_playwright

    with sync_playwright() as driver:
        launched = driver.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        yield launched
        launched.close()


def sign_in(page: Any, demo: Demo, account: DemoAccount) -> None:
    page.goto(f"{demo.console}/connexion")
    page.get_by_label("Adresse e-mail").fill(account.email)
    page.get_by_label("Mot de passe").fill(account.password)
    page.get_by_role("button", name="Se connecter").click()


def signed_in(
    browser: Any,
    demo: Demo,
    account: DemoAccount,
    lands_on: str,
    viewport: dict[str, int] = DESKTOP,
    **options: Any,
) -> tuple[Any, Any]:
    """A new French context at `viewport` (with Playwright's context `options`) and its page, signed in as
    `account` and landed on the address matching `lands_on`."""
    context = browser.new_context(viewport=viewport, locale="fr-FR", **options)
    page = context.new_page()
    sign_in(page, demo, account)
    page.wait_for_url(lands_on)
    return context, page


def wait_for_the_next_code() -> None:
    """Until the next 30 s TOTP step begins: a code serves once, and the current one may have been used."""
    time.sleep(30 - time.time() % 30 + 0.5)


def sign_in_with_code(page: Any, demo: Demo, account: DemoAccount) -> None:
    """`sign_in` with the account's TOTP code; a code serves once (another module may have just used this
    step's), so a refused one is tried again with the next step's."""
    assert account.totp_secret is not None
    for attempt in range(2):
        if attempt:
            wait_for_the_next_code()
        page.goto(f"{demo.console}/connexion")
        page.get_by_label("Adresse e-mail").fill(account.email)
        page.get_by_label("Mot de passe").fill(account.password)
        page.get_by_label("Code à 6 chiffres").fill(totp(account.totp_secret, time.time()))
        page.get_by_role("button", name="Se connecter").click()
        page.wait_for_load_state()
        if not page.url.endswith("/connexion"):
            return
    raise AssertionError(f"{account.email} could not sign in")


@pytest.fixture(scope="package")
def coordinator_state(browser: Any, demo: Demo) -> dict[str, Any]:
    """The coordinator signed in once for the folder, with a TOTP code, landed on the live day: the
    browser's state (the session cookie) that `coordinator_page` opens pages with. A code serves once, so
    signing in again in each module waited for the next 30 s step, up to half a minute a module."""
    coordinator = next(a for a in demo.accounts if a.key == "coordinator")
    context = browser.new_context(viewport=DESKTOP, locale="fr-FR")
    try:
        page = context.new_page()
        sign_in_with_code(page, demo, coordinator)
        assert page.url.endswith("/coordination/direct"), page.url
        state: dict[str, Any] = context.storage_state()
        return state
    finally:
        context.close()


@contextmanager
def coordinator_page(browser: Any, demo: Demo, state: dict[str, Any]) -> Iterator[Any]:
    """A page of the coordinator (signed in: `coordinator_state`) on the live day; closed on leaving."""
    context = browser.new_context(viewport=DESKTOP, locale="fr-FR", storage_state=state)
    opened = context.new_page()
    opened.goto(f"{demo.console}/coordination/direct")
    assert opened.url.endswith("/coordination/direct"), opened.url
    try:
        yield opened
    finally:
        context.close()
