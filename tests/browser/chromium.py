"""Debian's Chromium driven by Playwright (no browser download), and axe-core run inside a page.

`.ci/chromium` installs Chromium where it can. Without it these tests fail where a browser is required (CI,
or `JOBDATING_BROWSER_REQUIRED=1`) and are skipped with the reason elsewhere, never silently.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import pytest

AXE = Path(__file__).parent / "vendor" / "axe-core-4.14.1" / "axe.min.js"
SCREENSHOTS = Path(__file__).parents[2] / "docs" / "console"
PHONE = {"width": 360, "height": 640}
DESKTOP = {"width": 1280, "height": 800}


def chromium_path() -> str:
    """Debian's Chromium, or a failure (CI) / a skip with the reason (elsewhere) when it is missing."""
    found = os.environ.get("JOBDATING_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    if Path(found).exists():
        return found
    reason = "Chromium is missing: run .ci/chromium (apt-get install chromium) as root"
    if os.environ.get("CI") or os.environ.get("JOBDATING_BROWSER_REQUIRED"):
        pytest.fail(reason)
    pytest.skip(reason)


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """axe-core's violations on the page as it is now (WCAG 2.1 A and AA, and axe's best practices).

    Injected through the DevTools protocol (`evaluate`), which the page's Content-Security-Policy does not
    govern: the page itself still loads no inline script."""
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result: dict[str, Any] = page.evaluate(
        "async () => await axe.run(document, {runOnly: {type: 'tag', values: "
        "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}})"
    )
    return [
        {"id": v["id"], "help": v["help"], "nodes": [n["html"] for n in v["nodes"]][:3]}
        for v in result["violations"]
    ]


def check_page(page: Any, name: str) -> None:
    """Zero axe violations on a phone (360×640) and a desktop (1280×800); a screenshot of each."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for size, label in ((PHONE, "360"), (DESKTOP, "1280")):
        page.set_viewport_size(size)
        assert axe_violations(page) == [], f"{name} at {label} px"
        page.screenshot(path=str(SCREENSHOTS / f"{name}-{label}.png"), full_page=True)


def tab_to(page: Any, starts: str, what: str = "textContent", limit: int = 80) -> str:
    """Press Tab until the focused element's `what` (its text, or e.g. its `id`) starts with `starts`, as
    someone with a keyboard only would; that text, or a failure when `limit` presses never reach it."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused: str = page.evaluate(f"document.activeElement.{what}") or ""
        if focused.startswith(starts):
            return focused
    raise AssertionError(f"nothing starting with {starts!r} reached with Tab")
