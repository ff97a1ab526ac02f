"""An organisation with a logo: its convocation goes through the real SMTP server as text and HTML, the logo
inside the message, the invitation still attached; the HTML page, as a mail program shows it, is rendered
by Chromium to docs/notifications/ (and checked with axe-core, WCAG 2.1 A and AA)."""

from __future__ import annotations

import base64
import os
import shutil
from datetime import date
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest

from .conftest import Instance, Mailbox, Registration, Upstream, calendar_of, paris, person

pytestmark = pytest.mark.nats
ROOT = Path(__file__).resolve().parents[4]
LOGO = ROOT / "deploy" / "notifications" / "logo.png"  # the demo's, as compose mounts it
SCREENSHOTS = ROOT / "docs" / "notifications"
AXE_SCRIPT = (ROOT / "tests" / "browser" / "vendor" / "axe-core-4.14.1" / "axe.min.js").read_text(
    encoding="utf-8"
)
DAY = date(2026, 12, 3)


@pytest.fixture
def setting_changes(tmp_path: Path) -> dict[str, Any]:
    folder = shutil.copytree(ROOT / "deploy" / "notifications", tmp_path / "wording")  # compose's folder
    key = tmp_path / "console-secret"
    key.write_bytes(b"k" * 32)
    # With the candidate's personal link: the page's links are clickable.
    return {
        "wording_file": folder / "wording.toml",
        "candidate_link_key_file": key,
        "console_url": "https://console.example/",
    }


async def convocation(
    instance: Instance, upstream: Upstream, registration: Registration, mailbox: Mailbox
) -> EmailMessage:
    """Candidate 1's convocation (in the `recruiting` world), as the SMTP server received it."""
    upstream.assign("slot-1", person(registration, upstream, 1), paris(DAY, 9, 30))
    await instance.caught_up(upstream)
    await instance.send()
    [mail] = [m for m in mailbox.messages("convocation") if m["To"] == "personne1@example.org"]
    return mail


def parts(mail: EmailMessage) -> dict[str, EmailMessage]:
    found = {}
    for part in mail.walk():
        assert isinstance(part, EmailMessage)
        found[part.get_content_type()] = part
    return found


@pytest.mark.usefixtures("recruiting")
async def test_a_convocation_is_sent_as_text_and_html_with_the_logo_inside_and_its_invitation(
    instance: Instance, upstream: Upstream, registration: Registration, mailbox: Mailbox
) -> None:
    mail = await convocation(instance, upstream, registration, mailbox)
    by_type = parts(mail)
    assert list(by_type) == [
        "multipart/mixed",
        "multipart/alternative",
        "text/plain",
        "multipart/related",
        "text/html",
        "image/png",
        "text/calendar",
    ]
    text: str = by_type["text/plain"].get_content().replace("\r\n", "\n")
    assert text.startswith("Bonjour Prénom1,\n\nVous avez un entretien avec l'entreprise Logistique du Nord")
    assert text.endswith(
        "\n-- \nDépartement du Nord - Direction de l'insertion et de l'emploi\n"
        "51 rue Gustave Delory, 59047 Lille cedex\n03 59 73 59 59\n"
    )
    page: str = by_type["text/html"].get_content()
    logo = by_type["image/png"]
    assert logo.get_content() == LOGO.read_bytes()
    assert f'<img src="cid:{logo["Content-ID"].strip("<>")}" alt="Département du Nord - Job dating"' in page
    assert "Bonjour Prénom1,</p>" in page
    assert '<a href="https://console.example/c/' in page
    assert "<footer" in page
    assert "BEGIN:VEVENT" in calendar_of(mail)


@pytest.fixture
def chromium() -> str:
    """Debian's Chromium (the browser tests' one), and the screenshots' folder; a skip with the reason
    where it is missing."""
    found = os.environ.get("JOBDATING_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(found).exists():
        pytest.skip("Chromium is missing: run .ci/chromium (apt-get install chromium) as root")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return found


@pytest.mark.browser
@pytest.mark.usefixtures("recruiting")
async def test_the_html_page_as_a_candidate_sees_it(
    instance: Instance, upstream: Upstream, registration: Registration, mailbox: Mailbox, chromium: str
) -> None:
    from playwright.async_api import async_playwright

    by_type = parts(await convocation(instance, upstream, registration, mailbox))
    logo = by_type["image/png"]
    inline = "data:image/png;base64," + base64.b64encode(logo.get_content()).decode()
    # What a mail program does with `cid:`: the image from the message itself.
    page_html = by_type["text/html"].get_content().replace(f"cid:{logo['Content-ID'].strip('<>')}", inline)
    async with async_playwright() as driver:
        browser = await driver.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        try:
            page = await browser.new_page()
            await page.set_content(page_html)
            assert await page.evaluate("document.documentElement.lang") == "fr"
            assert await page.evaluate("document.images[0].complete && document.images[0].naturalWidth") > 0
            await page.evaluate(AXE_SCRIPT)
            result = await page.evaluate(
                "async () => await axe.run(document, {runOnly: {type: 'tag', values: "
                "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"
            )
            assert [v["id"] for v in result["violations"]] == []
            for width, height in ((360, 640), (800, 600)):
                await page.set_viewport_size({"width": width, "height": height})
                await page.screenshot(
                    path=str(SCREENSHOTS / f"convocation-email-{width}.png"), full_page=True
                )
        finally:
            await browser.close()
