"""Pages opened in Debian's headless Chromium, watched for errors, requests and dialogs.

:func:`open_page` loads an HTML file and records every console error, every
uncaught exception, every request that would leave the machine (aborted) and
every ``alert``/``confirm``/``prompt`` (a script that ran where it must not).
Screenshots go to ``.tierscope/screenshots`` (not committed) to be looked at.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, Page, Route

from tierscope.viz.pdf import CHROMIUM, FLAGS

__all__ = ["ARGS", "CHROMIUM", "INJECTIONS", "Opened", "open_page"]

ARGS = list(FLAGS)
SCREENSHOTS = Path(__file__).resolve().parent.parent / ".tierscope" / "screenshots"
LOCAL = ("file:", "data:", "about:", "blob:")

#: names that would run script if any page put them into HTML unescaped
INJECTIONS = {
    "PENANG": "<script>alert(1)</script>",
    "TKS": '"><img src=x onerror=alert(1)>',
    "KESTREL": "</script><script>alert('k')</script>",
}


@dataclass
class Opened:
    page: Page
    console_errors: list[str] = field(default_factory=list)
    outside_requests: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def eval(self, expression: str) -> Any:
        return self.page.evaluate(expression)

    def screenshot(self, name: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path

    def assert_clean(self) -> None:
        assert self.console_errors == [], self.console_errors
        assert self.outside_requests == [], self.outside_requests
        assert self.dialogs == [], self.dialogs


def open_page(
    browser: Browser,
    path: Path,
    ready: str | None = "() => !!(window.tierscope && window.tierscope.still)",
    timeout_ms: float = 30_000,
    viewport: tuple[int, int] = (1400, 900),
) -> Opened:
    """Open ``path``; wait until the JavaScript function ``ready`` returns true (if given).

    Polled from here: Playwright's own ``wait_for_function`` evaluates a string,
    which the pages' Content-Security-Policy (rightly) forbids.
    """
    context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]})
    page = context.new_page()
    opened = Opened(page)
    page.on(
        "console", lambda m: opened.console_errors.append(m.text) if m.type == "error" else None
    )
    page.on("pageerror", lambda e: opened.console_errors.append(f"uncaught: {e}"))

    def dialog(d: Any) -> None:
        opened.dialogs.append(d.message)
        d.dismiss()

    page.on("dialog", dialog)

    def route(r: Route) -> None:
        if r.request.url.startswith(LOCAL):
            r.continue_()
        else:
            opened.outside_requests.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    page.goto(path.resolve().as_uri())
    if ready is not None:
        deadline = time.monotonic() + timeout_ms / 1000
        while not page.evaluate(ready):
            if time.monotonic() > deadline:
                raise TimeoutError(
                    f"{path.name}: {ready} not true within {timeout_ms / 1000:.0f} s"
                )
            time.sleep(0.02)
    return opened
