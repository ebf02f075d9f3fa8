"""A real headless Chromium for the preview's tests: the system's (Debian's ``chromium``), driven by Playwright.

No browser is ever downloaded: the tests skip, saying why, when Playwright or the system browser is
missing (``.ci/run`` installs both). Every page may load only ``file:`` and ``http://127.0.0.1``
addresses; anything else is aborted and recorded in ``Browser.outside``, which tests assert empty.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

# The flags keep Chromium from reaching out on its own (updates, sync, field trials) on a closed network.
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic"]
LOCAL = ("file://", "http://127.0.0.1", "data:", "about:", "blob:")


def chromium_path() -> str | None:
    wanted = os.environ.get("COURSEKIT_CHROMIUM")
    if wanted:
        return wanted
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    return None


@dataclass
class Browser:
    playwright_browser: object
    outside: list[str] = field(default_factory=list)  # addresses a page tried to reach beyond this machine
    errors: list[str] = field(default_factory=list)  # uncaught script errors and console errors

    @contextmanager
    def page(self, **options) -> Iterator[object]:
        """A page in a new context; ``outside`` and ``errors`` start empty for it."""
        self.outside.clear()
        self.errors.clear()
        context = self.playwright_browser.new_context(**options)
        page = context.new_page()

        def route(r) -> None:
            url = r.request.url
            if url.startswith(LOCAL):
                r.continue_()
            else:
                self.outside.append(url)
                r.abort()

        page.route("**/*", route)
        page.on("pageerror", lambda exc: self.errors.append(f"{page.url}: {exc}"))
        page.on("console", lambda m: self.errors.append(f"{page.url}: console {m.type}: {m.text}")
                if m.type == "error" else None)
        try:
            yield page
        finally:
            context.close()


@contextmanager
def served(root: Path) -> Iterator[str]:
    """ROOT over http://127.0.0.1 (a port of its own), for tools that cannot read ``file:`` pages whole."""
    handler = partial(Quiet, directory=str(root))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


class Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args) -> None:
        pass


@contextmanager
def launched() -> Iterator[Browser]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("Playwright for Python is not installed (pip install -e '.[dev]')")
    path = chromium_path()
    if path is None:
        pytest.skip("no system Chromium (Debian: apt-get install chromium; or set COURSEKIT_CHROMIUM)")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=path, args=ARGS, headless=True)
        try:
            yield Browser(browser)
        finally:
            browser.close()


def evaluate_in_chromium(script: str, expression: str, arg: object) -> object:
    """Run SCRIPT on a blank page, then EXPRESSION(arg), in a Chromium of its own on a thread of its own.

    For tests that also use Django: Playwright's sync API keeps an event loop in its thread, and
    Django's database refuses to work in a thread that has one.
    """
    outcome: dict[str, object] = {}

    def work() -> None:
        try:
            with launched() as b, b.page() as page:
                page.goto("about:blank")
                page.add_script_tag(content=script)
                outcome["value"] = page.evaluate(expression, arg)
                outcome["errors"] = list(b.errors)
        except BaseException as exc:  # a skip too: raised again in the caller's thread
            outcome["raised"] = exc

    thread = threading.Thread(target=work)
    thread.start()
    thread.join()
    if "raised" in outcome:
        raise outcome["raised"]  # type: ignore[misc]
    assert outcome["errors"] == [], outcome["errors"]
    return outcome["value"]
