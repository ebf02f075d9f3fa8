"""coursekit serve: the live preview rebuilt from a copy of the feature course, over real HTTP on 127.0.0.1.

The watcher is the real one (watchfiles); the browser test uses the system Chromium and skips,
saying why, without it.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from conftest import edit
from coursekit.serve import LiveSite, serve, watch

INTRO = "01-basics/01-intro.md"
WELCOME = "unit-welcome.html"
GOOD_FRONT = "title: Johdanto\n"
BAD_FRONT = "title: [Johdanto\n"  # an unclosed YAML flow sequence


def site_of(src: Path) -> LiveSite:
    site = LiveSite(src, None, "course_src")
    site.rebuild()
    return site


def page_text(site: LiveSite, name: str) -> str:
    value = site.state.files[name]
    return (value.read_bytes() if isinstance(value, Path) else value).decode("utf-8")


def test_a_rebuild_shows_the_edit(src: Path) -> None:
    site = site_of(src)
    assert site.state.version == 1 and site.state.errors == []
    assert "johdanto" in page_text(site, WELCOME)
    edit(src, INTRO, "Tämä on **johdanto**", "Tämä on **muokattu johdanto**")
    state = site.rebuild()
    assert state.version == 2 and state.errors == []
    assert "muokattu johdanto" in page_text(site, WELCOME)


def test_a_broken_source_keeps_the_last_good_pages_and_names_file_and_line(src: Path) -> None:
    site = site_of(src)
    before = dict(site.state.files)
    edit(src, INTRO, GOOD_FRONT, BAD_FRONT)
    state = site.rebuild()
    assert state.version == 2
    assert state.files == before  # the last good build, still served
    assert state.errors, "a YAML error must be reported"
    first = state.errors[0]
    assert re.fullmatch(r"course_src/01-basics/01-intro\.md:2(:\d+)?", first["where"]), first
    assert first["message"] and first["fix"] and first["severity"] == "error"
    edit(src, INTRO, BAD_FRONT, GOOD_FRONT)
    state = site.rebuild()
    assert state.errors == [] and state.version == 3


@contextmanager
def running(site: LiveSite, watching: bool = True) -> Iterator[str]:
    server = serve(site, "127.0.0.1", 0)
    stop = threading.Event()
    threads = [threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)]
    if watching:
        threads.append(threading.Thread(target=watch, args=(site, stop), daemon=True))
    for thread in threads:
        thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        stop.set()
        server.shutdown()
        server.server_close()
        for thread in threads:
            thread.join(timeout=5)


def get(url: str) -> tuple[int, str, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.headers["Content-Type"], response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers["Content-Type"], exc.read()


def test_pages_are_served_with_the_live_script(src: Path) -> None:
    site = site_of(src)
    with running(site, watching=False) as base:
        status, ctype, body = get(f"{base}/{WELCOME}")
        assert status == 200 and ctype == "text/html; charset=utf-8"
        assert b'<script src="/__coursekit/live.js" data-version="1"></script>\n</body>' in body
        assert get(f"{base}/")[2] == get(f"{base}/index.html")[2]
        status, ctype, body = get(f"{base}/__coursekit/live.js")
        assert status == 200 and ctype.startswith("text/javascript") and b"EventSource" in body
        status, _, body = get(f"{base}/__coursekit/state")
        state = json.loads(body)
        assert status == 200 and state["version"] == 1 and state["errors"] == [] and state["seconds"] > 0
        status, _, body = get(f"{base}/_preview/preview.css")
        assert status == 200 and b"focus-visible" in body
        status, ctype, body = get(f"{base}/unit-no-such-unit.html")
        assert status == 404 and b"unit-no-such-unit.html" in body and b"live.js" in body


def test_the_watcher_rebuilds_on_save(src: Path) -> None:
    site = site_of(src)
    with running(site) as base:
        time.sleep(0.3)  # the watcher has started
        edit(src, INTRO, "Tämä on **johdanto**", "Tämä on **tallennettu johdanto**")
        state = site.wait(1, timeout=15)
        assert state.version >= 2, "no rebuild after a save"
        assert b"tallennettu johdanto" in get(f"{base}/{WELCOME}")[2]


def test_the_browser_reloads_on_save_and_shows_errors_in_the_page(src: Path, browser) -> None:
    site = site_of(src)
    with running(site) as base, browser.page() as page:
        page.goto(f"{base}/{WELCOME}")
        page.wait_for_function("() => document.querySelector('script[data-version]') !== null")
        time.sleep(0.5)  # the event stream is open
        edit(src, INTRO, "Tämä on **johdanto**", "Tämä on **selaimessa näkyvä johdanto**")
        page.wait_for_function("() => document.body.innerText.includes('selaimessa näkyvä johdanto')",
                               timeout=15_000)
        edit(src, INTRO, GOOD_FRONT, BAD_FRONT)
        page.wait_for_selector("#coursekit-errors li.coursekit-error", timeout=15_000)
        overlay = page.inner_text("#coursekit-errors")
        assert "course_src/01-basics/01-intro.md:2" in overlay and "fix:" in overlay
        assert page.get_attribute("#coursekit-errors", "role") == "alert"
        assert "selaimessa näkyvä johdanto" in page.inner_text("main")  # the last good page stays
        edit(src, INTRO, BAD_FRONT, GOOD_FRONT)
        page.wait_for_function("() => !document.getElementById('coursekit-errors')", timeout=15_000)
    assert browser.outside == [] and browser.errors == []


def test_serve_command_prints_its_address_and_serves(src: Path) -> None:
    proc = subprocess.Popen([sys.executable, "-m", "coursekit", "serve", "--source", str(src), "--port", "0"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = ""
        deadline = time.monotonic() + 60
        while "Serving" not in line and time.monotonic() < deadline:
            line = proc.stdout.readline()  # type: ignore[union-attr]
            if not line and proc.poll() is not None:
                break
        match = re.search(r"Serving (http://127\.0\.0\.1:\d+/)", line)
        assert match, f"no address printed; stderr: {proc.stderr.read() if proc.poll() is not None else ''}"
        assert get(match.group(1) + WELCOME)[0] == 200
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_serve_refuses_a_folder_without_a_course(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "coursekit", "serve", "--source", str(tmp_path), "--port", "0"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert "course.yaml not found" in result.stderr and "Traceback" not in result.stderr
